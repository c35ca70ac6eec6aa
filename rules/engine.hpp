// SLA clocks of one case: the heart of slawatch.  Pure: given a case's events, the rules and
// "now", it answers every clock's state, its due time, the next instant something fires, and the
// records that became due.  No I/O, no wall clock.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "rules/event.hpp"
#include "rules/model.hpp"

namespace slawatch::rules {

enum class clock_state { running, paused, met, breached, cancelled };
const char* to_string(clock_state s);

/// One stretch of a clock's life, for "why is my SLA paused?".
struct ledger_entry {
  instant from;
  instant to;
  bool counted = false;
  /// `running`, `paused:<status>`, `outside_hours`, `holiday`
  std::string reason;
  std::int64_t seconds = 0;  ///< real seconds of the stretch
};

/// A clock as of `now`.  `state == breached` means still running after its due time.
struct clock_view {
  clock_kind kind = clock_kind::resolution;
  int cycle = 1;  ///< counts from 1; a reopen, a new customer message, ... starts the next cycle
  clock_state state = clock_state::running;
  std::string policy;
  std::string calendar;
  std::int64_t target_seconds = 0;
  instant started_at;
  std::optional<instant> due_at;      ///< absent while paused before the target was reached
  std::optional<instant> stopped_at;  ///< met / breached-and-stopped / cancelled
  std::int64_t elapsed_seconds = 0;   ///< counted calendar seconds, pauses excluded
  std::int64_t paused_seconds = 0;    ///< counted calendar seconds that fell in pauses
  bool stopped = false;               ///< met, or breached and since stopped, or cancelled
  /// A warning of this clock's kind and cycle is due by `now` (by this clock instance or by one
  /// it replaced at a retarget); known whether or not its record is in case_view::records.
  bool warned = false;
  std::vector<ledger_entry> ledger;
};

/// Output records of the contract plus the audit trail.
struct record {
  enum class kind { outcome, notification, audit };
  kind type = kind::outcome;
  std::string id;  ///< deterministic: identical across replays and restarts
  std::string case_id;
  instant at;      ///< stopped_at of an outcome; the moment a notification or audit entry is due
  std::string metric;  ///< clock name, `impact`, `manual`, or for audit entries the clock or `case`
  int cycle = 1;
  std::string policy;

  // outcome
  std::int64_t target_seconds = 0;
  instant started_at;
  instant due_at;
  std::int64_t elapsed_seconds = 0;
  std::int64_t paused_seconds = 0;
  bool met = false;

  // notification
  std::string notification_kind;  ///< warning | breach | escalation
  int level = 0;                  ///< warnings: 1.. in threshold order; breach: 0; escalation: its level
  std::int64_t threshold_bp = 0;  ///< warnings: the threshold in basis points of the target
  std::vector<std::string> notify;  ///< receivers after working-hours routing
  std::string reason;               ///< escalation reason (impact rule name, manual reason)

  // audit
  std::string action;  ///< clock_started, paused, resumed, met, breached, warning, escalated,
                       ///< cancelled, retargeted, owner_changed, team_changed, policy_changed,
                       ///< reopened, closed, csat
  std::string detail;  ///< short, no personal data
};

/// Ordering of records in every output: by time, then case_id, then metric, then id.
bool record_before(const record& a, const record& b);

/// Everything known about a case as of `now`.
struct case_view {
  std::string case_id;
  std::string policy;
  std::string status;  ///< lower-case; `open` until an event says otherwise
  bool open = false;   ///< created (or implicitly opened) and not closed
  bool closed = false;
  bool resolved = false;
  int reopen_count = 0;
  int agent_messages = 0;
  std::optional<int> csat;
  std::optional<int> nps;
  attributes attrs;
  std::vector<clock_view> clocks;  ///< every clock instance, in order of start
  std::optional<instant> next_fire;  ///< earliest instant > now at which a record becomes due
  std::vector<record> records;       ///< every record due at or before `now`, ordered
};

/// The events of one case, de-duplicated and kept in application order.
/// Not thread-safe; owned by one case actor.
class case_events {
 public:
  /// Adds an event. Returns false (and changes nothing) for a duplicate `event_id`, or for an
  /// event identical to one already held. An event that reuses a held `event_id` with other
  /// content is dropped too: the first one delivered wins.
  bool add(event e);
  const std::vector<event>& events() const noexcept { return events_; }
  std::size_t size() const noexcept { return events_.size(); }
  bool empty() const noexcept { return events_.empty(); }

 private:
  std::vector<event> events_;  // sorted by applies_before
};

/// What evaluate() computes beyond states, due times and records.
struct evaluate_options {
  bool with_ledger = false;  ///< fill clock_view::ledger (costs a calendar walk per clock)
  bool with_audit = true;    ///< include audit records
  /// Records whose id this answers true for are left out of case_view::records (the caller has
  /// written them already), before they are built: a case evaluated after every event rebuilds
  /// its whole history otherwise. Empty: every record is included.
  std::function<bool(std::string_view id)> known_record;
};

/// Folds the events under the rules up to `now` (events after `now` are ignored).
/// Same events, rules and `now` give the same view, whatever order the events arrived in.
case_view evaluate(const case_events& events, const rule_set& rules, instant now,
                   const evaluate_options& options = {});

}  // namespace slawatch::rules
