// Which records a case has already written: the case actor re-evaluates the whole case and hands
// on only the records whose ids are not here yet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace slawatch::actors {

/// A set of record ids kept as 64-bit hashes (rules::fnv1a_64 of the whole id), sorted, 8 bytes
/// each: a case's ids as strings cost about 130 bytes each in a hash set, and every open case
/// holds them.
///
/// A hash collision would make a new record look written, and suppress it. Ids are deterministic
/// text of a few dozen bytes and one case has tens to a few thousand of them; for n ids the chance
/// that any two of them share a 64-bit hash is about n^2 / 2^65 (1e-11 for a thousand), far
/// below the chance of losing the record by other means. FNV-1a also never maps two ids that
/// differ only in their last byte to one hash (each step is a bijection of the state), which is
/// how the ids of one clock's thresholds usually differ. Not thread-safe; owned by one case.
class emitted_ids {
 public:
  /// Adds `id`; false (and nothing changes) if it, or an id with the same hash, is already here.
  bool insert(std::string_view id);
  /// Adds a hash as read back from a snapshot; false if it is already here.
  bool insert_hash(std::uint64_t hash);
  bool contains(std::string_view id) const;
  std::size_t size() const noexcept { return hashes_.size(); }
  bool empty() const noexcept { return hashes_.empty(); }
  /// The hashes, in increasing order.
  const std::vector<std::uint64_t>& hashes() const noexcept { return hashes_; }
  /// The hash an id is kept as.
  static std::uint64_t hash_of(std::string_view id);
  friend bool operator==(const emitted_ids& a, const emitted_ids& b) { return a.hashes_ == b.hashes_; }

 private:
  std::vector<std::uint64_t> hashes_;
};

}  // namespace slawatch::actors
