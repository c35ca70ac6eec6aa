// The running daemon: metrics exposer, actor system, ingest -> router -> case actors -> writer.
// daemon/run_command.cpp owns signals and the process; this owns everything else.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "actors/config.hpp"
#include "actors/messages.hpp"
#include "actors/metrics.hpp"
#include "rules/expected.hpp"
#include "rules/model.hpp"

namespace slawatch::actors {

/// Consumer name used when the config names none: `<hostname>-<pid>`.
std::string default_consumer_name();

/// Not thread-safe: start and stop it from one thread.
class service {
 public:
  struct options {
    daemon_config config;  ///< `consumer` must be set
    std::string redis_password;
    std::shared_ptr<const rules::rule_set> rules;
    std::string version;
    wall_time_source now;
  };

  /// Binds the metrics address and starts every actor. Fails (with the reason) if the metrics
  /// address cannot be bound; Redis being down is not a failure: it is retried with backoff.
  static rules::expected<std::unique_ptr<service>, std::string> start(options opts);

  /// Stops reading, lets in-flight events finish, writes and acknowledges what they caused and
  /// ends every actor. Returns whether every entry read was acknowledged.
  bool stop();

  /// Ready to serve: the metrics exposer is bound (start succeeded) and the reader's Redis
  /// connection is up. Thread-safe.
  bool ready() const;

  ~service();
  service(const service&) = delete;
  service& operator=(const service&) = delete;

 private:
  struct impl;
  explicit service(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace slawatch::actors
