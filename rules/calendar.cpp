// Business calendars over the system tz database (Howard Hinnant's date/tz).
//
// Open time in real (UTC) seconds is the preimage of the open local wall-clock intervals under
// "local = utc + offset(utc)". For one local interval [L1, L2) and one tz period [b, e) with
// offset o, the open real instants are [L1 - o, L2 - o) ∩ [b, e). Because each real instant has
// exactly one local time, the pieces from different local days never overlap; they may interleave
// when a zone falls back across midnight, so pieces are always sorted before they are merged.
#include "rules/calendar.hpp"

#include <date/tz.h>

#include <algorithm>
#include <exception>
#include <limits>
#include <optional>

namespace slawatch::rules {
namespace {

using std::chrono::minutes;
constexpr seconds one_day{86400};
constexpr seconds one_week{7 * 86400};
constexpr int minutes_per_day = 1440;

/// Where walks stop: due_after answers this instant when the total is never reached (a calendar
/// whose open time comes only from overrides that are all past, or an absurdly large total). It
/// stays far from the ends of the representable range so that callers may add to it safely.
const instant end_of_time{date::sys_days{date::year{32767} / 1 / 1}};

const std::vector<local_interval> no_intervals;

instant as_instant(date::local_seconds t) { return instant{t.time_since_epoch()}; }

std::string format_hhmm(int minute_of_day) {
  const int h = minute_of_day / 60;
  const int m = minute_of_day % 60;
  std::string out;
  out += static_cast<char>('0' + h / 10);
  out += static_cast<char>('0' + h % 10);
  out += ':';
  out += static_cast<char>('0' + m / 10);
  out += static_cast<char>('0' + m % 10);
  return out;
}

std::string format_interval(const local_interval& i) {
  return format_hhmm(i.start_minute) + "-" + format_hhmm(i.end_minute);
}

/// Sorts the intervals of one day and checks them: within the day, start < end, no overlap.
std::string check_day(std::vector<local_interval>& intervals, const std::string& where) {
  std::sort(intervals.begin(), intervals.end(),
            [](const local_interval& a, const local_interval& b) {
              return a.start_minute < b.start_minute;
            });
  for (std::size_t i = 0; i < intervals.size(); ++i) {
    const local_interval& it = intervals[i];
    if (it.start_minute < 0 || it.end_minute > minutes_per_day ||
        it.start_minute >= it.end_minute) {
      return where + ": interval " + format_interval(it) +
             " must lie within the day and start before it ends";
    }
    if (i > 0 && intervals[i - 1].end_minute > it.start_minute) {
      return where + ": intervals " + format_interval(intervals[i - 1]) + " and " +
             format_interval(it) + " overlap";
    }
  }
  return {};
}

/// Appends `piece` unless it is empty, merging it into the last segment when they touch and have
/// the same reason.
void append_merged(std::vector<calendar_segment>& out, const calendar_segment& piece) {
  if (piece.begin >= piece.end) return;
  if (!out.empty() && out.back().end == piece.begin && out.back().reason == piece.reason) {
    out.back().end = piece.end;
  } else {
    out.push_back(piece);
  }
}

/// Seconds of the weekly hours, a week of local time long.
std::int64_t weekly_open_seconds(const calendar_spec& spec) {
  std::int64_t total = 0;
  for (const auto& day : spec.weekly) {
    for (const auto& i : day) total += (i.end_minute - i.start_minute) * std::int64_t{60};
  }
  return total;
}

}  // namespace

const char* to_string(time_reason r) {
  switch (r) {
    case time_reason::open:
      return "open";
    case time_reason::outside_hours:
      return "outside_hours";
    case time_reason::holiday:
      return "holiday";
  }
  return "unknown";
}

expected<local_interval> parse_local_interval(std::string_view text) {
  const auto fail = [&](const std::string& why) {
    return expected<local_interval>::failure("invalid interval '" + std::string(text) + "': " +
                                             why + "; expected HH:MM-HH:MM such as 08:00-18:00");
  };
  if (text.size() != 11 || text[2] != ':' || text[5] != '-' || text[8] != ':') {
    return fail("wrong shape");
  }
  const auto two_digits = [&](std::size_t pos) {
    const char a = text[pos];
    const char b = text[pos + 1];
    if (a < '0' || a > '9' || b < '0' || b > '9') return -1;
    return (a - '0') * 10 + (b - '0');
  };
  const int start_h = two_digits(0);
  const int start_m = two_digits(3);
  const int end_h = two_digits(6);
  const int end_m = two_digits(9);
  if (start_h < 0 || start_m < 0 || end_h < 0 || end_m < 0) return fail("not a number");
  if (start_h > 23 || start_m > 59) return fail("start must be 00:00 to 23:59");
  const bool end_of_day = end_h == 24 && end_m == 0;
  if (!end_of_day && (end_h > 23 || end_m > 59)) return fail("end must be 00:01 to 24:00");
  local_interval out;
  out.start_minute = start_h * 60 + start_m;
  out.end_minute = end_h * 60 + end_m;
  if (out.start_minute >= out.end_minute) return fail("start must be before end");
  return out;
}

calendar::calendar(std::shared_ptr<const calendar_spec> spec, const date::time_zone* zone)
    : spec_(std::move(spec)), zone_(zone) {}

expected<calendar> calendar::make(calendar_spec spec) {
  const std::string name = spec.name;  // spec itself moves into the calendar below
  const auto fail = [&](const std::string& why) {
    return expected<calendar>::failure("calendar '" + name + "': " + why);
  };
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(spec.timezone);
  } catch (const std::exception&) {
    return fail("unknown time zone '" + spec.timezone + "' (not in the system tz database)");
  }

  static const char* const day_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  for (std::size_t d = 0; d < spec.weekly.size(); ++d) {
    const std::string error = check_day(spec.weekly[d], day_names[d]);
    if (!error.empty()) return fail(error);
  }
  for (auto& [day, intervals] : spec.overrides) {
    const std::string error = check_day(intervals, "override " + date::format("%F", day));
    if (!error.empty()) return fail(error);
  }

  auto shared = std::make_shared<const calendar_spec>(std::move(spec));
  calendar result(shared, zone);
  // Weekly hours recur forever while holidays are finite, so weekly hours alone prove open time.
  // Otherwise only the overrides can open it, and their hours may fall in a DST gap.
  if (!shared->always_open && weekly_open_seconds(*shared) == 0) {
    std::vector<calendar_segment> stretches;
    for (const auto& entry : shared->overrides) result.open_stretches_of(entry.first, stretches);
    if (stretches.empty()) return fail("has no open time (no weekly hours and no open overrides)");
  }
  return result;
}

calendar calendar::always() {
  // No zone lookup: a 24/7 calendar never consults one, and this must work without tzdata.
  static const calendar instance = [] {
    calendar_spec spec;
    spec.name = "always";
    spec.timezone = "UTC";
    spec.always_open = true;
    return calendar(std::make_shared<const calendar_spec>(std::move(spec)), nullptr);
  }();
  return instance;
}

namespace {

/// The intervals open on a local date: none on a holiday, else the override, else the weekday's.
const std::vector<local_interval>& intervals_on(const calendar_spec& spec, date::local_days day) {
  if (spec.holidays.count(day) != 0) return no_intervals;
  const auto found = spec.overrides.find(day);
  if (found != spec.overrides.end()) return found->second;
  return spec.weekly[date::weekday{day}.c_encoding()];
}

/// Appends the real stretches during which local wall time lies in [day + start, day + end) for
/// each interval, with `reason`. They come out in order: periods follow each other in real time,
/// and within one period (one offset) sorted local intervals map to sorted real stretches.
void preimage(const date::time_zone& zone, date::local_days day,
              const std::vector<local_interval>& intervals, time_reason reason,
              std::vector<calendar_segment>& out) {
  if (intervals.empty()) return;
  // Offsets are below a day in magnitude, so the periods overlapping [day - 1d, day + 2d) in
  // real time are all that can matter.
  const instant midnight = as_instant(date::local_seconds{day});
  const instant last = midnight + 2 * one_day;
  date::sys_info period = zone.get_info(midnight - one_day);
  for (;;) {
    for (const local_interval& i : intervals) {
      const instant begin =
          std::max(period.begin, midnight + minutes{i.start_minute} - period.offset);
      const instant end = std::min(period.end, midnight + minutes{i.end_minute} - period.offset);
      if (begin < end) out.push_back({begin, end, reason});
    }
    if (period.end >= last) break;
    period = zone.get_info(period.end);
  }
}

/// The lowest and highest UTC offsets in effect during [from, to), to bound the local dates.
std::pair<seconds, seconds> offset_range(const date::time_zone& zone, instant from, instant to) {
  date::sys_info period = zone.get_info(from);
  seconds low = period.offset;
  seconds high = period.offset;
  while (period.end < to) {
    period = zone.get_info(period.end);
    low = std::min(low, period.offset);
    high = std::max(high, period.offset);
  }
  return {low, high};
}

}  // namespace

void calendar::open_stretches_of(date::local_days day, std::vector<calendar_segment>& out) const {
  preimage(*zone_, day, intervals_on(*spec_, day), time_reason::open, out);
}

namespace {

/// What a walk through open time found.
struct walk_result {
  instant at;            ///< where the walk stopped
  std::int64_t counted;  ///< open seconds in [from, at)
};

/// Walks a calendar's time forward; the one walk behind due_after, open_seconds and segments.
struct walker {
  const calendar_spec& spec;
  const date::time_zone& zone;
  std::int64_t week_seconds;

  /// The first local date on or after `day` that is a holiday or an override, if any.
  std::optional<date::local_days> next_special_day(date::local_days day) const {
    std::optional<date::local_days> found;
    const auto holiday = spec.holidays.lower_bound(day);
    if (holiday != spec.holidays.end()) found = *holiday;
    const auto override_day = spec.overrides.lower_bound(day);
    if (override_day != spec.overrides.end() && (!found || override_day->first < *found)) {
      found = override_day->first;
    }
    return found;
  }

  /// A real instant after which there is no open time at all, when there is one: without weekly
  /// hours only the overrides open time, and an offset below a day puts all real instants of the
  /// last override's date before its local midnight plus two days.
  std::optional<instant> open_time_ends() const {
    if (week_seconds > 0) return std::nullopt;
    if (spec.overrides.empty()) return instant::min();
    return as_instant(date::local_seconds{spec.overrides.rbegin()->first}) + 2 * one_day;
  }

  /// Whole weeks from `at` that hold exactly `week_seconds` each and end before `limit`.
  std::int64_t skippable_weeks(instant at, instant limit) const {
    if (week_seconds == 0) return 0;
    const date::sys_info period = zone.get_info(at);
    instant plain_until = std::min(period.end, limit);
    const auto local_day =
        date::floor<date::days>(date::local_seconds{(at + period.offset).time_since_epoch()});
    if (const auto special = next_special_day(local_day)) {
      plain_until =
          std::min(plain_until, as_instant(date::local_seconds{*special}) - period.offset);
    }
    if (plain_until <= at) return 0;
    return (plain_until - at) / one_week;
  }

  /// Counts open seconds from `from`, stopping at `limit` or as soon as `budget` seconds are
  /// counted, whichever comes first. Whole weeks without special dates or offset changes are
  /// skipped arithmetically (each holds exactly the weekly hours); the rest is walked a week at a
  /// time.
  walk_result walk(instant from, instant limit, std::int64_t budget,
                   std::vector<calendar_segment>& buffer) const {
    walk_result result{from, 0};
    const std::optional<instant> open_ends = open_time_ends();
    while (result.at < limit) {
      if (open_ends && result.at >= *open_ends) {
        result.at = limit;
        return result;
      }
      const std::int64_t left = budget - result.counted;
      // Skip only while the budget certainly outlasts the weeks skipped.
      const std::int64_t weeks = std::min(skippable_weeks(result.at, limit),
                                          week_seconds > 0 ? (left - 1) / week_seconds : 0);
      if (weeks > 0) {
        result.at += weeks * one_week;
        result.counted += weeks * week_seconds;
        continue;
      }
      const instant window_end = std::min(limit, result.at + one_week);
      buffer.clear();
      collect(result.at, window_end, false, buffer);
      for (const calendar_segment& s : buffer) {
        const std::int64_t length = (s.end - s.begin).count();
        if (budget - result.counted <= length) {
          result.at = s.begin + seconds{budget - result.counted};
          result.counted = budget;
          return result;
        }
        result.counted += length;
      }
      result.at = window_end;
    }
    return result;
  }

  /// Open (and, when asked, holiday) stretches inside [from, to), clipped, in order and merged.
  void collect(instant from, instant to, bool with_holidays,
               std::vector<calendar_segment>& out) const {
    if (from >= to) return;
    const auto [low, high] = offset_range(zone, from, to);
    const auto first_day =
        date::floor<date::days>(date::local_seconds{(from + low).time_since_epoch()});
    const auto last_day =
        date::floor<date::days>(date::local_seconds{(to - seconds{1} + high).time_since_epoch()});
    std::vector<calendar_segment> pieces;
    static const std::vector<local_interval> whole_day{local_interval{0, minutes_per_day}};
    for (auto day = first_day; day <= last_day; day += date::days{1}) {
      if (with_holidays && spec.holidays.count(day) != 0) {
        preimage(zone, day, whole_day, time_reason::holiday, pieces);
      } else {
        preimage(zone, day, intervals_on(spec, day), time_reason::open, pieces);
      }
    }
    // Days are in order, but a zone falling back across local midnight could interleave the
    // stretches of neighbouring days.
    std::sort(
        pieces.begin(), pieces.end(),
        [](const calendar_segment& a, const calendar_segment& b) { return a.begin < b.begin; });
    for (calendar_segment piece : pieces) {
      piece.begin = std::max(piece.begin, from);
      piece.end = std::min(piece.end, to);
      append_merged(out, piece);
    }
  }
};

}  // namespace

instant calendar::due_after(instant from, std::int64_t open_seconds_needed) const {
  if (open_seconds_needed <= 0) return from;
  if (from >= end_of_time) return end_of_time;
  if (spec_->always_open) {
    const std::int64_t room = (end_of_time - from).count();
    return open_seconds_needed >= room ? end_of_time : from + seconds{open_seconds_needed};
  }
  const walker w{*spec_, *zone_, weekly_open_seconds(*spec_)};
  std::vector<calendar_segment> buffer;
  const walk_result r = w.walk(from, end_of_time, open_seconds_needed, buffer);
  return r.counted == open_seconds_needed ? r.at : end_of_time;
}

std::int64_t calendar::open_seconds(instant from, instant to) const {
  to = std::min(to, end_of_time);
  if (to <= from) return 0;
  if (spec_->always_open) return (to - from).count();
  const walker w{*spec_, *zone_, weekly_open_seconds(*spec_)};
  std::vector<calendar_segment> buffer;
  return w.walk(from, to, std::numeric_limits<std::int64_t>::max(), buffer).counted;
}

bool calendar::is_open(instant t) const {
  if (spec_->always_open) return true;
  const date::local_seconds local = zone_->to_local(t);
  const auto day = date::floor<date::days>(local);
  const auto minute_of_day = static_cast<int>(date::floor<minutes>(local - day).count());
  for (const local_interval& i : intervals_on(*spec_, day)) {
    if (i.start_minute <= minute_of_day && minute_of_day < i.end_minute) return true;
  }
  return false;
}

std::vector<calendar_segment> calendar::segments(instant from, instant to) const {
  std::vector<calendar_segment> out;
  to = std::min(to, end_of_time);
  if (to <= from) return out;
  if (spec_->always_open) {
    out.push_back({from, to, time_reason::open});
    return out;
  }
  const walker w{*spec_, *zone_, weekly_open_seconds(*spec_)};
  std::vector<calendar_segment> marked;  // open and holiday stretches; the gaps are outside hours
  for (instant window = from; window < to;) {
    const instant window_end = to - window > one_week ? window + one_week : to;
    std::vector<calendar_segment> piece;
    w.collect(window, window_end, true, piece);
    for (const calendar_segment& s : piece) append_merged(marked, s);
    window = window_end;
  }
  instant cursor = from;
  for (const calendar_segment& s : marked) {
    append_merged(out, {cursor, s.begin, time_reason::outside_hours});
    append_merged(out, s);
    cursor = s.end;
  }
  append_merged(out, {cursor, to, time_reason::outside_hours});
  return out;
}

}  // namespace slawatch::rules
