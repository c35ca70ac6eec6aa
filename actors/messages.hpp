// Every message type and atom the daemon's actors exchange (CAF 0.17). Messages stay inside
// one process, so they are not serialisable: CAF_ALLOW_UNSAFE_MESSAGE_TYPE says so.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include "actors/emitted_ids.hpp"
#include "actors/redis_reply.hpp"
#include "rules/engine.hpp"

namespace slawatch::actors {

/// Wall time (UTC) with sub-second precision. Production uses the system clock; tests derive it
/// from CAF's test clock so that moving one moves the other.
using wall_time_source = std::function<std::chrono::system_clock::time_point()>;

using tick_atom = caf::atom_constant<caf::atom("tick")>;        ///< a case's timer fired
using closed_atom = caf::atom_constant<caf::atom("closed")>;    ///< case actor -> router: case closed
using stop_atom = caf::atom_constant<caf::atom("stop")>;        ///< finish and end
using flush_atom = caf::atom_constant<caf::atom("flush")>;      ///< writer: write what is pending
using acked_atom = caf::atom_constant<caf::atom("acked")>;      ///< writer -> ingest: entries acked
using sweep_atom = caf::atom_constant<caf::atom("sweep")>;      ///< router: expire closed cases
using case_atom = caf::atom_constant<caf::atom("case")>;        ///< API -> router: one case's detail
using worklist_atom = caf::atom_constant<caf::atom("worklist")>;  ///< API -> router: the worklist
using resend_atom = caf::atom_constant<caf::atom("resend")>;    ///< notifier: re-post active alerts
using retry_atom = caf::atom_constant<caf::atom("retry")>;      ///< notifier: try a delivery again
using recover_atom = caf::atom_constant<caf::atom("recover")>;  ///< case actor: restored, evaluate now
using restored_atom = caf::atom_constant<caf::atom("restored")>;  ///< router: all restores handled?
using persist_atom = caf::atom_constant<caf::atom("persist")>;  ///< save every case's snapshot again
using lease_atom = caf::atom_constant<caf::atom("lease")>;      ///< lease manager -> ingest: partitions won
using release_atom = caf::atom_constant<caf::atom("release")>;  ///< lease manager: give every lease back

/// Where an input event came from, to acknowledge it once its effects are written.
struct entry_ref {
  std::string stream;
  std::string id;
};

/// ingest -> router -> case actor: one decoded event.
struct case_event_msg {
  rules::event event;
  entry_ref source;
};

/// What an alert says about its case besides the record: raw attribute values (not the bounded
/// metric labels, so routing on a team works for every team). Never personal data.
struct case_context {
  std::string priority;  ///< upper-case, e.g. `P1`; empty when the case has none
  std::string team;
  std::string channel;
};

/// A case's state to save (actors/snapshot.hpp), written in the same transaction as the records
/// and acknowledgements of the batch that carries it.
struct case_snapshot {
  std::string case_id;
  std::string bytes;  ///< encode_snapshot()
  bool open = true;   ///< false: the case is closed; its snapshot expires after closed_retention
  bool resave = false;  ///< sent again on `persist_atom` (Redis lost its data)
};

/// case actor -> writer: records to append, then input entries to acknowledge.
struct write_batch {
  std::vector<rules::record> records;
  std::vector<entry_ref> acks;
  std::optional<case_snapshot> snapshot;  ///< the case's state after this batch, if it changed
  case_context context;  ///< of the case the records belong to (for the notifier)
  /// Emitted by the case's first evaluation after it was restored from its snapshot (at start,
  /// or when its partition was taken over), at `restored_at` (that evaluation's wall time): its
  /// records due before then fell due while no daemon watched the case, and are marked late.
  bool recovered = false;
  std::chrono::system_clock::time_point restored_at{};
};

/// writer -> notifier: notification records and the audit records that end alerts (clock
/// stopped, case resolved or closed), sent only once they are written to Redis.
struct notify_batch {
  std::vector<rules::record> records;     ///< in the order they were written
  std::map<std::string, case_context> cases;  ///< by case id
};

/// ingest -> writer: an entry that cannot be applied, written to the dead-letter stream with
/// its original fields and then acknowledged.
struct dead_letter_msg {
  entry_ref source;
  entry_fields fields;
  std::string reason;  ///< a stable word (see rules::decode_error::reason), also a metric label
  std::string detail;  ///< no personal data
};

/// What a case actor leaves behind when it ends, so a later event of the case (`csat.received`,
/// `case.reopened`) is applied to the whole history.
struct case_archive {
  std::string case_id;
  rules::case_events events;
  emitted_ids emitted;                      ///< ids of records already written
  bool open = false;                        ///< the case was not closed when the actor ended
  bool fcr_counted = false;                 ///< first-contact resolution already counted
  /// Audit records the daemon wrote beside the engine's (due times moved by a rules reload).
  std::vector<rules::record> reload_audit;
  entry_ref last_applied;                   ///< the last input entry applied (empty: none yet)
};

/// A case loaded from its snapshot. Open: its actor is spawned and evaluates at once (re-arming
/// its timer, firing what fell due meanwhile); closed: kept until `expires_at`.
struct restored_case {
  case_archive archive;
  std::chrono::system_clock::time_point expires_at;  ///< closed cases only
};

/// recovery -> router: the cases of one read batch (one message per case cost more than the
/// spawning at a million cases).
struct restore_msg {
  std::vector<restored_case> cases;
};

/// case actor -> router: the actor ended on request; its state.
struct retired_msg {
  case_archive archive;
};

struct case_actor_deps;  // actors/case_actor.hpp

/// service -> router -> case actors: a validated rules file replaces the one in use. Case actors
/// recompute their clocks under it as of `at` (one instant for every case, so audit ids agree).
struct rules_changed_msg {
  std::shared_ptr<const rules::rule_set> rules;
  rules::instant at;
  /// Set by the router: the dependencies with the new rules, one object shared by every case.
  std::shared_ptr<const case_actor_deps> deps;
};

/// case actor -> router: what the supervisor's worklist shows of a case. Sent only when it
/// changes, so the worklist is answered by the router alone, without asking every case.
struct case_summary {
  std::string case_id;
  std::string policy;
  std::string status;
  std::string priority;  ///< the `priority` attribute as given; empty when absent
  std::string team;      ///< the `team` attribute as given; empty when absent
  bool open = false;
  bool at_risk = false;   ///< see is_at_risk()
  bool breached = false;  ///< a running clock is past its due time
  std::optional<rules::instant> next_due;  ///< earliest due time of a running clock
  std::string next_due_clock;              ///< that clock's name

  bool operator==(const case_summary& o) const {
    return case_id == o.case_id && policy == o.policy && status == o.status && priority == o.priority &&
           team == o.team && open == o.open && at_risk == o.at_risk && breached == o.breached &&
           next_due == o.next_due && next_due_clock == o.next_due_clock;
  }
  bool operator!=(const case_summary& o) const { return !(*this == o); }
};

/// router -> API: one case as of `as_of`, with clock ledgers and the audit trail.
struct case_detail {
  bool found = false;
  bool live = false;  ///< a case actor holds it (else: a closed case kept for closed_retention)
  std::string rules_version;
  rules::instant as_of;
  rules::case_view view;
  std::vector<rules::record> reload_audit;
};

/// API -> router: which cases the worklist holds. Empty strings match every value.
struct worklist_query {
  bool at_risk_only = false;
  std::string team;
  std::string priority;
  std::size_t limit = 1000;
};

/// router -> API: open cases matching a worklist_query, earliest due first, at most `limit`.
struct worklist_reply {
  std::vector<case_summary> cases;
  std::size_t matched = 0;  ///< matching cases before `limit` was applied
  std::size_t open = 0;     ///< open cases the router knows of
};

}  // namespace slawatch::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(slawatch::actors::rules_changed_msg)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(slawatch::actors::case_summary)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(slawatch::actors::case_detail)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(slawatch::actors::worklist_query)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(slawatch::actors::worklist_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(slawatch::actors::case_event_msg)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(slawatch::actors::write_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(slawatch::actors::notify_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(slawatch::actors::dead_letter_msg)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(slawatch::actors::retired_msg)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(slawatch::actors::restore_msg)
