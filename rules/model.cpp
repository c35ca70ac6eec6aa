// Names of the rules model's enumerations and calendar lookup.
#include "rules/model.hpp"

namespace slawatch::rules {

const char* to_string(clock_kind k) {
  switch (k) {
    case clock_kind::triage:
      return "triage";
    case clock_kind::first_response:
      return "first_response";
    case clock_kind::next_reply:
      return "next_reply";
    case clock_kind::periodic_update:
      return "periodic_update";
    case clock_kind::resolution:
      return "resolution";
  }
  return "unknown";
}

std::optional<clock_kind> parse_clock_kind(std::string_view name) {
  for (clock_kind k : all_clock_kinds) {
    if (name == to_string(k)) return k;
  }
  return std::nullopt;
}

const char* to_string(retarget_mode m) {
  switch (m) {
    case retarget_mode::keep_start:
      return "keep_start";
    case retarget_mode::restart:
      return "restart";
    case retarget_mode::strictest:
      return "strictest";
  }
  return "unknown";
}

const calendar& rule_set::calendar_named(const std::string& name) const {
  // The built-in calendar is built once and shared: calendars are immutable, and a function-local
  // static is initialised thread-safely.
  static const calendar builtin_always = calendar::always();
  if (auto it = calendars.find(name); it != calendars.end()) return it->second;
  return builtin_always;
}

}  // namespace slawatch::rules
