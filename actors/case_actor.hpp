// One actor per case: owns the case's events, asks the engine what is due after every event and
// at every timer, hands new records to the writer and keeps one timer armed for the next firing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/messages.hpp"
#include "actors/metrics.hpp"
#include "rules/engine.hpp"
#include "rules/model.hpp"

namespace slawatch::actors {

/// What every case actor shares: read-only after start.
struct case_actor_deps {
  std::shared_ptr<const rules::rule_set> rules;
  std::shared_ptr<metrics> stats;
  wall_time_source now;
  caf::actor writer;
};

/// A case is at risk while one of its running clocks is past a warning or past its due time.
bool is_at_risk(const rules::case_view& view);

/// What the worklist shows of a case (see case_summary).
case_summary summarize(const rules::case_view& view);

/// A 64-bit hash of every field of a summary (never 0), to tell whether it changed.
std::uint64_t summary_fingerprint(const case_summary& s);

/// A case's detail for the case API: evaluated with clock ledgers and audit records.
case_detail detail_of(const case_archive& data, const rules::rule_set& rules, rules::instant now, bool live);

/// The audit records of moving from `old_rules` to `new_rules` at `at`: one per clock that is
/// still running and whose due time (or policy) differs, action `rules_reloaded`. Ids are
/// deterministic: case, clock, cycle, both rules versions and `at`.
std::vector<rules::record> reload_audit(const rules::case_events& events, const rules::rule_set& old_rules,
                                        const rules::rule_set& new_rules, rules::instant at);

/// A case actor's share of the case gauges (open, at risk, live actors). Given back when the
/// actor's state is destroyed, however the actor ends. Holds the gauges it counts in (a label
/// set is one gauge, so a pointer is 8 bytes where the label strings were over 100 in every open
/// case). Not copyable.
class gauge_share {
 public:
  gauge_share() = default;
  gauge_share(const gauge_share&) = delete;
  gauge_share& operator=(const gauge_share&) = delete;
  ~gauge_share();

  /// Starts counting for one live case actor.
  void attach(std::shared_ptr<metrics> stats);
  /// Moves the case's contribution to slawatch_open_cases (absent: not open).
  void set_open(const std::optional<case_labels>& labels);
  /// Moves the case's contribution to slawatch_at_risk_cases (absent: not at risk).
  void set_at_risk(const std::optional<case_labels>& labels);

 private:
  /// One gauge the case counts in, and a hash of its labels: unchanged labels (nearly every
  /// evaluation) are seen without asking the family for the gauge (a mutex and a lookup).
  struct held_gauge {
    prometheus::Gauge* gauge = nullptr;
    std::uint64_t labels_hash = 0;
  };
  /// Moves the case's count from the held gauge to the one `find` gives (none: counted nowhere).
  template <class Find>
  void move_count(held_gauge& held, std::optional<std::uint64_t> labels_hash, Find find);
  std::shared_ptr<metrics> stats_;
  held_gauge open_;     ///< slawatch_open_cases (priority, status)
  held_gauge at_risk_;  ///< slawatch_at_risk_cases (priority)
};

struct case_state {
  case_archive data;  ///< events, emitted record ids; handed back to the router when ending
  std::shared_ptr<const case_actor_deps> deps;
  caf::actor router;
  std::optional<rules::instant> armed_for;  ///< the instant the pending timer is for
  std::uint64_t timer_generation = 0;       ///< ticks of older timers are ignored
  bool closed_announced = false;
  /// summary_fingerprint() of the last summary sent to the router (0: none sent yet). A hash
  /// rather than the summary (over 200 bytes in every open case): two different summaries with
  /// one fingerprint (chance 2^-64 per change) would leave the worklist one change behind.
  std::uint64_t summary_sent = 0;
  gauge_share gauges;
  static inline const char* name = "slawatch.case";
};

/// Handles `case_event_msg` (apply, evaluate, emit, ack), `tick_atom, generation` (evaluate
/// at a firing instant), `rules_changed_msg` (recompute under new rules, writing a
/// `rules_reloaded` audit record per clock whose due time moved), `case_atom` (replies a
/// case_detail), `recover_atom` (restored from a snapshot: evaluate now, firing what fell due
/// meanwhile and re-arming the timer), `persist_atom` (send the case's snapshot to the writer
/// again) and `stop_atom` (send `retired_msg` to the router and end). Every batch that changes the
/// case carries its snapshot. When the
/// engine says the case is closed it tells the router with `closed_atom, case_id` and waits
/// for `stop_atom`, so no event routed to it meanwhile is lost. It sends the router a case_summary
/// whenever the case's summary changes.
caf::behavior case_actor(caf::stateful_actor<case_state>* self, case_archive start,
                         std::shared_ptr<const case_actor_deps> deps, caf::actor router);

}  // namespace slawatch::actors
