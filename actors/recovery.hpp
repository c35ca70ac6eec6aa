// Start-up recovery and the Redis-side bookkeeping around it: loading a partition's snapshots,
// the marker that tells a Redis that kept its data from one that lost it, and claiming entries
// from dead consumers. Blocking (hiredis): called from the ingest actor's thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "actors/messages.hpp"
#include "actors/persistence_metrics.hpp"
#include "actors/redis_connection.hpp"
#include "actors/redis_reply.hpp"
#include "rules/expected.hpp"

namespace slawatch::actors {

/// What load_partition() found.
struct recovery_counts {
  std::size_t open = 0;         ///< open cases handed over
  std::size_t closed = 0;       ///< closed cases still kept, handed over
  std::size_t unreadable = 0;   ///< snapshots that could not be decoded (left in Redis)
  std::size_t missing = 0;      ///< ids in an index without a snapshot key
  bool marker_present = false;  ///< the partition's marker key existed before this recovery
};

/// Loads every snapshot of the partition `tag`: the open cases (index `keys::open_index`) and
/// the closed ones not yet expired (`keys::closed_index`, expired members removed first), `batch`
/// keys per round trip, and hands the cases of each round trip to `deliver`. Then writes the
/// partition's marker.
/// A snapshot that does not decode is counted, logged (without its content) and skipped. Fails
/// only if Redis fails.
rules::expected<recovery_counts, std::string> load_partition(
    redis_connection& redis, const std::string& tag, std::size_t batch,
    std::chrono::system_clock::time_point now, persistence_metrics& stats,
    const std::function<void(restore_msg)>& deliver);

/// Whether the partition's marker key exists.
rules::expected<bool, std::string> marker_exists(redis_connection& redis, const std::string& tag);

/// `SET <marker> <value>`: value says who wrote it and when, for people reading Redis.
redis_command set_marker_command(const std::string& tag, std::chrono::system_clock::time_point now);

/// `XAUTOCLAIM stream group consumer min-idle-ms start COUNT count`.
redis_command xautoclaim_command(const std::string& stream, const std::string& group,
                                 const std::string& consumer, std::chrono::milliseconds min_idle,
                                 const std::string& start, std::size_t count);

/// An XAUTOCLAIM reply: the cursor to continue from (`0-0`: done) and the entries claimed, as
/// stream entries of `stream`. The third element of Redis 7 (ids of entries deleted meanwhile,
/// which Redis already removed from the pending list) is ignored.
struct autoclaim_reply {
  std::string next;
  std::vector<stream_entry> entries;
};
rules::expected<autoclaim_reply, std::string> decode_autoclaim(const redisReply* reply,
                                                               const std::string& stream);

}  // namespace slawatch::actors
