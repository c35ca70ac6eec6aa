// The running daemon: metrics exposer, actor system, ingest -> router -> case actors -> writer.
// daemon/run_command.cpp owns signals and the process; this owns everything else.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "actors/case_api.hpp"
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
    std::string webhook_secret;                      ///< notify.webhook_secret_file's content
    std::map<std::string, std::string> routing_keys;  ///< PagerDuty routing keys by receiver
    std::shared_ptr<const rules::rule_set> rules;
    std::string version;
    wall_time_source now;
    std::string api_token;  ///< bearer token of the case API (from api.token_file); may be empty
    /// Called when a rules reload begins and when it ends (sd_notify RELOADING=1 / READY=1),
    /// from the thread that asked for it (signal loop or an API thread). May be empty.
    std::function<void()> reload_begins;
    std::function<void()> reload_ends;
    /// With partitions: called from the lease actor's thread when a lease was found lost (this
    /// instance was stalled past the lease TTL, another may own the partition now), with what
    /// happened. Must not return: the daemon exits non-zero so that systemd restarts it.
    std::function<void(const std::string&)> lease_lost;
  };

  /// Binds the metrics and case API addresses and starts every actor. Fails (with the reason)
  /// if either address cannot be bound; Redis being down is not a failure: it is retried with backoff.
  static rules::expected<std::unique_ptr<service>, std::string> start(options opts);

  /// Stops reading, lets in-flight events finish, writes and acknowledges what they caused and
  /// ends every actor. Returns whether every entry read was acknowledged.
  bool stop();

  /// Ready to serve: the metrics exposer is bound (start succeeded), the snapshots are loaded
  /// and their case actors respawned (recovery), the reader's Redis connection is up, the writer
  /// is not retrying a failed write and Redis has not lost data that is not yet saved again.
  /// Thread-safe.
  bool ready() const;

  /// Reads and validates the rules file again. Invalid: logs every problem (file:line:col),
  /// counts it, keeps the rules in use and says so on /readyz. Valid: swaps them in for new
  /// cases and has every live case recompute its clocks. Thread-safe; one reload at a time.
  reload_outcome reload();

  /// The readiness checks of /readyz: redis, rules (last reload), backlog. Thread-safe.
  std::vector<readiness_check> readiness() const;

  /// The case API's port (0 before start()).
  int api_port() const;

  ~service();
  service(const service&) = delete;
  service& operator=(const service&) = delete;

 private:
  struct impl;
  explicit service(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace slawatch::actors
