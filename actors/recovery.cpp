#include "actors/recovery.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include "actors/keys.hpp"
#include "actors/snapshot.hpp"

namespace slawatch::actors {

namespace {

bool is_text(const redisReply* r) {
  return r != nullptr && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS);
}

std::string text_of(const redisReply* r) { return std::string(r->str, r->len); }

std::int64_t unix_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

/// One page of an SSCAN/ZSCAN reply: `[cursor, [member, ...]]`.
rules::expected<std::pair<std::string, std::vector<std::string>>, std::string> decode_scan(
    const redisReply* r) {
  using result = rules::expected<std::pair<std::string, std::vector<std::string>>, std::string>;
  if (r == nullptr) return result::failure("no reply");
  if (r->type == REDIS_REPLY_ERROR) return result::failure(text_of(r));
  if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 || !is_text(r->element[0]) ||
      r->element[1]->type != REDIS_REPLY_ARRAY)
    return result::failure("scan: expected [cursor, members]");
  std::pair<std::string, std::vector<std::string>> out{text_of(r->element[0]), {}};
  const redisReply* members = r->element[1];
  out.second.reserve(members->elements);
  for (std::size_t i = 0; i < members->elements; ++i) {
    if (!is_text(members->element[i])) return result::failure("scan: member is not a string");
    out.second.push_back(text_of(members->element[i]));
  }
  return out;
}

/// Reads the snapshots of `ids` (one MGET) and delivers those that decode, in one message.
rules::expected<bool, std::string> load_batch(redis_connection& redis, const std::string& tag,
                                              const std::vector<std::string>& ids,
                                              const std::vector<double>& expiry_ms, bool open,
                                              persistence_metrics& stats, recovery_counts& counts,
                                              const std::function<void(restore_msg)>& deliver) {
  using result = rules::expected<bool, std::string>;
  if (ids.empty()) return true;
  redis_command mget{"MGET"};
  mget.reserve(ids.size() + 1);
  for (const auto& id : ids) mget.push_back(keys::case_snapshot(tag, id));
  auto reply = redis.command(mget);
  if (!reply) return result::failure(reply.error());
  const redisReply* r = reply->get();
  if (r->type == REDIS_REPLY_ERROR) return result::failure(text_of(r));
  if (r->type != REDIS_REPLY_ARRAY || r->elements != ids.size())
    return result::failure("MGET: unexpected reply");
  restore_msg batch;
  batch.cases.reserve(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const redisReply* value = r->element[i];
    if (value->type == REDIS_REPLY_NIL) {
      ++counts.missing;
      continue;
    }
    if (!is_text(value)) {
      ++counts.unreadable;
      stats.snapshot_error();
      continue;
    }
    auto archive = decode_snapshot(std::string_view{value->str, value->len});
    if (!archive || archive->case_id != ids[i]) {
      // The case id is not personal data; the content is not logged.
      spdlog::error("recovery: snapshot of case {} unreadable, case left out: {}", ids[i],
                    archive ? std::string{"it names another case"} : archive.error());
      ++counts.unreadable;
      stats.snapshot_error();
      continue;
    }
    restored_case loaded;
    loaded.archive = std::move(*archive);
    if (open) {
      loaded.archive.open = true;  // the index is what recovery trusts; the flag agrees unless damaged
      ++counts.open;
    } else {
      loaded.archive.open = false;
      loaded.expires_at = std::chrono::system_clock::time_point{
          std::chrono::milliseconds{static_cast<std::int64_t>(expiry_ms[i])}};
      ++counts.closed;
    }
    batch.cases.push_back(std::move(loaded));
  }
  if (!batch.cases.empty()) deliver(std::move(batch));
  return true;
}

}  // namespace

rules::expected<recovery_counts, std::string> load_partition(
    redis_connection& redis, const std::string& tag, std::size_t batch,
    std::chrono::system_clock::time_point now, persistence_metrics& stats,
    const std::function<void(restore_msg)>& deliver) {
  using result = rules::expected<recovery_counts, std::string>;
  recovery_counts counts;
  auto marker = marker_exists(redis, tag);
  if (!marker) return result::failure(marker.error());
  counts.marker_present = *marker;

  // Open cases: SSCAN the index (not the keyspace), MGET their snapshots.
  const std::string count = std::to_string(batch);
  std::string cursor = "0";
  do {
    auto page = redis.command({"SSCAN", keys::open_index(tag), cursor, "COUNT", count});
    if (!page) return result::failure(page.error());
    auto decoded = decode_scan(page->get());
    if (!decoded) return result::failure("SSCAN " + keys::open_index(tag) + ": " + decoded.error());
    cursor = decoded->first;
    auto loaded = load_batch(redis, tag, decoded->second, {}, true, stats, counts, deliver);
    if (!loaded) return result::failure(loaded.error());
  } while (cursor != "0");

  // Closed cases still kept: forget the expired ones first (their keys expired by themselves).
  auto pruned = redis.command(
      {"ZREMRANGEBYSCORE", keys::closed_index(tag), "-inf", std::to_string(unix_ms(now))});
  if (!pruned) return result::failure(pruned.error());
  cursor = "0";
  do {
    auto page = redis.command({"ZSCAN", keys::closed_index(tag), cursor, "COUNT", count});
    if (!page) return result::failure(page.error());
    auto decoded = decode_scan(page->get());
    if (!decoded)
      return result::failure("ZSCAN " + keys::closed_index(tag) + ": " + decoded.error());
    cursor = decoded->first;
    std::vector<std::string> ids;
    std::vector<double> expiry;
    const auto& flat = decoded->second;  // member, score, member, score, ...
    for (std::size_t i = 0; i + 1 < flat.size(); i += 2) {
      ids.push_back(flat[i]);
      expiry.push_back(std::strtod(flat[i + 1].c_str(), nullptr));
    }
    auto loaded = load_batch(redis, tag, ids, expiry, false, stats, counts, deliver);
    if (!loaded) return result::failure(loaded.error());
  } while (cursor != "0");

  auto set = redis.command(set_marker_command(tag, now));
  if (!set) return result::failure(set.error());
  if ((*set)->type == REDIS_REPLY_ERROR)
    return result::failure("SET marker: " + text_of(set->get()));
  return counts;
}

rules::expected<bool, std::string> marker_exists(redis_connection& redis, const std::string& tag) {
  using result = rules::expected<bool, std::string>;
  auto reply = redis.command({"EXISTS", keys::marker(tag)});
  if (!reply) return result::failure(reply.error());
  auto n = decode_integer(reply->get());
  if (!n) return result::failure("EXISTS " + keys::marker(tag) + ": " + n.error());
  return *n == 1;
}

redis_command set_marker_command(const std::string& tag,
                                 std::chrono::system_clock::time_point now) {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return {"SET", keys::marker(tag),
          "slawatch state of " + tag + ", written by " + host + " at unix ms " +
              std::to_string(unix_ms(now))};
}

redis_command xautoclaim_command(const std::string& stream, const std::string& group,
                                 const std::string& consumer, std::chrono::milliseconds min_idle,
                                 const std::string& start, std::size_t count) {
  return {"XAUTOCLAIM",
          stream,
          group,
          consumer,
          std::to_string(min_idle.count()),
          start,
          "COUNT",
          std::to_string(count)};
}

rules::expected<autoclaim_reply, std::string> decode_autoclaim(const redisReply* reply,
                                                               const std::string& stream) {
  using result = rules::expected<autoclaim_reply, std::string>;
  if (reply == nullptr) return result::failure("no reply");
  if (reply->type == REDIS_REPLY_ERROR) return result::failure(text_of(reply));
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 2 || !is_text(reply->element[0]) ||
      reply->element[1]->type != REDIS_REPLY_ARRAY)
    return result::failure("XAUTOCLAIM: expected [cursor, entries, ...]");
  autoclaim_reply out;
  out.next = text_of(reply->element[0]);
  // The entries have the shape of one stream of an XREADGROUP reply: reuse its decoder.
  redisReply name{};
  name.type = REDIS_REPLY_STRING;
  name.str = const_cast<char*>(stream.data());
  name.len = stream.size();
  redisReply* pair_elements[2] = {&name, reply->element[1]};
  redisReply per_stream{};
  per_stream.type = REDIS_REPLY_ARRAY;
  per_stream.elements = 2;
  per_stream.element = pair_elements;
  redisReply* outer_elements[1] = {&per_stream};
  redisReply outer{};
  outer.type = REDIS_REPLY_ARRAY;
  outer.elements = 1;
  outer.element = outer_elements;
  auto entries = decode_stream_read(&outer);
  if (!entries) return result::failure("XAUTOCLAIM: " + entries.error());
  out.entries = std::move(*entries);
  return out;
}

}  // namespace slawatch::actors
