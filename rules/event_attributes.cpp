#include "rules/event_attributes.hpp"

#include <algorithm>
#include <stdexcept>

namespace slawatch::rules {

namespace {

void append_length(std::string& out, std::size_t length) {
  while (length >= 0x80) {
    out += static_cast<char>((length & 0x7f) | 0x80);
    length >>= 7;
  }
  out += static_cast<char>(length);
}

/// Reads a length written by append_length at `at`, moving `at` past it.
std::size_t read_length(const char*& at) {
  std::size_t length = 0;
  int shift = 0;
  for (;;) {
    const auto byte = static_cast<unsigned char>(*at++);
    length |= static_cast<std::size_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return length;
    shift += 7;
  }
}

/// The entry at `at`: its name and value, and where the next entry starts.
struct entry_at {
  std::string_view name;
  std::string_view value;
  const char* next;
};

entry_at read_entry(const char* at) {
  entry_at e;
  const auto name_length = read_length(at);
  e.name = {at, name_length};
  at += name_length;
  const auto value_length = read_length(at);
  e.value = {at, value_length};
  e.next = at + value_length;
  return e;
}

void append_entry(std::string& out, std::string_view name, std::string_view value) {
  append_length(out, name.size());
  out += name;
  append_length(out, value.size());
  out += value;
}

}  // namespace

event_attributes::value_type event_attributes::const_iterator::operator*() const {
  const auto e = read_entry(at_);
  return {e.name, e.value};
}

event_attributes::const_iterator& event_attributes::const_iterator::operator++() {
  at_ = read_entry(at_).next;
  return *this;
}

event_attributes::event_attributes(const attributes& map) {
  std::size_t bytes = 0;
  for (const auto& [name, value] : map) bytes += name.size() + value.size() + 2;
  data_.reserve(bytes);
  for (const auto& [name, value] : map) append_entry(data_, name, value);
}

event_attributes::event_attributes(std::initializer_list<value_type> entries) {
  for (const auto& [name, value] : entries) insert(name, value);
}

std::size_t event_attributes::size() const noexcept { return static_cast<std::size_t>(std::distance(begin(), end())); }

std::optional<std::string_view> event_attributes::get(std::string_view name) const {
  for (const auto& [n, value] : *this) {
    if (n == name) return value;
    if (n > name) break;
  }
  return std::nullopt;
}

std::string_view event_attributes::at(std::string_view name) const {
  if (auto value = get(name)) return *value;
  throw std::out_of_range("event_attributes::at: no attribute " + std::string(name));
}

void event_attributes::set(std::string_view name, std::string_view value) { put(name, value, true); }

bool event_attributes::insert(std::string_view name, std::string_view value) { return put(name, value, false); }

bool event_attributes::put(std::string_view name, std::string_view value, bool replace) {
  const char* const start = data_.data();
  const char* at = start;
  const char* const stop = start + data_.size();
  while (at != stop) {
    const auto e = read_entry(at);
    if (e.name == name) {
      if (!replace) return false;
      std::string rebuilt;
      rebuilt.reserve(data_.size() + value.size());
      rebuilt.append(start, at);
      append_entry(rebuilt, name, value);
      rebuilt.append(e.next, stop);
      data_ = std::move(rebuilt);
      return true;
    }
    if (e.name > name) break;
    at = e.next;
  }
  std::string entry;
  append_entry(entry, name, value);
  data_.insert(static_cast<std::size_t>(at - start), entry);
  return true;
}

void event_attributes::erase(std::string_view name) {
  const char* const start = data_.data();
  for (const char* at = start; at != start + data_.size();) {
    const auto e = read_entry(at);
    if (e.name == name) {
      data_.erase(static_cast<std::size_t>(at - start), static_cast<std::size_t>(e.next - at));
      return;
    }
    if (e.name > name) return;
    at = e.next;
  }
}

attributes event_attributes::to_map() const {
  attributes map;
  for (const auto& [name, value] : *this) map.emplace_hint(map.end(), name, value);
  return map;
}

bool operator<(const event_attributes& a, const event_attributes& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

}  // namespace slawatch::rules
