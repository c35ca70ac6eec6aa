// Writes records and dead letters to the output streams in one pipeline per batch, then
// acknowledges the input entries whose effects were written. Runs detached: hiredis blocks.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/config.hpp"
#include "actors/messages.hpp"
#include "actors/metrics.hpp"
#include "actors/redis_connection.hpp"

namespace slawatch::actors {

/// The stream a record goes to.
const std::string& stream_for(const streams_config& streams, const rules::record& r);

/// `XADD stream * record KIND case_id ID id RECORD-ID json JSON` for one record.
redis_command xadd_record(const std::string& stream, const rules::record& r);

/// `XADD dead-letter * <original fields> source_stream S source_id ID dead_letter_reason R
/// dead_letter_detail D`.
redis_command xadd_dead_letter(const std::string& stream, const dead_letter_msg& d);

/// One `XACK stream group id...` per stream that has entries in `acks`, in stream order.
std::vector<redis_command> xack_commands(const std::string& group, const std::vector<entry_ref>& acks);

struct writer_settings {
  redis_endpoint endpoint;
  streams_config streams;
  std::size_t max_batch = 256;  ///< flush at once when this many records and acks wait
  std::chrono::seconds shutdown_timeout{30};
  /// Sent a `notify_batch` of what the notifier needs once it is written; none: notifications
  /// are only written to their stream.
  caf::actor notifier;
};

struct writer_state {
  writer_settings settings;
  std::shared_ptr<metrics> stats;
  wall_time_source now;
  caf::actor ingest;  ///< told how many entries were acknowledged
  std::optional<redis_connection> connection;
  backoff retry;
  std::vector<rules::record> records;
  std::vector<dead_letter_msg> dead_letters;
  std::vector<entry_ref> acks;
  std::map<std::string, case_context> contexts;  ///< of the cases with pending notification records
  bool flush_scheduled = false;
  bool waiting_to_retry = false;
  static inline const char* name = "slawatch.writer";
};

/// Handles `write_batch`, `dead_letter_msg`, `caf::actor` (the ingest actor to report
/// `acked_atom, count` to), `flush_atom` and `stop_atom` (write what is pending, retrying until
/// the shutdown timeout, then end). Records from one mailbox sweep go out in one pipeline.
caf::behavior writer_actor(caf::stateful_actor<writer_state>* self, writer_settings settings,
                           std::shared_ptr<metrics> stats, wall_time_source now);

}  // namespace slawatch::actors
