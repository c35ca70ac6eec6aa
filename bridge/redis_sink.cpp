#include "bridge/redis_sink.hpp"

namespace slawatch::bridge {

redis_event_sink::redis_event_sink(actors::redis_endpoint where, std::chrono::milliseconds io_timeout)
    : where_(std::move(where)), io_timeout_(io_timeout) {}

std::optional<std::string> redis_event_sink::append(const std::string& stream, const std::vector<stream_fields>& entries) {
  std::vector<actors::redis_command> commands;
  commands.reserve(entries.size());
  for (const auto& fields : entries) {
    actors::redis_command xadd{"XADD", stream, "*"};
    for (const auto& [name, value] : fields) {
      xadd.push_back(name);
      xadd.push_back(value);
    }
    commands.push_back(std::move(xadd));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  // Two tries: a connection that Redis closed (a restart, an idle timeout) shows only when used,
  // and a fresh one then usually works. A retried pipeline may repeat entries already written;
  // they carry the same event ids, which the daemon applies once.
  rules::expected<std::vector<actors::reply_ptr>, std::string> replies =
      rules::expected<std::vector<actors::reply_ptr>, std::string>::failure("not sent");
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!connection_) {
      const auto now = std::chrono::steady_clock::now();
      if (now < next_attempt_) return std::string{"Redis unreachable; next connection attempt after the backoff delay"};
      auto opened = actors::redis_connection::open(where_, io_timeout_);
      if (!opened) {
        next_attempt_ = now + backoff_.next();
        return opened.error();
      }
      connection_.emplace(std::move(*opened));
    }
    replies = connection_->pipeline(commands);
    if (replies) break;
    connection_.reset();
  }
  if (!replies) {
    next_attempt_ = std::chrono::steady_clock::now() + backoff_.next();
    return replies.error();
  }
  backoff_.reset();
  for (const auto& reply : *replies)
    if (actors::is_error_reply(reply.get())) return "Redis refused XADD: " + actors::reply_text(reply.get());
  return std::nullopt;
}

}  // namespace slawatch::bridge
