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
#include "actors/redis_reply.hpp"

namespace slawatch::actors {

/// `XREADGROUP GROUP g c COUNT n BLOCK ms STREAMS s... id...`; `ids[i]` is `>` for new entries
/// or the last ID seen of this consumer's pending entries.
redis_command xreadgroup_command(const std::string& group, const std::string& consumer, std::size_t count,
                                 std::chrono::milliseconds block, const std::vector<std::string>& streams,
                                 const std::vector<std::string>& ids);

/// Leased reads and claims are fenced in Redis: a Lua script runs the XREADGROUP or XAUTOCLAIM
/// only if this consumer still holds the lease of every partition it reads, else it fails with
/// `LEASELOST <stream>` and nothing is delivered. A check of the lease on this side cannot do
/// that: a process stalled between its check and its command (a pause, swap, SIGSTOP) would take
/// entries of a partition another instance took over meanwhile, and those would wait, pending
/// under its name, while the new owner applied the case's later entries before them.
///
/// `EVAL <script> 2n lease... stream... consumer group count id...`: lease i fences stream i;
/// per stream, `XREADGROUP ... COUNT count STREAMS stream id` (no BLOCK: scripts cannot block),
/// then the stream's last entry ID, from which a blocking wait continues (xread_wait_command).
redis_command fenced_read_command(const std::string& group, const std::string& consumer, std::size_t count,
                                  const std::vector<std::string>& leases, const std::vector<std::string>& streams,
                                  const std::vector<std::string>& ids);

/// A fenced read's reply: the entries (as XREADGROUP's) and each stream's last entry ID (`0-0`
/// if it is empty), in the order of the command's streams.
struct fenced_read_reply {
  std::vector<stream_entry> entries;
  std::vector<std::string> last_ids;
};
rules::expected<fenced_read_reply, std::string> decode_fenced_read(const redisReply* reply);

/// `XREAD BLOCK ms COUNT 1 STREAMS s... id...`: waits, without taking anything from the group,
/// until one of the streams has an entry after its ID (the last ones a fenced read saw), or
/// `block` passed.
redis_command xread_wait_command(std::chrono::milliseconds block, const std::vector<std::string>& streams,
                                 const std::vector<std::string>& ids);

/// `EVAL <script> 2 lease stream consumer group min-idle-ms start count`: XAUTOCLAIM (as
/// xautoclaim_command) only if `consumer` holds `lease`, else `LEASELOST <stream>`.
redis_command fenced_claim_command(const std::string& lease, const std::string& stream, const std::string& group,
                                   const std::string& consumer, std::chrono::milliseconds min_idle,
                                   const std::string& start, std::size_t count);

/// What to do with one entry read from a stream.
struct routed_entry {
  std::optional<case_event_msg> event;       ///< decoded: to the router
  std::optional<dead_letter_msg> dead_letter;  ///< not decodable: to the dead-letter stream
  std::string type;  ///< event type for metrics, `unknown` if not known
};

/// Decodes one entry (pure).
routed_entry route_entry(stream_entry entry);

/// The input streams of partition `p` when `inputs` is the partitioned list of the config
/// (streams_config::input: each input's `partitions` streams in turn): `inputs[i * partitions + p]`
/// for every input i. With `partitions` 0, every stream of `inputs`.
std::vector<std::string> streams_of_partition(const std::vector<std::string>& inputs, std::uint32_t partitions,
                                              std::uint32_t p);

struct ingest_settings {
  redis_endpoint endpoint;
  streams_config streams;
  std::string consumer;
  std::size_t batch_size = 256;
  std::size_t max_in_flight = 10000;
  std::chrono::milliseconds block{250};  ///< longest wait per read; bounds how late a stop is seen
  std::chrono::seconds shutdown_timeout{30};
  /// Recovery (actors/recovery.hpp) of the partitions read before their first read, the marker
  /// check after every reconnect, and claiming from dead consumers. Without `persistence` (tests
  /// of other parts) none of this happens.
  std::shared_ptr<persistence_metrics> persistence;
  /// `streams.partitions`: 0, the input streams as named and every case's state under partition
  /// 0's tag; N > 0, `streams.input` holds the partition streams (streams_of_partition).
  std::uint32_t partitions = 0;
  /// Partitions come and go with leases (actors/lease.hpp): none is read until the lease manager
  /// hands it over (`lease_atom, partitions`). False: every partition (or partition 0) is read.
  bool leased = false;
  std::size_t load_batch = 1000;
  std::chrono::seconds claim_idle{60};
};

/// Not leased: first (once Redis answers) loads the snapshots of open and kept closed cases of
/// every partition and hands them to the router (`restore_msg`), waiting until it respawned them;
/// then reads this consumer's pending entries, then new ones, and every `claim_idle` claims
/// entries idle that long with other consumers (XAUTOCLAIM).
/// Leased: reads nothing until `lease_atom, std::vector<std::uint32_t>` hands partitions over
/// (the first such message, even empty, ends recovery); for each, loads its snapshots like
/// above, then claims every entry pending in its streams whoever holds it (XAUTOCLAIM, no idle
/// threshold: the lease says nobody else reads them) and applies those before any new entry.
/// Leased reads and claims go through fenced_read_command / fenced_claim_command.
/// After a reconnect it checks the markers of the partitions loaded: one missing means Redis
/// lost its data; it is reported (error log, slawatch_redis_data_lost) and the writer is told to
/// save every case held again (`persist_atom, count, tags`, see writer.hpp).
/// Runs until it receives `stop_atom`; then stops reading, waits (up to the shutdown timeout)
/// for every entry in flight to be acknowledged (`acked_atom, count` from the writer), sets
/// `drained` accordingly and ends.
void ingest_actor(caf::blocking_actor* self, ingest_settings settings, caf::actor router, caf::actor writer,
                  std::shared_ptr<metrics> stats, std::shared_ptr<std::atomic<bool>> drained);

}  // namespace slawatch::actors
