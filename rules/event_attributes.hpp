// The attributes one event carries, packed into one buffer: every open case holds its events for
// its whole life, and a std::map of strings cost about 110 bytes per attribute (a tree node and
// two strings each) where the packed form costs the text and two length bytes.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "rules/match.hpp"

namespace slawatch::rules {

/// Name -> value, sorted by name, each name at most once: what `attributes` holds, kept as one
/// string of entries `length name length value` (lengths as unsigned LEB128). Reading walks the
/// entries (events carry a handful); changing one rebuilds the buffer, so build events whole.
/// Compares like `attributes` (lexicographically by (name, value) pairs), so events order the
/// same whichever of the two held them. Not thread-safe for writing; a value type.
class event_attributes {
 public:
  using value_type = std::pair<std::string_view, std::string_view>;

  /// Walks the entries in name order; the views point into the buffer (valid until it changes).
  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = event_attributes::value_type;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = value_type;

    const_iterator() = default;
    value_type operator*() const;
    const_iterator& operator++();
    const_iterator operator++(int) {
      auto before = *this;
      ++*this;
      return before;
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) { return a.at_ == b.at_; }
    friend bool operator!=(const const_iterator& a, const const_iterator& b) { return a.at_ != b.at_; }

   private:
    friend class event_attributes;
    explicit const_iterator(const char* at) : at_(at) {}
    const char* at_ = nullptr;
  };

  event_attributes() = default;
  /// From a map (implicit: events are often built from one).
  event_attributes(const attributes& map);  // NOLINT(google-explicit-constructor)
  /// Like the map's: a name given twice keeps its first value.
  event_attributes(std::initializer_list<value_type> entries);

  const_iterator begin() const noexcept { return const_iterator{data_.data()}; }
  const_iterator end() const noexcept { return const_iterator{data_.data() + data_.size()}; }
  bool empty() const noexcept { return data_.empty(); }
  std::size_t size() const noexcept;

  /// The value of `name`; none when absent.
  std::optional<std::string_view> get(std::string_view name) const;
  /// The value of `name`; throws std::out_of_range when absent (as std::map::at).
  std::string_view at(std::string_view name) const;
  /// 1 if `name` is present, else 0 (as std::map::count).
  std::size_t count(std::string_view name) const { return get(name) ? 1 : 0; }

  /// Sets `name` to `value`, replacing a value it had (as std::map::operator[]).
  void set(std::string_view name, std::string_view value);
  /// Adds `name` unless present; false (nothing changes) if it was (as std::map::insert).
  bool insert(std::string_view name, std::string_view value);
  /// Removes `name` if present.
  void erase(std::string_view name);

  /// The same entries as a map.
  attributes to_map() const;

  friend bool operator==(const event_attributes& a, const event_attributes& b) { return a.data_ == b.data_; }
  friend bool operator!=(const event_attributes& a, const event_attributes& b) { return a.data_ != b.data_; }
  friend bool operator<(const event_attributes& a, const event_attributes& b);

 private:
  /// Puts `value` at `name`'s place: replacing its value if present and `replace`.
  bool put(std::string_view name, std::string_view value, bool replace);
  std::string data_;
};

}  // namespace slawatch::rules
