#include "rules/time.hpp"

#include <catch2/catch.hpp>

using namespace slawatch::rules;
using namespace date::literals;
using std::chrono::hours;
using std::chrono::minutes;

namespace {
instant at(date::year_month_day ymd, int h, int m, int s) {
  return date::sys_days{ymd} + hours{h} + minutes{m} + seconds{s};
}
}  // namespace

TEST_CASE("parse_iso8601 reads UTC and offsets", "[time]") {
  const instant expected_utc = at(2025_y / 9 / 12, 14, 3, 0);
  CHECK(parse_iso8601("2025-09-12T14:03:00Z") == expected_utc);
  CHECK(parse_iso8601("2025-09-12 14:03:00Z") == expected_utc);
  CHECK(parse_iso8601("2025-09-12T16:03:00+02:00") == expected_utc);
  CHECK(parse_iso8601("2025-09-12T16:03:00+0200") == expected_utc);
  CHECK(parse_iso8601("2025-09-12T09:03:00-05") == expected_utc);
  CHECK(parse_iso8601("2025-09-12T19:48:00+05:45") == expected_utc);
  CHECK(parse_iso8601("2025-09-12T14:03:00+00:00") == expected_utc);
  CHECK(parse_iso8601("2025-09-12T14:03:00-00:00") == expected_utc);
}

TEST_CASE("parse_iso8601 crosses dates with offsets", "[time]") {
  CHECK(parse_iso8601("2026-01-01T01:30:00+03:00") == at(2025_y / 12 / 31, 22, 30, 0));
  CHECK(parse_iso8601("2025-12-31T22:30:00-03:00") == at(2026_y / 1 / 1, 1, 30, 0));
  CHECK(parse_iso8601("2024-02-29T00:00:00Z") == at(2024_y / 2 / 29, 0, 0, 0));
}

TEST_CASE("parse_iso8601 truncates fractional seconds toward the past", "[time]") {
  CHECK(parse_iso8601("2025-09-12T14:03:07.999Z") == at(2025_y / 9 / 12, 14, 3, 7));
  CHECK(parse_iso8601("2025-09-12T14:03:07.5+01:00") == at(2025_y / 9 / 12, 13, 3, 7));
  CHECK(parse_iso8601("2025-09-12T14:03:07.000001-05:00") == at(2025_y / 9 / 12, 19, 3, 7));
  CHECK(parse_iso8601("2025-09-12T14:03:07,25Z") == at(2025_y / 9 / 12, 14, 3, 7));
  // Before the epoch the floor still goes toward the past, not toward zero.
  CHECK(parse_iso8601("1969-12-31T23:59:59.9Z") == at(1969_y / 12 / 31, 23, 59, 59));
}

TEST_CASE("parse_iso8601 rejects malformed and out-of-range text", "[time]") {
  for (const char* text : {"",
                           "2025-09-12",
                           "2025-09-12T14:03:00",
                           "2025-09-12T14:03Z",
                           "2025-13-01T00:00:00Z",
                           "2025-00-01T00:00:00Z",
                           "2025-04-31T00:00:00Z",
                           "2025-02-29T00:00:00Z",
                           "2025-09-12T25:00:00Z",
                           "2025-09-12T24:00:00Z",
                           "2025-09-12T14:60:00Z",
                           "2025-09-12T14:03:60Z",
                           "2025-09-12X14:03:00Z",
                           "2025-9-12T14:03:00Z",
                           "2025-09-12T14:03:00.Z",
                           "2025-09-12T14:03:00+2",
                           "2025-09-12T14:03:00+02:0",
                           "2025-09-12T14:03:00+24:00",
                           "2025-09-12T14:03:00+02:60",
                           "2025-09-12T14:03:00Z ",
                           " 2025-09-12T14:03:00Z",
                           "2025-09-12T14:03:00ZZ",
                           "abcd-09-12T14:03:00Z",
                           "2025-09-12T14:03:00+02:00:00"}) {
    INFO(text);
    CHECK_FALSE(parse_iso8601(text).has_value());
  }
}

TEST_CASE("parse_iso8601 keeps to the years format_iso8601 can write", "[time]") {
  // Regression (decoder fuzzing): an offset moved these outside 0000..9999 in UTC, and the
  // event they came in could not be encoded back.
  CHECK_FALSE(parse_iso8601("0000-01-01T00:00:00+01:00").has_value());
  CHECK_FALSE(parse_iso8601("9999-12-31T23:30:00-01:00").has_value());
  const auto first = parse_iso8601("0000-01-01T01:00:00+01:00");
  const auto last = parse_iso8601("9999-12-31T22:59:59-01:00");
  REQUIRE(first);
  REQUIRE(last);
  CHECK(format_iso8601(*first) == "0000-01-01T00:00:00Z");
  CHECK(format_iso8601(*last) == "9999-12-31T23:59:59Z");
  CHECK(parse_iso8601(format_iso8601(*first)) == first);
  CHECK(parse_iso8601(format_iso8601(*last)) == last);
}

TEST_CASE("format_iso8601 writes UTC with Z and round-trips", "[time]") {
  CHECK(format_iso8601(at(2025_y / 9 / 12, 14, 3, 0)) == "2025-09-12T14:03:00Z");
  CHECK(format_iso8601(at(2026_y / 1 / 1, 0, 0, 0)) == "2026-01-01T00:00:00Z");
  CHECK(format_iso8601(at(1969_y / 12 / 31, 23, 59, 59)) == "1969-12-31T23:59:59Z");
  for (const char* text :
       {"2026-03-08T06:59:59Z", "2000-02-29T12:00:01Z", "1970-01-01T00:00:00Z"}) {
    const auto parsed = parse_iso8601(text);
    REQUIRE(parsed);
    CHECK(format_iso8601(*parsed) == text);
  }
}

TEST_CASE("format_iso8601 agrees with date's civil calendar over a wide range", "[time]") {
  for (std::int64_t day = -700000; day <= 800000; day += 997) {
    const instant t =
        date::sys_days{date::days{day}} + seconds{(day * 7919) % 86400 + 86400} - date::days{1};
    CHECK(format_iso8601(t) == date::format("%FT%TZ", t));
  }
  // Years beyond four digits (32767-01-01 stands for "never" in the calendars) and before 0.
  CHECK(format_iso8601(instant{date::sys_days{date::year{32767} / 1 / 1}}) == "32767-01-01T00:00:00Z");
  CHECK(format_iso8601(instant{date::sys_days{date::year{10000} / 1 / 1}} - seconds{1}) ==
        "9999-12-31T23:59:59Z");
  CHECK(format_iso8601(instant{date::sys_days{date::year{-1} / 12 / 31}}) == "-001-12-31T00:00:00Z");
  // The far end stands for "never" and still formats without overflow.
  CHECK_FALSE(format_iso8601(instant::max()).empty());
  CHECK_FALSE(format_iso8601(instant::min()).empty());
}
