// Compares calendar against an independent brute force on random calendars.
//
// The brute force never calls calendar code: it steps through real time one UTC minute at a time
// and asks the tz database (date::time_zone::get_info) for the local wall time of each minute.
// Stepping by minutes is exact here because every offset and every transition of the chosen zones
// in the chosen years falls on a whole minute (checked below), and all open intervals are given in
// whole local minutes; partial minutes at the ends of a range are counted second by second.
#include <date/tz.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "rules/calendar.hpp"

using namespace slawatch::rules;

namespace {

using std::chrono::minutes;
constexpr seconds one_minute{60};
constexpr seconds one_day{86400};

// DST in both hemispheres, changes at local midnight (Santiago, Cairo, Beirut, Havana), a
// half-hour DST shift (Lord Howe), half-hour and 45-minute offsets, and zones without DST.
const char* const zones[] = {
    "America/New_York", "Europe/Berlin",      "Australia/Sydney",
    "Asia/Kolkata",     "Australia/Adelaide", "Asia/Kathmandu",
    "Pacific/Chatham",  "America/Santiago",   "Australia/Lord_Howe",
    "America/St_Johns", "Africa/Cairo",       "Asia/Beirut",
    "America/Havana",   "Europe/London",      "America/Nuuk",
    "Asia/Tehran",      "Pacific/Kiritimati", "UTC",
};

enum class brute_reason : std::uint8_t { open, outside_hours, holiday };

using minute_pair = std::pair<int, int>;  // [start, end) in minutes since local midnight

/// The calendar as the test generated it, in the test's own terms.
struct random_calendar {
  const char* zone_name = "UTC";
  bool always_open = false;
  std::vector<minute_pair> weekly[7];  // by days since Sunday
  std::set<int> holidays;              // local dates as days since 1970-01-01
  std::map<int, std::vector<minute_pair>> overrides;

  calendar_spec to_spec() const {
    calendar_spec spec;
    spec.name = "random";
    spec.timezone = zone_name;
    spec.always_open = always_open;
    const auto convert = [](const std::vector<minute_pair>& pairs) {
      std::vector<local_interval> out;
      for (const auto& [start, end] : pairs) out.push_back(local_interval{start, end});
      return out;
    };
    for (int d = 0; d < 7; ++d) spec.weekly[d] = convert(weekly[d]);
    for (int day : holidays) spec.holidays.insert(date::local_days{date::days{day}});
    for (const auto& [day, pairs] : overrides) {
      spec.overrides[date::local_days{date::days{day}}] = convert(pairs);
    }
    return spec;
  }
};

/// The reason of every UTC minute of a range, decided from the local wall time of that minute.
/// Works on plain seconds since the epoch: chrono types are slow in the Debug builds CI runs.
class minute_table {
 public:
  minute_table(const random_calendar& cal, instant from, instant to)
      : first_(seconds_of(date::floor<minutes>(from))) {
    const date::time_zone* zone = date::locate_zone(cal.zone_name);
    date::sys_info info = zone->get_info(instant{seconds{first_}});
    std::int64_t period_end = seconds_of(info.end);
    std::int64_t offset = info.offset.count();
    bool whole_minutes = true;
    const std::int64_t last = seconds_of(to);
    for (std::int64_t m = first_; m < last; m += 60) {
      if (m >= period_end) {
        info = zone->get_info(instant{seconds{m}});
        period_end = seconds_of(info.end);
        offset = info.offset.count();
      }
      // Minute stepping is only exact when the local clock changes on whole UTC minutes.
      whole_minutes = whole_minutes && period_end % 60 == 0 && offset % 60 == 0;
      reasons_.push_back(reason_of(cal, m + offset));
    }
    REQUIRE(whole_minutes);
  }

  instant end() const { return instant{seconds{end_seconds()}}; }

  brute_reason at(instant t) const { return at_seconds(seconds_of(t)); }

  /// Open seconds in [from, to), which must lie inside the table.
  std::int64_t open_seconds(instant from, instant to) const {
    std::int64_t total = 0;
    const std::int64_t last = seconds_of(to);
    for (std::int64_t t = seconds_of(from); t < last;) {
      const std::int64_t next = std::min(minute_end(t), last);
      if (at_seconds(t) == brute_reason::open) total += next - t;
      t = next;
    }
    return total;
  }

  /// The earliest t >= from with `needed` open seconds in [from, t); nothing if not in the table.
  std::optional<instant> due_after(instant from, std::int64_t needed) const {
    if (needed == 0) return from;
    const std::int64_t last = end_seconds();
    for (std::int64_t t = seconds_of(from); t < last;) {
      const std::int64_t next = minute_end(t);
      if (at_seconds(t) == brute_reason::open) {
        if (needed <= next - t) return instant{seconds{t + needed}};
        needed -= next - t;
      }
      t = next;
    }
    return std::nullopt;
  }

  /// Maximal stretches of one reason within [from, to).
  std::vector<std::pair<std::pair<instant, instant>, brute_reason>> stretches(instant from,
                                                                              instant to) const {
    std::vector<std::pair<std::pair<instant, instant>, brute_reason>> out;
    const std::int64_t last = seconds_of(to);
    std::int64_t begin = seconds_of(from);
    for (std::int64_t t = begin; t < last;) {
      const std::int64_t next = std::min(minute_end(t), last);
      if (next == last || at_seconds(next) != at_seconds(t)) {
        out.push_back({{instant{seconds{begin}}, instant{seconds{next}}}, at_seconds(t)});
        begin = next;
      }
      t = next;
    }
    return out;
  }

 private:
  static std::int64_t seconds_of(instant t) { return t.time_since_epoch().count(); }
  std::int64_t end_seconds() const {
    return first_ + 60 * static_cast<std::int64_t>(reasons_.size());
  }
  std::int64_t minute_end(std::int64_t t) const { return t - (t - first_) % 60 + 60; }
  brute_reason at_seconds(std::int64_t t) const {
    return reasons_[static_cast<std::size_t>((t - first_) / 60)];
  }

  /// The reason for a local wall-clock minute, given as seconds since 1970-01-01 local.
  static brute_reason reason_of(const random_calendar& cal, std::int64_t local_seconds) {
    if (cal.always_open) return brute_reason::open;
    const std::int64_t day =
        local_seconds >= 0 ? local_seconds / 86400 : -((-local_seconds + 86399) / 86400);
    const int minute_of_day = static_cast<int>((local_seconds - day * 86400) / 60);
    if (cal.holidays.count(static_cast<int>(day)) != 0) return brute_reason::holiday;
    // 1970-01-01 was a Thursday: days since Sunday is (day + 4) mod 7.
    const int weekday = static_cast<int>(((day + 4) % 7 + 7) % 7);
    const auto found = cal.overrides.find(static_cast<int>(day));
    const auto& pairs = found != cal.overrides.end() ? found->second : cal.weekly[weekday];
    for (const auto& [start, end] : pairs) {
      if (start <= minute_of_day && minute_of_day < end) return brute_reason::open;
    }
    return brute_reason::outside_hours;
  }

  std::int64_t first_;  // seconds since the epoch of the table's first UTC minute
  std::vector<brute_reason> reasons_;
};

time_reason as_time_reason(brute_reason r) {
  switch (r) {
    case brute_reason::open:
      return time_reason::open;
    case brute_reason::outside_hours:
      return time_reason::outside_hours;
    case brute_reason::holiday:
      return time_reason::holiday;
  }
  return time_reason::open;
}

class generator {
 public:
  explicit generator(std::uint32_t seed) : rng_(seed) {}

  std::int64_t uniform(std::int64_t low, std::int64_t high) {
    return std::uniform_int_distribution<std::int64_t>(low, high)(rng_);
  }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  /// A boundary in minutes, often at a time where DST changes happen or days end.
  int boundary() {
    static const int interesting[] = {0,   30,  60,  90,   120,  150,  180,  210, 240,
                                      480, 720, 780, 1080, 1320, 1380, 1410, 1440};
    if (chance(0.7)) return interesting[uniform(0, std::size(interesting) - 1)];
    return static_cast<int>(uniform(0, 1440));
  }

  /// Up to three intervals, sorted, possibly touching, possibly empty.
  std::vector<minute_pair> day_hours(int max_intervals) {
    std::vector<int> points;
    const auto count = uniform(0, max_intervals);
    for (std::int64_t i = 0; i < 2 * count; ++i) points.push_back(boundary());
    std::sort(points.begin(), points.end());
    std::vector<minute_pair> out;
    for (std::size_t i = 0; i + 1 < points.size(); i += 2) {
      if (points[i] < points[i + 1]) out.emplace_back(points[i], points[i + 1]);
    }
    if (chance(0.05)) out = {{0, 1440}};
    return out;
  }

  /// An instant near a change of the zone's offset (or anywhere, for zones without changes).
  instant start_near_transition(const date::time_zone& zone) {
    const instant year_start{
        date::sys_days{date::year{static_cast<int>(uniform(2023, 2028))} / 1 / 1}};
    const instant somewhere = year_start + seconds{uniform(0, 365 * 86400 - 1)};
    const date::sys_info info = zone.get_info(somewhere);
    if (chance(0.85) && info.end < year_start + 2 * 365 * one_day) {
      return info.end + seconds{uniform(-3 * 86400, 86400)};
    }
    return somewhere;
  }

 private:
  std::mt19937 rng_;
};

}  // namespace

TEST_CASE("calendar agrees with a minute-by-minute brute force on random calendars",
          "[calendar][oracle]") {
  generator gen(20260308);
  constexpr int calendars = 4000;
  int compared_due = 0;
  int rejected = 0;
  for (int round = 0; round < calendars; ++round) {
    random_calendar cal;
    cal.zone_name = zones[gen.uniform(0, std::size(zones) - 1)];
    const date::time_zone* zone = date::locate_zone(cal.zone_name);
    cal.always_open = gen.chance(0.02);
    const bool overrides_only = gen.chance(0.08);
    if (!overrides_only) {
      for (auto& day : cal.weekly) day = gen.day_hours(gen.chance(0.5) ? 1 : 3);
    }

    const instant from = gen.start_near_transition(*zone);
    // Mostly a few days; sometimes weeks, so that whole weeks are skipped between special dates.
    const std::int64_t range_days = gen.chance(0.1) ? 24 : 4;
    const instant to = from + seconds{gen.uniform(0, range_days * 86400)};
    // Special dates land where the range is, as local dates around `from`.
    const int first_local_day = static_cast<int>(
        date::floor<date::days>(from + zone->get_info(from).offset).time_since_epoch().count());
    const auto special_day = [&] {
      return first_local_day + static_cast<int>(gen.uniform(-1, range_days + 1));
    };
    for (auto n = gen.uniform(0, 2); n > 0; --n) cal.holidays.insert(special_day());
    for (auto n = gen.uniform(overrides_only ? 1 : 0, 3); n > 0; --n) {
      cal.overrides[special_day()] = gen.day_hours(2);
    }

    // A day more of table past `to` lets due_after be checked a little beyond the range.
    const minute_table brute(cal, from, to + one_day);
    INFO("round " << round << ", zone " << cal.zone_name << ", from " << format_iso8601(from)
                  << ", to " << format_iso8601(to));

    auto made = calendar::make(cal.to_spec());
    if (!made) {
      // Only a calendar without weekly hours whose overrides open nothing may be refused.
      INFO(made.error());
      REQUIRE_FALSE(cal.always_open);
      for (const auto& day : cal.weekly) REQUIRE(day.empty());
      for (const auto& [day, pairs] : cal.overrides) {
        const instant midnight{date::sys_days{date::days{day}}};
        const minute_table around(cal, midnight - one_day, midnight + 2 * one_day);
        CHECK(around.open_seconds(midnight - one_day, midnight + 2 * one_day) == 0);
      }
      ++rejected;
      continue;
    }
    const calendar& c = *made;

    const std::int64_t total = brute.open_seconds(from, to);
    REQUIRE(c.open_seconds(from, to) == total);

    // Durations: none, all of the range, just short of it, random, and a bit past the range.
    const std::int64_t needs[] = {0,
                                  total,
                                  std::max<std::int64_t>(total - 1, 0),
                                  gen.uniform(0, total),
                                  gen.uniform(0, total),
                                  total + gen.uniform(1, 86400)};
    for (const std::int64_t needed : needs) {
      INFO("needed " << needed);
      const std::optional<instant> expected_due = brute.due_after(from, needed);
      const instant due = c.due_after(from, needed);
      if (expected_due) {
        CHECK(format_iso8601(due) == format_iso8601(*expected_due));
        ++compared_due;
      } else {
        CHECK(due >= brute.end());
      }
    }

    // Spot checks of single instants, and of every stretch of the range.
    for (int i = 0; i < 8 && from < to; ++i) {
      const instant t = from + seconds{gen.uniform(0, (to - from).count() - 1)};
      INFO("at " << format_iso8601(t));
      CHECK(c.is_open(t) == (brute.at(t) == brute_reason::open));
    }
    const auto segments = c.segments(from, to);
    const auto expected = brute.stretches(from, to);
    REQUIRE(segments.size() == expected.size());
    for (std::size_t i = 0; i < segments.size(); ++i) {
      INFO("segment " << i);
      CHECK(segments[i].begin == expected[i].first.first);
      CHECK(segments[i].end == expected[i].first.second);
      CHECK(segments[i].reason == as_time_reason(expected[i].second));
    }
  }
  // The generator must really exercise both paths.
  CHECK(compared_due > calendars * 4);
  CHECK(rejected < calendars / 10);
}
