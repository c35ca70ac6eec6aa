#include "actors/emitted_ids.hpp"

#include <algorithm>

#include "rules/partition.hpp"

namespace slawatch::actors {

std::uint64_t emitted_ids::hash_of(std::string_view id) { return rules::fnv1a_64(id); }

bool emitted_ids::insert(std::string_view id) { return insert_hash(hash_of(id)); }

bool emitted_ids::insert_hash(std::uint64_t hash) {
  const auto pos = std::lower_bound(hashes_.begin(), hashes_.end(), hash);
  if (pos != hashes_.end() && *pos == hash) return false;
  hashes_.insert(pos, hash);
  return true;
}

bool emitted_ids::contains(std::string_view id) const {
  return std::binary_search(hashes_.begin(), hashes_.end(), hash_of(id));
}

}  // namespace slawatch::actors
