// Trimming the output streams by age (XTRIM MINID) without ever dropping an entry that a consumer
// group on the stream has not read yet or has read and not acknowledged.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/redis_reply.hpp"
#include "rules/expected.hpp"

namespace slawatch::actors {

/// Where one consumer group of a stream stands.
struct group_position {
  std::string name;
  std::string last_delivered;                ///< `last-delivered-id` of XINFO GROUPS
  std::int64_t pending = 0;                  ///< entries delivered and not acknowledged
  std::optional<std::string> first_pending;  ///< smallest pending id (XPENDING summary)
};

/// The groups of an `XINFO GROUPS` reply (without first_pending). A missing stream (`ERR no such
/// key`) gives no groups.
rules::expected<std::vector<group_position>, std::string> decode_xinfo_groups(
    const redisReply* reply);

/// The smallest pending id of an XPENDING summary reply; none if nothing is pending.
rules::expected<std::optional<std::string>, std::string> decode_first_pending(
    const redisReply* reply);

/// The MINID to trim a stream to: entries older than `cutoff` go, unless a group still needs them
/// (its first pending entry, or the entry after the last one it was delivered). IDs compare as
/// `ms-seq` numbers.
std::string trim_min_id(std::chrono::system_clock::time_point cutoff,
                        const std::vector<group_position>& groups);

}  // namespace slawatch::actors
