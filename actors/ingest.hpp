// Reads the input streams with a consumer group, decodes entries and hands events to the
// router and undecodable entries to the writer's dead-letter stream. Never has more than
// `max_in_flight` entries read and not yet acknowledged, so a flood waits in Redis, not in
// mailboxes. A blocking actor on a thread of its own (hiredis blocks).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/blocking_actor.hpp>

#include "actors/config.hpp"
#include "actors/messages.hpp"
#include "actors/metrics.hpp"
#include "actors/persistence_metrics.hpp"
#include "actors/redis_connection.hpp"

namespace slawatch::actors {

/// `XREADGROUP GROUP g c COUNT n BLOCK ms STREAMS s... id...`; `ids[i]` is `>` for new entries
/// or the last ID seen of this consumer's pending entries.
redis_command xreadgroup_command(const std::string& group, const std::string& consumer, std::size_t count,
                                 std::chrono::milliseconds block, const std::vector<std::string>& streams,
                                 const std::vector<std::string>& ids);

/// What to do with one entry read from a stream.
struct routed_entry {
  std::optional<case_event_msg> event;       ///< decoded: to the router
  std::optional<dead_letter_msg> dead_letter;  ///< not decodable: to the dead-letter stream
  std::string type;  ///< event type for metrics, `unknown` if not known
};

/// Decodes one entry (pure).
routed_entry route_entry(stream_entry entry);

struct ingest_settings {
  redis_endpoint endpoint;
  streams_config streams;
  std::string consumer;
  std::size_t batch_size = 256;
  std::size_t max_in_flight = 10000;
  std::chrono::milliseconds block{250};  ///< longest wait per read; bounds how late a stop is seen
  std::chrono::seconds shutdown_timeout{30};
  /// Recovery (actors/recovery.hpp) of the partition with this key tag before the first read,
  /// the marker check after every reconnect, and claiming from dead consumers. Without
  /// `persistence` (tests of other parts) none of this happens.
  std::shared_ptr<persistence_metrics> persistence;
  std::string partition_tag;
  std::size_t load_batch = 1000;
  std::chrono::seconds claim_idle{60};
};

/// First (once Redis answers) loads the snapshots of open and kept closed cases and hands them
/// to the router (`restore_msg`), waiting until it respawned them; then reads this consumer's
/// pending entries, then new ones, and every `claim_idle` claims entries idle that long with other
/// consumers (XAUTOCLAIM). After a reconnect it checks the partition's marker: missing means
/// Redis lost its data; it is reported (error log, slawatch_redis_data_lost) and the writer is
/// told to save every case held again (`persist_atom, count`, see writer.hpp).
/// Runs until it receives `stop_atom`; then stops reading, waits (up to the shutdown timeout)
/// for every entry in flight to be acknowledged (`acked_atom, count` from the writer), sets
/// `drained` accordingly and ends.
void ingest_actor(caf::blocking_actor* self, ingest_settings settings, caf::actor router, caf::actor writer,
                  std::shared_ptr<metrics> stats, std::shared_ptr<std::atomic<bool>> drained);

}  // namespace slawatch::actors
