// The Redis side of the bridge: XADD over actors::redis_connection (the daemon's connection,
// reused). Fails fast rather than waiting: a webhook answered 503 is retried by the platform.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "actors/redis_connection.hpp"
#include "bridge/handler.hpp"

namespace slawatch::bridge {

/// Thread-safe: one connection, used under a mutex (each XADD pipeline takes well under a
/// millisecond on loopback). After an error the connection is dropped; the next call reconnects,
/// but not before the backoff delay, so a Redis outage costs one refused connect per delay.
class redis_event_sink final : public event_sink {
 public:
  redis_event_sink(actors::redis_endpoint where, std::chrono::milliseconds io_timeout);

  std::optional<std::string> append(const std::string& stream, const std::vector<stream_fields>& entries) override;

 private:
  actors::redis_endpoint where_;
  std::chrono::milliseconds io_timeout_;
  std::mutex mutex_;
  std::optional<actors::redis_connection> connection_;
  actors::backoff backoff_;
  std::chrono::steady_clock::time_point next_attempt_{};
};

}  // namespace slawatch::bridge
