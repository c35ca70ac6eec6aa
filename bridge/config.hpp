// The bridge's configuration file (config/bridge.yaml documents every key). YAML in, validated
// bridge_config out; every problem with file, line, column and key path, all at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bridge/mapping.hpp"
#include "bridge/signature.hpp"
#include "rules/expected.hpp"

namespace slawatch::bridge {

/// One helpdesk the bridge accepts webhooks from.
struct platform_config {
  platform which = platform::zendesk;
  signature_settings signature;  ///< `secret` is filled in from `secret_file` at start-up
  std::string secret_file;       ///< resolved against the config file's directory
  /// False only for trying the bridge out: unsigned requests are then accepted.
  bool verify_signatures = true;
  mapping_settings mapping;
};

struct bridge_config {
  std::string file;
  std::string listen_host = "127.0.0.1";
  int listen_port = 8088;
  std::string metrics_listen = "127.0.0.1:9465";  ///< HOST:PORT of /metrics
  std::size_t max_body_bytes = 1024 * 1024;
  std::string redis_host = "127.0.0.1";
  int redis_port = 6379;
  std::string redis_user;
  std::string redis_password_file;  ///< resolved against the config file's directory
  int redis_db = 0;
  std::chrono::milliseconds redis_timeout{2000};
  std::string input_stream = "slawatch:events";
  std::string dead_letter_stream = "slawatch:dead-letter";
  std::string log_level = "info";
  /// Enabled platforms only; a platform not here answers 404.
  std::map<platform, platform_config> platforms;
};

/// Parses and validates a config file's text. Unknown keys, wrong types and out-of-range values
/// are problems; so is an enabled platform with signatures on and no `secret_file`.
rules::expected<bridge_config, std::vector<rules::problem>> parse_bridge_config(std::string_view yaml_text,
                                                                                const std::string& file_name);

}  // namespace slawatch::bridge
