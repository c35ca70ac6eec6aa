// Names of the Redis keys the daemon keeps its own state in (snapshots, indexes, the marker).
// Every key of a partition carries the partition's hash tag `{slawatch:p<N>}`, so that on
// Redis Cluster all of them live in one slot and one MULTI/EXEC may touch several of them.
#pragma once

#include <cstdint>
#include <string>

namespace slawatch::actors::keys {

/// `{slawatch:p<partition>}`: the hash tag shared by every key of one partition.
std::string partition_tag(std::uint32_t partition);

/// The tag of the partition holding `case_id`'s keys: that of rules::partition_of(case_id,
/// partitions), or of partition 0 when `partitions` is 0 (the input is not partitioned).
std::string case_tag(const std::string& case_id, std::uint32_t partitions);

/// `<tag>:case:<case_id>`: a case's snapshot (a string, see actors/snapshot.hpp).
std::string case_snapshot(const std::string& tag, const std::string& case_id);

/// `<tag>:open`: set of the case ids of the partition's open cases (recovery reads it: no SCAN).
std::string open_index(const std::string& tag);

/// `<tag>:closed`: sorted set of the partition's closed cases still kept, scored by the Unix
/// time in milliseconds at which their snapshot expires.
std::string closed_index(const std::string& tag);

/// `<tag>:marker`: written once the partition's state is in Redis. Missing while the daemon
/// holds cases of the partition means Redis lost its data (restarted empty, flushed).
std::string marker(const std::string& tag);

/// `<tag>:lease`: the lease of the partition, holding the consumer name of the daemon instance
/// that owns it, with an expiry (actors/lease.hpp).
std::string lease(const std::string& tag);

/// `slawatch:instances`: sorted set of the daemon instances alive, consumer name scored by the
/// Unix time in milliseconds at which its heartbeat expires (actors/lease.hpp).
std::string instances();

/// `<tag>:commit:<writer>`: the mark of the last transaction a writer committed, read after a
/// connection broke mid-transaction to know whether it ran (see actors/writer.hpp).
std::string writer_commit(const std::string& tag, const std::string& writer);

}  // namespace slawatch::actors::keys
