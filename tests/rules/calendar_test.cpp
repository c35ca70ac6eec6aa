#include "rules/calendar.hpp"

#include <catch2/catch.hpp>
#include <initializer_list>
#include <utility>

using namespace slawatch::rules;
using date::literals::operator""_y;

namespace {

/// An instant written with an explicit offset, so expectations are worked out by hand.
instant at(const char* text) {
  const auto t = parse_iso8601(text);
  REQUIRE(t);
  return *t;
}

std::vector<local_interval> intervals(std::initializer_list<const char*> texts) {
  std::vector<local_interval> out;
  for (const char* text : texts) {
    const auto parsed = parse_local_interval(text);
    REQUIRE(parsed);
    out.push_back(*parsed);
  }
  return out;
}

enum day_index { sun, mon, tue, wed, thu, fri, sat };

calendar_spec weekdays(const char* zone, std::initializer_list<const char*> hours) {
  calendar_spec spec;
  spec.name = "test";
  spec.timezone = zone;
  for (int d : {mon, tue, wed, thu, fri}) spec.weekly[d] = intervals(hours);
  return spec;
}

calendar make(calendar_spec spec) {
  auto made = calendar::make(std::move(spec));
  INFO((made ? std::string() : made.error()));
  REQUIRE(made);
  return *made;
}

/// A calendar open only on one weekday, with the given hours.
calendar one_day(const char* zone, day_index day, std::initializer_list<const char*> hours) {
  calendar_spec spec;
  spec.name = "one-day";
  spec.timezone = zone;
  spec.weekly[day] = intervals(hours);
  return make(spec);
}

constexpr std::int64_t hour = 3600;

}  // namespace

TEST_CASE("parse_local_interval", "[calendar]") {
  CHECK(*parse_local_interval("08:00-18:00") == local_interval{480, 1080});
  CHECK(*parse_local_interval("00:00-24:00") == local_interval{0, 1440});
  CHECK(*parse_local_interval("23:59-24:00") == local_interval{1439, 1440});
  for (const char* text : {"", "24:00-24:00", "18:00-08:00", "08:00-08:00", "8:00-18:00",
                           "08:00-24:01", "08:60-09:00", "25:00-26:00", "08:00 - 18:00",
                           "08:00-18:00 ", "0800-1800", "08:00-18", "ab:cd-ef:gh", "08:00-25:00"}) {
    INFO(text);
    const auto parsed = parse_local_interval(text);
    CHECK_FALSE(parsed);
    if (!parsed) CHECK_THAT(parsed.error(), Catch::Contains("HH:MM-HH:MM"));
  }
}

TEST_CASE("calendar::make validates zone, intervals and open time", "[calendar]") {
  SECTION("unknown zone") {
    auto spec = weekdays("Mars/Olympus_Mons", {"08:00-18:00"});
    const auto made = calendar::make(spec);
    REQUIRE_FALSE(made);
    CHECK_THAT(made.error(), Catch::Contains("Mars/Olympus_Mons"));
  }
  SECTION("no open time at all") {
    calendar_spec spec;
    spec.name = "closed";
    spec.holidays.insert(date::local_days{2026_y / 1 / 1});
    const auto made = calendar::make(spec);
    REQUIRE_FALSE(made);
    CHECK_THAT(made.error(), Catch::Contains("no open time"));
    CHECK_THAT(made.error(), Catch::Contains("'closed'"));
  }
  SECTION("overrides only, all inside the spring-forward gap") {
    calendar_spec spec;
    spec.name = "gap";
    spec.timezone = "America/New_York";
    spec.overrides[date::local_days{2026_y / 3 / 8}] = intervals({"02:00-03:00"});
    CHECK_FALSE(calendar::make(spec));
  }
  SECTION("overrides only, on a holiday") {
    calendar_spec spec;
    spec.name = "holiday-override";
    spec.overrides[date::local_days{2026_y / 12 / 24}] = intervals({"08:00-12:00"});
    spec.holidays.insert(date::local_days{2026_y / 12 / 24});
    CHECK_FALSE(calendar::make(spec));
  }
  SECTION("overrides only, with real open time") {
    calendar_spec spec;
    spec.name = "one-off";
    spec.timezone = "Europe/Berlin";
    spec.overrides[date::local_days{2026_y / 12 / 24}] = intervals({"08:00-12:00"});
    const calendar c = make(spec);
    CHECK(c.open_seconds(at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z")) == 4 * hour);
    CHECK(c.due_after(at("2026-01-01T00:00:00Z"), 4 * hour) == at("2026-12-24T12:00:00+01:00"));
    // Once the override is past, the total can never be reached: far in the future, not a loop.
    CHECK(c.due_after(at("2026-01-01T00:00:00Z"), 4 * hour + 1) > at("9999-01-01T00:00:00Z"));
    CHECK(c.due_after(at("2027-01-01T00:00:00Z"), 1) > at("9999-01-01T00:00:00Z"));
  }
  SECTION("overlapping and reversed intervals") {
    auto spec = weekdays("UTC", {"08:00-12:00", "11:00-13:00"});
    const auto made = calendar::make(spec);
    REQUIRE_FALSE(made);
    CHECK_THAT(made.error(), Catch::Contains("overlap"));
    auto reversed = weekdays("UTC", {});
    reversed.weekly[mon].push_back(local_interval{600, 500});
    CHECK_FALSE(calendar::make(reversed));
  }
  SECTION("intervals given out of order are accepted and sorted") {
    const calendar c = make(weekdays("UTC", {"13:00-18:00", "08:00-12:00"}));
    CHECK(c.spec().weekly[mon] == intervals({"08:00-12:00", "13:00-18:00"}));
  }
}

TEST_CASE("calendar::always is 24/7 UTC", "[calendar]") {
  const calendar c = calendar::always();
  CHECK(c.name() == "always");
  CHECK(c.spec().always_open);
  const instant from = at("2026-03-08T06:30:00Z");
  CHECK(c.due_after(from, 0) == from);
  CHECK(c.due_after(from, 4 * hour) == at("2026-03-08T10:30:00Z"));
  CHECK(c.open_seconds(from, at("2026-03-09T06:30:00Z")) == 24 * hour);
  CHECK(c.open_seconds(from, from - seconds{5}) == 0);
  CHECK(c.is_open(from));
  const auto segments = c.segments(from, from + seconds{10});
  REQUIRE(segments.size() == 1);
  CHECK(segments[0].reason == time_reason::open);
  CHECK(c.due_after(from, INT64_MAX) > at("9999-01-01T00:00:00Z"));
}

TEST_CASE("business hours in New York", "[calendar]") {
  auto spec = weekdays("America/New_York", {"08:00-18:00"});
  spec.holidays = {date::local_days{2026_y / 11 / 26}, date::local_days{2026_y / 12 / 25}};
  spec.overrides[date::local_days{2026_y / 12 / 24}] = intervals({"08:00-12:00"});
  const calendar c = make(spec);

  SECTION("within a day") {
    CHECK(c.due_after(at("2026-03-02T09:00:00-05:00"), 2 * hour) ==
          at("2026-03-02T11:00:00-05:00"));
  }
  SECTION("running out exactly at closing is due at the closing instant") {
    CHECK(c.due_after(at("2026-03-02T08:00:00-05:00"), 10 * hour) ==
          at("2026-03-02T18:00:00-05:00"));
    CHECK(c.due_after(at("2026-03-02T08:00:00-05:00"), 10 * hour + 1) ==
          at("2026-03-03T08:00:01-05:00"));
  }
  SECTION("over the weekend") {
    CHECK(c.due_after(at("2026-03-06T17:00:00-05:00"), 2 * hour) ==
          at("2026-03-09T09:00:00-04:00"));
  }
  SECTION("starting outside hours counts from the next opening") {
    CHECK(c.due_after(at("2026-03-07T12:00:00-05:00"), 1) == at("2026-03-09T08:00:01-04:00"));
    CHECK(c.due_after(at("2026-03-02T19:00:00-05:00"), 30 * 60) == at("2026-03-03T08:30:00-05:00"));
    CHECK(c.due_after(at("2026-03-02T07:59:59-05:00"), 1) == at("2026-03-02T08:00:01-05:00"));
  }
  SECTION("in 0 is the start itself, even outside hours") {
    const instant saturday = at("2026-03-07T12:34:56-05:00");
    CHECK(c.due_after(saturday, 0) == saturday);
  }
  SECTION("a week holds five ten-hour days across the DST change") {
    CHECK(c.open_seconds(at("2026-03-02T00:00:00-05:00"), at("2026-03-16T00:00:00-04:00")) ==
          100 * hour);
    CHECK(c.due_after(at("2026-03-06T00:00:00-05:00"), 20 * hour) ==
          at("2026-03-09T18:00:00-04:00"));
  }
  SECTION("holidays are closed") {
    // Wednesday before Thanksgiving, then Friday.
    CHECK(c.due_after(at("2026-11-25T17:00:00-05:00"), 2 * hour) ==
          at("2026-11-27T09:00:00-05:00"));
    CHECK_FALSE(c.is_open(at("2026-11-26T12:00:00-05:00")));
    CHECK(c.open_seconds(at("2026-11-26T00:00:00-05:00"), at("2026-11-27T00:00:00-05:00")) == 0);
  }
  SECTION("an override replaces the weekly hours; the holiday after it stays closed") {
    CHECK(c.due_after(at("2026-12-24T11:00:00-05:00"), 2 * hour) ==
          at("2026-12-28T09:00:00-05:00"));
    CHECK(c.is_open(at("2026-12-24T11:59:59-05:00")));
    CHECK_FALSE(c.is_open(at("2026-12-24T12:00:00-05:00")));
  }
  SECTION("segments carry their reasons") {
    const auto segments =
        c.segments(at("2026-11-25T17:00:00-05:00"), at("2026-11-27T09:00:00-05:00"));
    REQUIRE(segments.size() == 5);
    CHECK(segments[0].begin == at("2026-11-25T17:00:00-05:00"));
    CHECK(segments[0].reason == time_reason::open);
    CHECK(segments[1].reason == time_reason::outside_hours);
    CHECK(segments[1].end == at("2026-11-26T00:00:00-05:00"));
    CHECK(segments[2].reason == time_reason::holiday);
    CHECK(segments[2].end == at("2026-11-27T00:00:00-05:00"));
    CHECK(segments[3].reason == time_reason::outside_hours);
    CHECK(segments[3].end == at("2026-11-27T08:00:00-05:00"));
    CHECK(segments[4].reason == time_reason::open);
    CHECK(segments[4].end == at("2026-11-27T09:00:00-05:00"));
    CHECK(std::string(to_string(segments[2].reason)) == "holiday");
  }
  SECTION("a long target skips whole weeks and agrees with walking") {
    const instant from = at("2026-01-05T08:00:00-05:00");
    // 2026-01-05 to 2027-01-04: 52 weeks of 50 hours less two holidays and the half-day override.
    const instant to = at("2027-01-04T08:00:00-05:00");
    CHECK(c.open_seconds(from, to) == (52 * 50 - 20 - 6) * hour);
    CHECK(c.due_after(from, (52 * 50 - 20 - 6) * hour) == at("2027-01-01T18:00:00-05:00"));
  }
}

TEST_CASE("split days and 24:00", "[calendar]") {
  SECTION("lunch break") {
    const calendar c = make(weekdays("UTC", {"08:00-12:00", "13:00-18:00"}));
    CHECK(c.due_after(at("2026-03-03T11:00:00Z"), hour) == at("2026-03-03T12:00:00Z"));
    CHECK(c.due_after(at("2026-03-03T11:00:00Z"), 2 * hour) == at("2026-03-03T14:00:00Z"));
    CHECK(c.due_after(at("2026-03-03T12:30:00Z"), 1) == at("2026-03-03T13:00:01Z"));
    CHECK(c.open_seconds(at("2026-03-03T00:00:00Z"), at("2026-03-04T00:00:00Z")) == 9 * hour);
    const auto segments = c.segments(at("2026-03-03T00:00:00Z"), at("2026-03-04T00:00:00Z"));
    REQUIRE(segments.size() == 5);
    CHECK(segments[2].begin == at("2026-03-03T12:00:00Z"));
    CHECK(segments[2].reason == time_reason::outside_hours);
  }
  SECTION("evening shift running through midnight is one stretch") {
    calendar_spec spec;
    spec.name = "night";
    spec.timezone = "Europe/Berlin";
    spec.weekly[mon] = intervals({"20:00-24:00"});
    spec.weekly[tue] = intervals({"00:00-04:00"});
    const calendar c = make(spec);
    CHECK(c.due_after(at("2026-03-02T23:00:00+01:00"), 2 * hour) ==
          at("2026-03-03T01:00:00+01:00"));
    const auto segments =
        c.segments(at("2026-03-02T12:00:00+01:00"), at("2026-03-03T12:00:00+01:00"));
    REQUIRE(segments.size() == 3);
    CHECK(segments[1].begin == at("2026-03-02T20:00:00+01:00"));
    CHECK(segments[1].end == at("2026-03-03T04:00:00+01:00"));
    CHECK(segments[1].reason == time_reason::open);
  }
  SECTION("00:00-24:00 every day is 24/7 through DST changes") {
    calendar_spec spec;
    spec.name = "all-days";
    spec.timezone = "America/New_York";
    for (auto& day : spec.weekly) day = intervals({"00:00-24:00"});
    const calendar c = make(spec);
    const instant from = at("2026-03-07T00:00:00Z");
    CHECK(c.open_seconds(from, at("2026-11-03T00:00:00Z")) ==
          (at("2026-11-03T00:00:00Z") - from).count());
    CHECK(c.due_after(from, 30 * 24 * hour) == from + seconds{30 * 24 * hour});
    CHECK(c.segments(from, at("2026-11-03T00:00:00Z")).size() == 1);
  }
}

TEST_CASE("DST in America/New_York", "[calendar]") {
  SECTION("spring forward: Sunday 2026-03-08 has 23 hours") {
    const calendar c = one_day("America/New_York", sun, {"00:00-24:00"});
    CHECK(c.open_seconds(at("2026-03-07T00:00:00Z"), at("2026-03-10T00:00:00Z")) == 23 * hour);
  }
  SECTION("the gap is never open") {
    const calendar c = one_day("America/New_York", sun, {"01:00-03:00"});
    // 01:00 EST to 02:00 EST, then the clock shows 03:00 EDT: one real hour.
    CHECK(c.open_seconds(at("2026-03-08T00:00:00Z"), at("2026-03-09T00:00:00Z")) == hour);
    CHECK(c.due_after(at("2026-03-08T00:00:00-05:00"), hour) == at("2026-03-08T07:00:00Z"));
    CHECK(c.due_after(at("2026-03-08T00:00:00-05:00"), hour + 1) == at("2026-03-15T05:00:01Z"));
    const calendar gap_only = one_day("America/New_York", sun, {"02:00-03:00"});
    CHECK(gap_only.open_seconds(at("2026-03-08T00:00:00Z"), at("2026-03-09T00:00:00Z")) == 0);
    CHECK(gap_only.due_after(at("2026-03-08T00:00:00Z"), 1) == at("2026-03-15T02:00:01-04:00"));
  }
  SECTION("fall back: Sunday 2026-11-01 has 25 hours") {
    const calendar c = one_day("America/New_York", sun, {"00:00-24:00"});
    CHECK(c.open_seconds(at("2026-10-31T00:00:00Z"), at("2026-11-03T00:00:00Z")) == 25 * hour);
  }
  SECTION("the repeated hour is open twice") {
    const calendar c = one_day("America/New_York", sun, {"01:00-02:00"});
    CHECK(c.open_seconds(at("2026-11-01T00:00:00Z"), at("2026-11-02T00:00:00Z")) == 2 * hour);
    CHECK(c.due_after(at("2026-11-01T00:00:00-04:00"), 90 * 60) == at("2026-11-01T01:30:00-05:00"));
  }
  SECTION("an interval straddling the repeat is open in two pieces") {
    const calendar c = one_day("America/New_York", sun, {"00:30-01:30"});
    CHECK(c.open_seconds(at("2026-11-01T00:00:00Z"), at("2026-11-02T00:00:00Z")) == 90 * 60);
    // The first piece, 00:30-01:30 EDT, closes at 05:30Z; the second is 01:00-01:30 EST.
    CHECK(c.due_after(at("2026-11-01T04:00:00Z"), hour) == at("2026-11-01T05:30:00Z"));
    CHECK(c.due_after(at("2026-11-01T04:00:00Z"), hour + 1) == at("2026-11-01T06:00:01Z"));
    CHECK_FALSE(c.is_open(at("2026-11-01T05:45:00Z")));  // 01:45 EDT
    CHECK(c.is_open(at("2026-11-01T06:15:00Z")));        // 01:15 EST
    const auto segments = c.segments(at("2026-11-01T04:00:00Z"), at("2026-11-01T07:00:00Z"));
    REQUIRE(segments.size() == 5);
    CHECK(segments[1].begin == at("2026-11-01T04:30:00Z"));
    CHECK(segments[1].end == at("2026-11-01T05:30:00Z"));
    CHECK(segments[3].begin == at("2026-11-01T06:00:00Z"));
    CHECK(segments[3].end == at("2026-11-01T06:30:00Z"));
  }
}

TEST_CASE("DST in Europe/Berlin", "[calendar]") {
  const calendar c = one_day("Europe/Berlin", sun, {"01:00-04:00"});
  // 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00Z; open 01:00-02:00 CET and 03:00-04:00 CEST.
  CHECK(c.open_seconds(at("2026-03-28T00:00:00Z"), at("2026-03-30T00:00:00Z")) == 2 * hour);
  CHECK(c.due_after(at("2026-03-29T01:30:00+01:00"), hour) == at("2026-03-29T03:30:00+02:00"));
  CHECK(c.due_after(at("2026-03-29T01:30:00+01:00"), hour) == at("2026-03-29T01:30:00Z"));
  // 2026-10-25: 03:00 CEST falls back to 02:00 CET at 01:00Z; 02:00-03:00 happens twice.
  CHECK(c.open_seconds(at("2026-10-24T00:00:00Z"), at("2026-10-26T00:00:00Z")) == 4 * hour);
  CHECK(c.due_after(at("2026-10-25T01:00:00+02:00"), 4 * hour) == at("2026-10-25T04:00:00+01:00"));
  CHECK(c.due_after(at("2026-10-25T02:30:00+02:00"), hour) == at("2026-10-25T02:30:00+01:00"));
}

TEST_CASE("DST in Australia/Sydney (southern hemisphere)", "[calendar]") {
  const calendar c = one_day("Australia/Sydney", sun, {"00:00-24:00"});
  // 2026-04-05: 03:00 AEDT falls back to 02:00 AEST, a 25-hour Sunday.
  CHECK(c.open_seconds(at("2026-04-03T00:00:00Z"), at("2026-04-07T00:00:00Z")) == 25 * hour);
  CHECK(c.due_after(at("2026-04-05T00:00:00+11:00"), 24 * hour) == at("2026-04-05T23:00:00+10:00"));
  // 2026-10-04: 02:00 AEST jumps to 03:00 AEDT, a 23-hour Sunday.
  CHECK(c.open_seconds(at("2026-10-02T00:00:00Z"), at("2026-10-06T00:00:00Z")) == 23 * hour);
  CHECK(c.due_after(at("2026-10-04T00:00:00+10:00"), 23 * hour) == at("2026-10-05T00:00:00+11:00"));
  const calendar mornings = one_day("Australia/Sydney", sun, {"01:30-03:30"});
  CHECK(mornings.open_seconds(at("2026-04-04T00:00:00Z"), at("2026-04-06T00:00:00Z")) == 3 * hour);
  CHECK(mornings.open_seconds(at("2026-10-03T00:00:00Z"), at("2026-10-05T00:00:00Z")) == hour);
}

TEST_CASE("half-hour and 45-minute offsets", "[calendar]") {
  SECTION("Asia/Kolkata +05:30") {
    const calendar c = make(weekdays("Asia/Kolkata", {"09:00-17:00"}));
    CHECK(c.due_after(at("2026-01-05T00:00:00Z"), hour) == at("2026-01-05T04:30:00Z"));
    CHECK(c.is_open(at("2026-01-05T03:30:00Z")));
    CHECK_FALSE(c.is_open(at("2026-01-05T03:29:59Z")));
  }
  SECTION("Australia/Adelaide +10:30 in summer, +09:30 in winter") {
    const calendar c = make(weekdays("Australia/Adelaide", {"09:00-17:00"}));
    CHECK(c.due_after(at("2026-01-04T12:00:00Z"), 8 * hour) == at("2026-01-05T06:30:00Z"));
    CHECK(c.due_after(at("2026-07-05T12:00:00Z"), 8 * hour) == at("2026-07-06T07:30:00Z"));
  }
  SECTION("Asia/Kathmandu +05:45") {
    const calendar c = make(weekdays("Asia/Kathmandu", {"10:00-17:00"}));
    CHECK(c.due_after(at("2026-01-05T00:00:00Z"), 15 * 60) == at("2026-01-05T04:30:00Z"));
    CHECK(c.open_seconds(at("2026-01-05T00:00:00Z"), at("2026-01-06T00:00:00Z")) == 7 * hour);
  }
  SECTION("Pacific/Chatham +13:45 in summer, +12:45 in winter") {
    const calendar c = make(weekdays("Pacific/Chatham", {"09:00-17:00"}));
    CHECK(c.due_after(at("2026-01-04T00:00:00Z"), hour) == at("2026-01-04T20:15:00Z"));
    CHECK(c.due_after(at("2026-07-05T00:00:00Z"), hour) == at("2026-07-05T21:15:00Z"));
  }
}

TEST_CASE("open_seconds and due_after are inverse", "[calendar]") {
  auto spec = weekdays("America/New_York", {"08:00-12:00", "13:00-18:00"});
  spec.weekly[sun] = intervals({"01:00-03:00"});
  spec.holidays = {date::local_days{2026_y / 11 / 26}};
  const calendar c = make(spec);
  const instant from = at("2026-10-30T10:17:13Z");
  for (std::int64_t n = 0; n < 40 * hour; n += 1237) {
    INFO(n);
    const instant due = c.due_after(from, n);
    CHECK(c.open_seconds(from, due) == n);
    if (n > 0) {
      CHECK(c.open_seconds(from, due - seconds{1}) == n - 1);
      CHECK(c.is_open(due - seconds{1}));
    }
  }
  for (instant to = from; to < from + std::chrono::hours{24 * 9}; to += seconds{4567}) {
    INFO(format_iso8601(to));
    const std::int64_t counted = c.open_seconds(from, to);
    const instant due = c.due_after(from, counted);
    CHECK(due <= to);
    CHECK(c.open_seconds(due, to) == 0);
    if (counted > 0 && c.is_open(to - seconds{1})) CHECK(due == to);
  }
}
