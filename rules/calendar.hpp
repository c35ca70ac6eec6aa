// Business calendars: when is a clock counting?  Exactly as ../shared/spec/rules.md, "Calendars".
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <date/date.h>

#include "rules/expected.hpp"
#include "rules/time.hpp"

namespace date {
class time_zone;
}

namespace slawatch::rules {

/// An open interval of one local day, in minutes since local midnight: [start, end), end <= 1440.
struct local_interval {
  int start_minute = 0;
  int end_minute = 0;
  friend bool operator==(const local_interval& a, const local_interval& b) {
    return a.start_minute == b.start_minute && a.end_minute == b.end_minute;
  }
};

/// The validated description of a calendar, as written in the rules file.
struct calendar_spec {
  std::string name;
  std::string timezone = "UTC";  ///< IANA zone name
  bool always_open = false;      ///< `hours: 24/7`
  /// Weekly hours in local wall time, indexed by date::weekday::c_encoding() (0 = Sunday).
  std::array<std::vector<local_interval>, 7> weekly;
  std::set<date::local_days> holidays;                          ///< closed all day
  std::map<date::local_days, std::vector<local_interval>> overrides;  ///< replace weekly hours
};

/// Why a stretch of time is closed (or that it is open).
enum class time_reason { open, outside_hours, holiday };
const char* to_string(time_reason r);

/// A stretch [begin, end) of real time that is uniformly open or closed.
struct calendar_segment {
  instant begin;
  instant end;
  time_reason reason = time_reason::open;
};

/// A calendar bound to its time zone. Immutable after construction, so it is safe to share
/// between threads.
///
/// Semantics: an instant is open when its local wall time falls inside an open interval of its
/// local date. Local times that do not exist (spring-forward gap) are never open; local times that
/// occur twice (fall-back) are open on both occurrences, so open time is counted in real seconds.
/// Cost of every query grows with the number of local days spanned, not with seconds.
class calendar {
 public:
  /// Looks up the zone in the system tz database and checks that the calendar has open time.
  static expected<calendar> make(calendar_spec spec);

  /// A 24/7 calendar in UTC, used when a policy names none.
  static calendar always();

  const calendar_spec& spec() const noexcept { return *spec_; }
  const std::string& name() const noexcept { return spec_->name; }

  /// The earliest instant t >= from such that open_seconds(from, t) == open_seconds_needed.
  /// `0` gives `from` itself. A total that runs out exactly at a closing time is due at that
  /// closing instant, not at the next opening. When the total can never be reached (a calendar
  /// whose only open time is in past overrides) it answers 32767-01-01T00:00:00Z instead of
  /// walking for ever; queries stop there too.
  instant due_after(instant from, std::int64_t open_seconds_needed) const;

  /// Open seconds in [from, to); 0 when to <= from.
  std::int64_t open_seconds(instant from, instant to) const;

  /// Whether the instant is inside open time.
  bool is_open(instant t) const;

  /// [from, to) cut into maximal open and closed stretches, each with its reason, in order.
  std::vector<calendar_segment> segments(instant from, instant to) const;

 private:
  calendar(std::shared_ptr<const calendar_spec> spec, const date::time_zone* zone);

  /// Open stretches of real time produced by one local date, in order.
  void open_stretches_of(date::local_days day, std::vector<calendar_segment>& out) const;

  std::shared_ptr<const calendar_spec> spec_;
  const date::time_zone* zone_ = nullptr;  // owned by the tz database, lives for the process
};

/// Parses `HH:MM-HH:MM` (with `24:00` allowed as an end) into a local interval.
expected<local_interval> parse_local_interval(std::string_view text);

}  // namespace slawatch::rules
