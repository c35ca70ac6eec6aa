// Every message type and atom the daemon's actors exchange (CAF 0.17). Messages stay inside
// one process, so they are not serialisable: CAF_ALLOW_UNSAFE_MESSAGE_TYPE says so.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_set>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

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

/// case actor -> writer: records to append, then input entries to acknowledge.
struct write_batch {
  std::vector<rules::record> records;
  std::vector<entry_ref> acks;
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
  std::unordered_set<std::string> emitted;  ///< ids of records already written
  bool open = false;                        ///< the case was not closed when the actor ended
  bool fcr_counted = false;                 ///< first-contact resolution already counted
};

/// case actor -> router: the actor ended on request; its state.
struct retired_msg {
  case_archive archive;
};

}  // namespace slawatch::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(slawatch::actors::case_event_msg)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(slawatch::actors::write_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(slawatch::actors::dead_letter_msg)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(slawatch::actors::retired_msg)
