// Writes records and dead letters to the output streams in one pipeline per batch, then
// acknowledges the input entries whose effects were written. Runs detached: hiredis blocks.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/config.hpp"
#include "actors/messages.hpp"
#include "actors/metrics.hpp"
#include "actors/persistence_metrics.hpp"
#include "actors/redis_connection.hpp"

namespace slawatch::actors {

/// The stream a record goes to.
const std::string& stream_for(const streams_config& streams, const rules::record& r);

/// `XADD stream * record KIND case_id ID id RECORD-ID json JSON` for one record; `json` is the
/// record as record_json() wrote it (encoded once: it is most of the writer's work).
redis_command xadd_record(const std::string& stream, const rules::record& r, std::string json);

/// `XADD dead-letter * <original fields> source_stream S source_id ID dead_letter_reason R
/// dead_letter_detail D`.
redis_command xadd_dead_letter(const std::string& stream, const dead_letter_msg& d);

/// One `XACK stream group id...` per stream that has entries in `acks`, in stream order.
std::vector<redis_command> xack_commands(const std::string& group, const std::vector<entry_ref>& acks);

/// `record` as JSON for the output streams: rules::encode_record_json(), plus `"late":true,
/// "detection_delay_seconds":N` (whole seconds from `at` to `written`) when the record was due
/// before `late_before`. The writer passes the time their case was restored only for records
/// that fell due while no daemon watched it (write_batch::recovered). `slawatch replay` never
/// adds them.
std::string record_json(const rules::record& r, std::chrono::system_clock::time_point late_before,
                        std::chrono::system_clock::time_point written);

/// The commands that save cases' snapshots, each under its partition's tag
/// (keys::case_tag(case_id, partitions)): `SET key bytes` per open case and `SET key bytes PX
/// retention` per closed one, then the indexes of each partition in one command each for all of
/// its cases: `SADD open-index id...` and `ZREM closed-index id...` for the open ones, `SREM
/// open-index id...` and `ZADD closed-index expiry-ms id...` for the closed ones.
std::vector<redis_command> snapshot_commands(const std::vector<case_snapshot>& snapshots, std::uint32_t partitions,
                                             std::chrono::seconds closed_retention,
                                             std::chrono::system_clock::time_point now);

/// The partitions a transaction writes for: those of the cases of its records and snapshots and
/// of the input streams it acknowledges (a stream's position in `streams.input` mod
/// `streams.partitions`). Empty without partitions.
std::set<std::uint32_t> partitions_written(const streams_config& streams, const std::vector<rules::record>& records,
                                           const std::vector<case_snapshot>& snapshots,
                                           const std::vector<entry_ref>& acks);

/// `WATCH` and `MGET` of the leases of `partitions`: sent before a transaction that writes for
/// them, so that it is written only while this instance holds them (and aborted if one changes
/// hands before EXEC).
std::vector<redis_command> fence_commands(const std::set<std::uint32_t>& partitions);

/// From the MGET reply of fence_commands(): the first of `partitions` (in order) whose lease
/// `consumer` does not hold, none if it holds them all.
rules::expected<std::optional<std::uint32_t>, std::string> lease_not_held(const redisReply* mget,
                                                                          const std::set<std::uint32_t>& partitions,
                                                                          const std::string& consumer);

struct writer_settings {
  redis_endpoint endpoint;
  streams_config streams;
  std::size_t max_batch = 256;  ///< flush at once when this many records and acks wait
  std::chrono::seconds shutdown_timeout{30};
  /// Sent a `notify_batch` of what the notifier needs once it is written; none: notifications
  /// are only written to their stream.
  caf::actor notifier;
  /// Key tag of the writer's commit mark (actors/keys.hpp); read once after connecting, to write
  /// only to a Redis that answers reads.
  std::string partition_tag;
  /// `streams.partitions`: a case's snapshot and index keys carry the tag of its partition
  /// (keys::case_tag); 0: every case is in partition 0.
  std::uint32_t partitions = 0;
  std::chrono::seconds closed_retention{24 * 3600};
  std::chrono::seconds output_retention{0};  ///< trim output streams by age; 0: never
  std::shared_ptr<persistence_metrics> persistence;  ///< absent: metrics of persistence not kept
  std::string writer_id = "writer";  ///< names its commit mark key (the consumer name)
  /// With leases (actors/lease.hpp): a transaction is written only while `writer_id` holds the
  /// leases of the partitions it writes for; else `lease_lost` is called (it ends the process).
  bool leased = false;
  std::function<void(const std::string&)> lease_lost;
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
  /// Latest snapshot per case since the last write (a newer one replaces an older one).
  std::unordered_map<std::string, case_snapshot> snapshots;
  /// Pending records that fell due while no daemon watched their case, by id, with the time
  /// their case was restored (see write_batch::recovered).
  std::unordered_map<std::string, std::chrono::system_clock::time_point> late_ids;
  /// After Redis lost its data: snapshots sent again still to come; then the marker is written.
  std::optional<std::uint64_t> resave_left;
  std::uint64_t resaves_early = 0;  ///< snapshots sent again that came before their count
  bool marker_due = false;
  /// The partitions whose markers are written once every case was saved again (their tags).
  std::vector<std::string> marker_tags;
  /// A transaction sent and not yet known to be committed.
  struct attempt {
    std::vector<rules::record> records;
    std::vector<dead_letter_msg> dead_letters;
    std::vector<entry_ref> acks;
    std::vector<case_snapshot> snapshots;
    std::map<std::string, case_context> contexts;  ///< of the cases with notification records
    /// Records that fell due while no daemon watched their case, with their case's restore time.
    std::unordered_map<std::string, std::chrono::system_clock::time_point> late_ids;
    std::vector<std::string> marker_tags;  ///< markers written by this transaction
    std::uint64_t seq = 0;  ///< its commit mark is `<token>:<seq>`
    bool in_doubt = false;  ///< the connection broke after sending it: committed or not, unknown
  };
  std::optional<attempt> current;
  std::string token;  ///< random per process, so that no other writer's mark is taken for ours
  std::uint64_t next_seq = 1;
  std::uint64_t acked_unreported = 0;  ///< entries acknowledged, not yet reported to ingest
  bool flush_scheduled = false;
  bool waiting_to_retry = false;
  static inline const char* name = "slawatch.writer";
};

/// Takes everything queued into the next transaction. The markers of a saving again after a
/// loss of Redis data go with it only once every case was saved again (`marker_due`).
writer_state::attempt next_attempt(writer_state& st);

/// A snapshot was queued: if it is one sent again after a loss of Redis data, counts it down
/// (or, before the count is known, counts it as early).
void count_resave(writer_state& st, const case_snapshot& s);

/// `count` snapshots are to be sent again after a loss of Redis data (the ones that came
/// early are deducted); then the markers of `tags` are written.
void expect_resaves(writer_state& st, std::uint64_t count, std::vector<std::string> tags);

/// Handles `write_batch`, `dead_letter_msg`, `caf::actor` (the ingest actor to report
/// `acked_atom, count` to), `flush_atom`, `persist_atom, count, tags` (Redis lost its data: `count`
/// snapshots are being sent again; once all are written the markers of the partitions `tags`
/// are written and slawatch_redis_data_lost cleared) and `stop_atom` (write what is pending, retrying until the
/// shutdown timeout, then end). Records from one mailbox sweep go out in one MULTI/EXEC
/// transaction: records, dead letters, the snapshots of the cases that produced them, then the
/// acknowledgements of their input entries; a crash leaves all of it or none. Every minute output
/// streams are trimmed to `output_retention`, never past an entry a consumer group has not read
/// or still has pending.
caf::behavior writer_actor(caf::stateful_actor<writer_state>* self, writer_settings settings,
                           std::shared_ptr<metrics> stats, wall_time_source now);

}  // namespace slawatch::actors
