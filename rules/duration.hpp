// Durations of the rules file: `45s`, `15m`, `4h`, `2h30m`, `7d`, a bare integer of seconds, and
// (where allowed) a percentage `75%`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "rules/expected.hpp"

namespace slawatch::rules {

/// Seconds of a duration. `d` is 24 hours of counted time. Negative or overflowing values and
/// unknown units are errors; the message says what was expected.
expected<std::int64_t> parse_duration(std::string_view text);

/// A percentage such as `75%` or `12.5%`, as per-mille-free basis points: 75% -> 7500.
expected<std::int64_t> parse_percent_basis_points(std::string_view text);

/// The inverse of parse_duration for display: `2h30m`, `15m`, `0s`.
std::string format_duration(std::int64_t seconds);

}  // namespace slawatch::rules
