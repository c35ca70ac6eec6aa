// The daemon's configuration file (config/slawatch.yaml documents every key). YAML in,
// validated daemon_config out; every problem with file, line, column and key path, all at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rules/expected.hpp"

namespace slawatch::actors {

struct redis_config {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string user;           ///< ACL user; empty: the default user
  std::string password_file;  ///< absolute, or relative to the config file; empty: no password
  int db = 0;
};

struct streams_config {
  std::vector<std::string> input{"slawatch:events"};
  std::string group = "slawatch";
  std::string outcomes = "slawatch:outcomes";
  std::string notifications = "slawatch:notifications";
  std::string audit = "slawatch:audit";
  std::string dead_letter = "slawatch:dead-letter";
  /// Where a consumer group created by the daemon starts: `beginning` (every entry already in
  /// the stream) or `new` (only entries added later).
  std::string start_from = "beginning";
  /// `streams.partitions`: 0 (default) reads `input` as named; N > 0 splits each input stream
  /// into N partition streams `<input>:0` .. `<input>:N-1` (rules/partition.hpp says which case
  /// goes where), and `input` then holds those names, the first input's partitions first.
  std::uint32_t partitions = 0;
  /// `streams.lease_ttl`: with partitions, how long a partition's lease lasts without renewal
  /// (renewed every third of it); an instance that dies hands its partitions over after this.
  std::chrono::seconds lease_ttl{10};
};

/// The case API (actors/case_api.hpp): `api.listen`, `api.token_file`.
struct api_config {
  std::string listen = "127.0.0.1:9465";  ///< HOST:PORT
  /// File holding the bearer token (one line); absolute or relative to the config file. Required
  /// when `listen` is not a loopback address; when set, every request but /healthz needs it.
  std::string token_file;
};

/// Whether HOST of a HOST:PORT address is a loopback address (127.0.0.0/8, ::1, localhost).
bool is_loopback_listen(const std::string& listen);

/// Where notifications go (the `notify:` section). Nothing is sent unless `alertmanagers` or
/// `webhook_secret_file` is set: the notification stream is written either way.
struct notify_config {
  std::vector<std::string> alertmanagers;  ///< base URLs, e.g. `http://127.0.0.1:9093`
  /// Active alerts are posted again this often, with `endsAt` four periods ahead, so the alerts
  /// of a daemon that died expire by themselves.
  std::chrono::seconds resend_interval{60};
  std::string webhook_secret_file;  ///< HMAC key of webhook signatures; resolved like the rules path
  /// PagerDuty routing (integration) keys by receiver name, each read from a file: secrets stay
  /// out of the rules file.
  std::map<std::string, std::string> routing_key_files;
  int retries = 5;                         ///< attempts after the first before dead-lettering
  std::chrono::seconds backoff{1};         ///< first retry delay, doubled each time
  std::chrono::seconds backoff_max{60};    ///< longest retry delay
  std::chrono::seconds timeout{5};         ///< connect and read timeout of one HTTP request
  std::string dead_letter = "slawatch:notify-dead-letter";  ///< stream of deliveries that failed
  std::string key_prefix = "slawatch:notify";  ///< `<prefix>:sent:<receiver>:<id>` send markers
  std::chrono::seconds sent_ttl{30 * 24 * 3600};  ///< how long a send marker is kept
  std::string case_api_base = "http://127.0.0.1:9465";  ///< links in alerts; empty: no link

  /// Whether anything can be sent at all.
  bool enabled() const { return !alertmanagers.empty() || !webhook_secret_file.empty(); }
};

/// Snapshots, recovery and trimming (the `persistence` section).
struct persistence_config {
  /// Entries pending this long with another consumer (one that died) are claimed (XAUTOCLAIM).
  std::chrono::seconds claim_idle{60};
  /// Output stream entries older than this are trimmed (XTRIM MINID), never one that a consumer
  /// group on the stream has not read or still has pending; 0: never trimmed.
  std::chrono::seconds output_retention{7 * 24 * 3600};
  /// Snapshots read per round trip at recovery.
  std::size_t load_batch = 1000;
};

struct daemon_config {
  std::string file;  ///< the file it was read from
  redis_config redis;
  streams_config streams;
  std::string consumer;  ///< empty: `<hostname>-<pid>`, filled in at start
  std::size_t batch_size = 256;
  std::size_t max_in_flight = 10000;
  std::string metrics_listen = "127.0.0.1:9464";
  api_config api;
  std::string rules_path;  ///< resolved against the config file's directory
  std::string log_level = "info";
  std::chrono::seconds closed_retention{24 * 3600};
  std::chrono::seconds shutdown_timeout{30};
  notify_config notify;
  persistence_config persistence;
};

/// Parses and validates a config file's text. Relative paths are resolved against the
/// directory of `file_name`. Unknown keys, wrong types and out-of-range values are problems.
rules::expected<daemon_config, std::vector<rules::problem>> parse_config(std::string_view yaml_text,
                                                                         const std::string& file_name);

}  // namespace slawatch::actors
