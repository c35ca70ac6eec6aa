#include "actors/redis_reply.hpp"

namespace slawatch::actors {

namespace {

using read_result = rules::expected<std::vector<stream_entry>, std::string>;

bool is_text(const redisReply* r) {
  return r != nullptr && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS);
}

std::string text_of(const redisReply* r) { return std::string(r->str, r->len); }

}  // namespace

std::string reply_text(const redisReply* reply) {
  if (reply == nullptr) return {};
  if (reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS ||
      reply->type == REDIS_REPLY_ERROR)
    return text_of(reply);
  return {};
}

bool is_error_reply(const redisReply* reply, const std::string& prefix) {
  if (reply == nullptr || reply->type != REDIS_REPLY_ERROR) return false;
  return text_of(reply).compare(0, prefix.size(), prefix) == 0;
}

read_result decode_stream_read(const redisReply* reply) {
  if (reply == nullptr) return read_result::failure("no reply");
  if (reply->type == REDIS_REPLY_ERROR) return read_result::failure(text_of(reply));
  std::vector<stream_entry> out;
  if (reply->type == REDIS_REPLY_NIL) return out;
  if (reply->type != REDIS_REPLY_ARRAY) return read_result::failure("stream read: expected an array");
  for (std::size_t s = 0; s < reply->elements; ++s) {
    const redisReply* per_stream = reply->element[s];
    if (per_stream->type != REDIS_REPLY_ARRAY || per_stream->elements != 2 ||
        !is_text(per_stream->element[0]) || per_stream->element[1]->type != REDIS_REPLY_ARRAY)
      return read_result::failure("stream read: expected [stream, entries]");
    const std::string stream = text_of(per_stream->element[0]);
    const redisReply* entries = per_stream->element[1];
    for (std::size_t e = 0; e < entries->elements; ++e) {
      const redisReply* entry = entries->element[e];
      if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2 || !is_text(entry->element[0]))
        return read_result::failure("stream read: expected [id, fields]");
      stream_entry decoded;
      decoded.stream = stream;
      decoded.id = text_of(entry->element[0]);
      const redisReply* fields = entry->element[1];
      if (fields->type == REDIS_REPLY_NIL) {
        decoded.deleted = true;
      } else if (fields->type != REDIS_REPLY_ARRAY || fields->elements % 2 != 0) {
        return read_result::failure("stream read: fields of " + decoded.id + " are not pairs");
      } else {
        decoded.fields.reserve(fields->elements / 2);
        for (std::size_t f = 0; f < fields->elements; f += 2) {
          if (!is_text(fields->element[f]) || !is_text(fields->element[f + 1]))
            return read_result::failure("stream read: field of " + decoded.id + " is not a string");
          decoded.fields.emplace_back(text_of(fields->element[f]), text_of(fields->element[f + 1]));
        }
      }
      out.push_back(std::move(decoded));
    }
  }
  return out;
}

rules::expected<std::int64_t, std::string> decode_pending_count(const redisReply* reply) {
  using result = rules::expected<std::int64_t, std::string>;
  if (reply == nullptr) return result::failure("no reply");
  if (reply->type == REDIS_REPLY_ERROR) return result::failure(text_of(reply));
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 1 ||
      reply->element[0]->type != REDIS_REPLY_INTEGER)
    return result::failure("XPENDING: expected [count, ...]");
  return static_cast<std::int64_t>(reply->element[0]->integer);
}

rules::expected<std::int64_t, std::string> decode_integer(const redisReply* reply) {
  using result = rules::expected<std::int64_t, std::string>;
  if (reply == nullptr) return result::failure("no reply");
  if (reply->type == REDIS_REPLY_ERROR) return result::failure(text_of(reply));
  if (reply->type != REDIS_REPLY_INTEGER) return result::failure("expected an integer reply");
  return static_cast<std::int64_t>(reply->integer);
}

}  // namespace slawatch::actors
