// Instants and ISO 8601 text. All instants are UTC with second precision.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <date/date.h>

namespace slawatch::rules {

/// A point in UTC time, to the second. Wall time only: the engine never reads a clock.
using instant = date::sys_seconds;
using seconds = std::chrono::seconds;

/// Parses ISO 8601 date-time with `Z` or a numeric offset (`+02:00`, `+0200`, `-05`), `T` or a
/// space between date and time, optional fractional seconds (truncated toward the past).
/// Returns nothing for anything else, including out-of-range fields (month 13, 25:00) and
/// instants outside 0000-01-01T00:00:00Z..9999-12-31T23:59:59Z, which format_iso8601 could not
/// write back as four-digit years (`0000-01-01T00:30:00+01:00` is year -1 in UTC).
std::optional<instant> parse_iso8601(std::string_view text);

/// `YYYY-MM-DDTHH:MM:SSZ`.
std::string format_iso8601(instant t);

}  // namespace slawatch::rules
