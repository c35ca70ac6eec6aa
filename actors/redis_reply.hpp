// Redis replies -> values. Pure functions over hiredis reply trees: no socket, so they are
// tested by feeding protocol bytes to a redisReader.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <hiredis/hiredis.h>

#include "rules/expected.hpp"

namespace slawatch::actors {

/// Frees a hiredis reply tree.
struct reply_deleter {
  void operator()(redisReply* r) const noexcept { freeReplyObject(r); }
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

/// Flat field/value pairs of a stream entry, in the order Redis returned them.
using entry_fields = std::vector<std::pair<std::string, std::string>>;

/// One entry of a stream, as delivered by XREADGROUP.
struct stream_entry {
  std::string stream;
  std::string id;
  entry_fields fields;
  /// The entry was deleted from the stream while still pending (Redis sends nil fields).
  bool deleted = false;
};

/// Decodes an XREAD/XREADGROUP reply: nil (the BLOCK timed out) gives no entries; otherwise
/// `[[stream, [[id, [field, value, ...]], ...]], ...]`. An error reply or a shape that is not
/// this gives the reason as text.
rules::expected<std::vector<stream_entry>, std::string> decode_stream_read(const redisReply* reply);

/// The total of an XPENDING summary reply `[count, smallest-id, greatest-id, [[consumer, n]...]]`.
rules::expected<std::int64_t, std::string> decode_pending_count(const redisReply* reply);

/// The integer of an integer reply (XACK, XLEN, ...), or why it is not one.
rules::expected<std::int64_t, std::string> decode_integer(const redisReply* reply);

/// True for an error reply whose message starts with `prefix` (e.g. `BUSYGROUP`).
bool is_error_reply(const redisReply* reply, const std::string& prefix = {});

/// The text of a string, status or error reply; empty for other types.
std::string reply_text(const redisReply* reply);

}  // namespace slawatch::actors
