// Leases of partitions (scale-out): which daemon instance reads which partition streams.
//
// Each partition has a lease key `{slawatch:p<N>}:lease` (keys::lease) holding the consumer name
// of its owner, with an expiry of `streams.lease_ttl`. An instance acquires a free partition with
// `SET key <consumer> NX PX ttl`, renews what it owns every ttl/3 with a compare-and-PEXPIRE
// script, and gives its leases back with a compare-and-DEL script when it stops (after its
// entries in flight are written and acknowledged). Live instances announce themselves in the
// sorted set `slawatch:instances` (consumer -> expiry of its heartbeat, Unix ms), so each one
// takes at most its fair share (rules/lease_plan.hpp) and instances starting together split the
// partitions: the first acquisition waits until the count of live instances stayed the same for
// one TTL, so that all of them are counted.
//
// A renewal that finds its lease gone or held by another instance means this one was stalled
// (or cut off from Redis) past the TTL and another may already apply the partition's entries: it
// fails fast (`lease_settings::lost`, which exits the process so that systemd restarts it) rather
// than keep processing a partition it does not own. One case is not a loss: lease and marker both
// gone (Redis lost its data); then the lease is taken again and the ingest actor's marker check
// reports the loss.
//
// Partitions above the fair share are not given back while running (when an instance joins,
// the others keep what they own until they stop or die).
//
// The command builders and reply decoders are pure and tested from replies; the actor is thin.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/metrics.hpp"
#include "actors/persistence_metrics.hpp"
#include "actors/redis_connection.hpp"
#include "rules/expected.hpp"

namespace slawatch::actors {

/// Partition numbers for logs: `0 3 7`.
std::string partition_list(const std::vector<std::uint32_t>& partitions);

/// `SET <lease of partition p> <consumer> NX PX <ttl ms>`.
redis_command acquire_lease_command(std::uint32_t partition, const std::string& consumer,
                                    std::chrono::milliseconds ttl);

/// Whether an acquire took the lease (`OK`) or found it held (nil). Fails on an error reply.
rules::expected<bool, std::string> decode_acquired(const redisReply* reply);

/// `EVAL <renew script> 2 <lease> <marker> <consumer> <ttl ms>`: the lease is prolonged if
/// `consumer` holds it; taken again if lease and the partition's marker are both gone (Redis
/// lost its data); else left alone.
redis_command renew_lease_command(std::uint32_t partition, const std::string& consumer,
                                  std::chrono::milliseconds ttl);

/// What a renewal found.
enum class renewal { renewed, retaken_after_data_loss, lost };

/// The renew script's reply: 1 renewed, 2 retaken after a loss of data, 0 lost.
rules::expected<renewal, std::string> decode_renewal(const redisReply* reply);

/// `EVAL <release script> 1 <lease> <consumer>`: deletes the lease only if `consumer` holds it.
redis_command release_lease_command(std::uint32_t partition, const std::string& consumer);

/// The heartbeat of one round: `ZADD instances <expiry ms> consumer`, `ZREMRANGEBYSCORE
/// instances -inf <now ms>` (instances whose heartbeat expired), `ZCARD instances`.
std::vector<redis_command> heartbeat_commands(const std::string& consumer, std::chrono::system_clock::time_point now,
                                              std::chrono::milliseconds ttl);

/// The number of live instances from the replies of heartbeat_commands() (the ZCARD).
rules::expected<std::uint32_t, std::string> decode_live_instances(const std::vector<reply_ptr>& replies);

/// `GET <lease of p>` for every partition p < partitions.
std::vector<redis_command> lease_holder_commands(std::uint32_t partitions);

/// Who holds which lease, from the replies of lease_holder_commands().
struct lease_holders {
  std::set<std::uint32_t> owned;                   ///< held by `consumer`
  std::map<std::uint32_t, std::string> by_others;  ///< held by another instance: its consumer name
};
rules::expected<lease_holders, std::string> decode_lease_holders(const std::vector<reply_ptr>& replies,
                                                                 const std::string& consumer);

struct lease_settings {
  redis_endpoint endpoint;
  std::string consumer;         ///< this instance's name in leases and the instances set
  std::uint32_t partitions = 0;  ///< > 0
  std::chrono::milliseconds ttl{10000};
  caf::actor ingest;  ///< handed the partitions won (`lease_atom, std::vector<std::uint32_t>`)
  std::shared_ptr<persistence_metrics> persistence;  ///< slawatch_partitions_owned and lease counters
  /// Called (from the lease actor's thread) when a lease was lost, with what happened. Must not
  /// return to processing: production exits the process.
  std::function<void(const std::string&)> lost;
};

struct lease_state {
  lease_settings settings;
  std::shared_ptr<metrics> stats;
  std::optional<redis_connection> connection;
  std::set<std::uint32_t> owned;
  /// The last holder seen of each partition this instance does not own (to log takeovers).
  std::map<std::uint32_t, std::string> held_by_others;
  std::uint64_t rounds = 0;
  std::uint32_t last_live = 0;     ///< live instances counted at the last heartbeat
  std::uint32_t stable_rounds = 0;  ///< consecutive rounds that counted `last_live`
  bool handed_over = false;  ///< ingest was sent its first handover (recovery ends with it)
  bool released = false;
  static inline const char* name = "slawatch.lease";
};

/// Every ttl/3: heartbeat, renew owned leases, and (once the live count was stable for a TTL) take free
/// partitions up to the fair share, handing them to the ingest actor. `release_atom`: gives every
/// lease back and leaves the instances set, replies the number released (uint64), then ends.
/// Runs detached (hiredis blocks).
caf::behavior lease_actor(caf::stateful_actor<lease_state>* self, lease_settings settings,
                          std::shared_ptr<metrics> stats);

}  // namespace slawatch::actors
