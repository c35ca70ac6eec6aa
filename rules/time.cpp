// ISO 8601 parsing and formatting of UTC instants, to the second.
#include "rules/time.hpp"

#include <cstdio>

namespace slawatch::rules {
namespace {

/// Reads exactly `count` decimal digits at `pos`, advancing it; nothing if any is not a digit.
std::optional<int> read_digits(std::string_view text, std::size_t& pos, std::size_t count) {
  if (pos + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += count;
  return value;
}

bool consume(std::string_view text, std::size_t& pos, char expected) {
  if (pos < text.size() && text[pos] == expected) {
    ++pos;
    return true;
  }
  return false;
}

}  // namespace

std::optional<instant> parse_iso8601(std::string_view text) {
  std::size_t pos = 0;
  const auto year = read_digits(text, pos, 4);
  if (!year || !consume(text, pos, '-')) return std::nullopt;
  const auto month = read_digits(text, pos, 2);
  if (!month || !consume(text, pos, '-')) return std::nullopt;
  const auto day = read_digits(text, pos, 2);
  if (!day) return std::nullopt;
  if (!consume(text, pos, 'T') && !consume(text, pos, 't') && !consume(text, pos, ' ')) {
    return std::nullopt;
  }
  const auto hour = read_digits(text, pos, 2);
  if (!hour || !consume(text, pos, ':')) return std::nullopt;
  const auto minute = read_digits(text, pos, 2);
  if (!minute || !consume(text, pos, ':')) return std::nullopt;
  const auto second = read_digits(text, pos, 2);
  if (!second) return std::nullopt;

  // Fractional seconds: dropping them truncates toward the past whatever the offset, because the
  // fraction only ever adds to the wall time that the offset then shifts as a whole.
  if (consume(text, pos, '.') || consume(text, pos, ',')) {
    const std::size_t first_digit = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == first_digit) return std::nullopt;
  }

  // Offset east of UTC, in seconds.
  std::int64_t offset_seconds = 0;
  if (consume(text, pos, 'Z') || consume(text, pos, 'z')) {
    offset_seconds = 0;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const bool west = text[pos] == '-';
    ++pos;
    const auto offset_hours = read_digits(text, pos, 2);
    if (!offset_hours) return std::nullopt;
    int offset_minutes = 0;
    if (pos < text.size()) {
      consume(text, pos, ':');  // `+02:00` and `+0200` are both ISO 8601
      const auto minutes = read_digits(text, pos, 2);
      if (!minutes) return std::nullopt;
      offset_minutes = *minutes;
    }
    if (*offset_hours > 23 || offset_minutes > 59) return std::nullopt;
    offset_seconds = (*offset_hours * 3600 + offset_minutes * 60) * (west ? -1 : 1);
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;

  const date::year_month_day ymd{date::year{*year}, date::month{static_cast<unsigned>(*month)},
                                 date::day{static_cast<unsigned>(*day)}};
  if (!ymd.ok() || *hour > 23 || *minute > 59 || *second > 59) return std::nullopt;
  const instant local_as_utc = date::sys_days{ymd} + std::chrono::hours{*hour} +
                               std::chrono::minutes{*minute} + seconds{*second};
  const instant utc = local_as_utc - seconds{offset_seconds};
  // An offset can carry years 0000 and 9999 across the four-digit range; such an instant would
  // format as `-001-...` or `10000-...`, which nothing reads back (found by fuzzing the decoder).
  static constexpr instant first{date::sys_days{date::year{0} / 1 / 1}};
  static constexpr instant last{date::sys_days{date::year{9999} / 12 / 31} + seconds{86399}};
  if (utc < first || utc > last) return std::nullopt;
  return utc;
}

std::string format_iso8601(instant t) {
  // Civil-from-days (H. Hinnant) in 64 bits, so every instant formats without overflow, even the
  // far ends of the range that stand for "never".
  const std::int64_t total = t.time_since_epoch().count();
  std::int64_t day_count = total / 86400;
  std::int64_t second_of_day = total % 86400;
  if (second_of_day < 0) {
    second_of_day += 86400;
    --day_count;
  }
  const std::int64_t z = day_count + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t day_of_era = z - era * 146097;
  const std::int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t shifted_month = (5 * day_of_year + 2) / 153;  // March = 0
  const std::int64_t day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
  const std::int64_t month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
  const std::int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  if (year >= 0 && year <= 9999) {
    // Every instant of the records' range: digits by hand (snprintf showed in replay profiles).
    std::string out = "0000-00-00T00:00:00Z";
    const auto two = [&out](std::size_t at, std::int64_t value) {
      out[at] = static_cast<char>('0' + value / 10);
      out[at + 1] = static_cast<char>('0' + value % 10);
    };
    two(0, year / 100);
    two(2, year % 100);
    two(5, month);
    two(8, day);
    two(11, second_of_day / 3600);
    two(14, second_of_day / 60 % 60);
    two(17, second_of_day % 60);
    return out;
  }
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ",
                static_cast<long long>(year), static_cast<long long>(month),
                static_cast<long long>(day), static_cast<long long>(second_of_day / 3600),
                static_cast<long long>(second_of_day / 60 % 60),
                static_cast<long long>(second_of_day % 60));
  return buffer;
}

}  // namespace slawatch::rules
