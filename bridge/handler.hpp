// One webhook request -> one answer. Owns the order that makes retries safe: authenticate, size,
// map, write every event to Redis, and only then answer 2xx. No sockets here: the HTTP server
// (bridge/server.cpp) and Redis (bridge/redis_sink.cpp) are passed in, so tests drive it directly.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bridge/config.hpp"
#include "bridge/mapping.hpp"
#include "bridge/metrics.hpp"
#include "bridge/signature.hpp"

namespace slawatch::bridge {

/// Flat field/value pairs of one stream entry.
using stream_fields = std::vector<std::pair<std::string, std::string>>;

/// Where events go. Implementations must be thread-safe: the HTTP server calls from many threads.
class event_sink {
 public:
  virtual ~event_sink() = default;
  /// Appends all entries to `stream` (XADD each); nothing on success, else why not. Entries of
  /// one call may be partly written when it fails: the platform's retry repeats the same event
  /// ids, and the daemon applies each id once.
  virtual std::optional<std::string> append(const std::string& stream, const std::vector<stream_fields>& entries) = 0;
};

/// An HTTP answer.
struct response {
  int status = 200;
  std::string body;  ///< JSON
};

/// Thread-safe after construction (all state is read-only; sink and metrics are thread-safe).
class webhook_handler {
 public:
  /// `cfg.platforms` must have their secrets filled in. `sink` and `metrics` outlive the handler.
  webhook_handler(bridge_config cfg, event_sink& sink, bridge_metrics& metrics);

  /// Handles a POST to `/webhooks/<platform_name>`. `now` is wall time (UTC), the time of receipt;
  /// latency is measured on the steady clock.
  response handle(std::string_view platform_name, const header_lookup& header, std::string_view body,
                  std::chrono::system_clock::time_point now) const;

  /// Counts a request the HTTP layer refused before the handler saw it (e.g. 413 from the
  /// server's own body limit).
  void count_refused(std::string_view platform_name, const std::string& result) const;

 private:
  response finish(const std::string& platform, const std::string& result, int status, std::string body,
                  std::chrono::steady_clock::time_point started) const;

  bridge_config cfg_;
  event_sink& sink_;
  bridge_metrics& metrics_;
};

}  // namespace slawatch::bridge
