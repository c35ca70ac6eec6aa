#include "actors/trim.hpp"

#include <charconv>

namespace slawatch::actors {

namespace {

bool is_text(const redisReply* r) {
  return r != nullptr && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS);
}

std::string text_of(const redisReply* r) { return std::string(r->str, r->len); }

/// `ms-seq` as numbers; a malformed id reads as 0-0 (keeps everything: the safe side).
std::pair<std::uint64_t, std::uint64_t> parse_id(const std::string& id) {
  std::uint64_t ms = 0;
  std::uint64_t seq = 0;
  const auto dash = id.find('-');
  const char* begin = id.data();
  const char* end = id.data() + id.size();
  if (dash == std::string::npos) {
    std::from_chars(begin, end, ms);
  } else {
    std::from_chars(begin, begin + dash, ms);
    std::from_chars(begin + dash + 1, end, seq);
  }
  return {ms, seq};
}

}  // namespace

rules::expected<std::vector<group_position>, std::string> decode_xinfo_groups(
    const redisReply* reply) {
  using result = rules::expected<std::vector<group_position>, std::string>;
  if (reply == nullptr) return result::failure("no reply");
  if (is_error_reply(reply, "ERR no such key")) return std::vector<group_position>{};
  if (reply->type == REDIS_REPLY_ERROR) return result::failure(text_of(reply));
  if (reply->type != REDIS_REPLY_ARRAY) return result::failure("XINFO GROUPS: expected an array");
  std::vector<group_position> out;
  for (std::size_t g = 0; g < reply->elements; ++g) {
    const redisReply* fields = reply->element[g];
    if (fields->type != REDIS_REPLY_ARRAY || fields->elements % 2 != 0)
      return result::failure("XINFO GROUPS: expected field/value pairs");
    group_position pos;
    for (std::size_t f = 0; f < fields->elements; f += 2) {
      if (!is_text(fields->element[f])) continue;
      const auto key = text_of(fields->element[f]);
      const redisReply* value = fields->element[f + 1];
      if (key == "name" && is_text(value)) pos.name = text_of(value);
      if (key == "last-delivered-id" && is_text(value)) pos.last_delivered = text_of(value);
      if (key == "pending" && value->type == REDIS_REPLY_INTEGER) pos.pending = value->integer;
    }
    if (pos.name.empty() || pos.last_delivered.empty())
      return result::failure("XINFO GROUPS: a group without name or last-delivered-id");
    out.push_back(std::move(pos));
  }
  return out;
}

rules::expected<std::optional<std::string>, std::string> decode_first_pending(
    const redisReply* reply) {
  using result = rules::expected<std::optional<std::string>, std::string>;
  if (reply == nullptr) return result::failure("no reply");
  if (reply->type == REDIS_REPLY_ERROR) return result::failure(text_of(reply));
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 2 ||
      reply->element[0]->type != REDIS_REPLY_INTEGER)
    return result::failure("XPENDING: expected a summary");
  if (reply->element[0]->integer == 0) return std::optional<std::string>{};
  if (!is_text(reply->element[1])) return result::failure("XPENDING: smallest id is not a string");
  return std::optional<std::string>{text_of(reply->element[1])};
}

std::string trim_min_id(std::chrono::system_clock::time_point cutoff,
                        const std::vector<group_position>& groups) {
  const auto cutoff_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(cutoff.time_since_epoch()).count();
  std::pair<std::uint64_t, std::uint64_t> min_id{
      cutoff_ms > 0 ? static_cast<std::uint64_t>(cutoff_ms) : 0, 0};
  for (const auto& g : groups) {
    std::pair<std::uint64_t, std::uint64_t> keep;
    if (g.first_pending) {
      keep = parse_id(*g.first_pending);
    } else {
      keep = parse_id(g.last_delivered);
      // The entry after the last one delivered: what the group reads next.
      if (keep.second == UINT64_MAX) {
        ++keep.first;
        keep.second = 0;
      } else {
        ++keep.second;
      }
    }
    if (g.pending > 0 && !g.first_pending) keep = {0, 0};  // inconsistent: keep everything
    min_id = std::min(min_id, keep);
  }
  return std::to_string(min_id.first) + "-" + std::to_string(min_id.second);
}

}  // namespace slawatch::actors
