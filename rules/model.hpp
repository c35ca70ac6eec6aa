// The validated rules model: what the YAML file says, with every reference resolved.
// Built by rules/load.hpp; consumed by rules/engine.hpp. Immutable once built.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "rules/calendar.hpp"

namespace slawatch::rules {

/// The SLA clocks a case can have.
enum class clock_kind { triage, first_response, next_reply, periodic_update, resolution };
inline constexpr std::array<clock_kind, 5> all_clock_kinds{
    clock_kind::triage, clock_kind::first_response, clock_kind::next_reply,
    clock_kind::periodic_update, clock_kind::resolution};
const char* to_string(clock_kind k);
std::optional<clock_kind> parse_clock_kind(std::string_view name);

/// A test on one attribute value. Attribute values are strings; numeric operators compare them
/// as numbers (a value that is not a number fails them).
struct predicate {
  enum class op { equals_any, gt, gte, lt, lte, regex, not_ };
  op kind = op::equals_any;
  std::vector<std::string> values;  ///< equals_any / in: any of these (booleans as "true"/"false")
  double number = 0;                ///< gt, gte, lt, lte
  std::string pattern;              ///< regex source, kept for display
  std::shared_ptr<const std::regex> compiled;  ///< regex, ECMAScript, must match the whole value
  std::vector<predicate> negated;   ///< not_: holds when none of these holds
};

/// All keys must hold (an absent attribute fails every predicate except `not`).
/// Several predicates under one key must all hold (e.g. {gte: 10, lt: 20}).
struct condition {
  std::map<std::string, std::vector<predicate>> keys;
  bool empty() const { return keys.empty(); }
};

/// One clock of a policy.
struct clock_rule {
  std::int64_t target_seconds = 0;
  std::string calendar;                 ///< resolved name, never empty after loading
  std::vector<std::string> pause_on;    ///< lower-case statuses that pause this clock
  std::vector<std::int64_t> warn_at_bp; ///< warning thresholds in basis points of the target (5000 = 50 %)
};

/// When an escalation level fires, in counted seconds of the clock it escalates.
struct escalation_level {
  int level = 1;
  std::int64_t after_breach_seconds = 0;  ///< `breach+1h` -> 3600; `breach` -> 0
  std::optional<std::int64_t> at_bp;      ///< `150%` of the target instead of an offset
  std::vector<std::string> notify;        ///< receiver names
};

struct impact_rule {
  std::string name;
  condition when;
  int level = 1;
};

struct receiver {
  std::string name;
  std::optional<std::string> alertmanager_severity;  ///< send through Alertmanager with this severity
  std::optional<std::string> webhook_url;            ///< send as a webhook POST
  std::string webhook_format = "slawatch";           ///< `slawatch` or `pagerduty`
  std::string hours;          ///< calendar name; empty: always reachable
  std::string outside_hours;  ///< receiver used instead when `hours` is closed
};

struct policy {
  std::string name;
  condition match;  ///< empty: matches every case
  std::map<clock_kind, clock_rule> clocks;
  std::string escalation;            ///< chain name; empty: none
  std::vector<std::string> notify;   ///< receivers of warnings and breaches
};

enum class retarget_mode { keep_start, restart, strictest };
const char* to_string(retarget_mode m);

/// A complete, validated rules file. Shared read-only between actors.
struct rule_set {
  std::string version;  ///< `version:` of the file, else a hash of its text
  std::map<std::string, calendar> calendars;
  std::vector<policy> policies;  ///< in file order; first match wins
  std::map<std::string, std::vector<escalation_level>> escalations;  ///< levels sorted by level
  std::vector<impact_rule> impact;
  std::map<std::string, receiver> receivers;
  retarget_mode retarget = retarget_mode::keep_start;

  /// The calendar with this name; the built-in 24/7 UTC one for an empty or unknown name.
  const calendar& calendar_named(const std::string& name) const;
};

}  // namespace slawatch::rules
