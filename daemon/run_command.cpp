// `slawatch run --config FILE [--check]`: the live daemon. Owns the process side: arguments,
// logging set-up and signals (SIGTERM/SIGINT stop, SIGHUP reloads the rules); everything else
// is actors::service.
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "actors/config.hpp"
#include "actors/service.hpp"
#include "daemon/commands.hpp"
#include "daemon/service_manager.hpp"
#include "rules/load.hpp"

namespace slawatch::cli {

namespace {

/// Exit status when a partition lease was lost (see actors/lease.hpp); systemd restarts on it.
constexpr int lease_lost_exit_status = 3;

struct run_args {
  std::string config;
  bool check = false;
};

/// Reads a file named by the config; on failure names the config file and exits 1.
std::string read_referenced_file(const std::string& config_file, const char* key, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << config_file << ": " << key << ": cannot read " << path << '\n';
    throw command_exit{1};
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Reads a one-line secret file named by the config (trailing newlines dropped).
std::string read_secret(const std::string& config_file, const char* key, const std::string& path) {
  auto secret = read_referenced_file(config_file, key, path);
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  return secret;
}

void run(const run_args& a) {
  auto parsed = actors::parse_config(read_file_or_exit(a.config), a.config);
  if (!parsed) {
    for (const auto& p : parsed.error()) std::cerr << rules::to_string(p) << '\n';
    std::cerr << a.config << ": " << parsed.error().size() << " error" << (parsed.error().size() == 1 ? "" : "s")
              << '\n';
    throw command_exit{1};
  }
  auto cfg = std::move(*parsed);
  auto loaded = rules::load_rules(read_referenced_file(a.config, "rules", cfg.rules_path), cfg.rules_path);
  if (!loaded) {
    for (const auto& p : loaded.error()) std::cerr << rules::to_string(p) << '\n';
    std::cerr << cfg.rules_path << ": " << loaded.error().size() << " error"
              << (loaded.error().size() == 1 ? "" : "s") << '\n';
    throw command_exit{1};
  }
  std::string password;
  if (!cfg.redis.password_file.empty()) password = read_secret(a.config, "redis.password_file", cfg.redis.password_file);
  std::string api_token;
  if (!cfg.api.token_file.empty()) {
    api_token = read_secret(a.config, "api.token_file", cfg.api.token_file);
    if (api_token.empty()) {
      std::cerr << a.config << ": api.token_file: " << cfg.api.token_file << " is empty\n";
      throw command_exit{1};
    }
  }
  // Notification secrets are read at start, like the password, so `--check` finds a missing file.
  const auto read_secret = [&](const char* key, const std::string& path) {
    auto secret = read_referenced_file(a.config, key, path);
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    return secret;
  };
  std::string webhook_secret;
  if (!cfg.notify.webhook_secret_file.empty())
    webhook_secret = read_secret("notify.webhook_secret_file", cfg.notify.webhook_secret_file);
  std::map<std::string, std::string> routing_keys;
  for (const auto& [receiver, file] : cfg.notify.routing_key_files)
    routing_keys[receiver] = read_secret("notify.routing_key_files", file);
  if (a.check) {
    std::cout << a.config << ": ok: rules " << cfg.rules_path << " version " << loaded->version << ", "
              << loaded->policies.size() << " policies; redis " << cfg.redis.host << ':' << cfg.redis.port
              << "; " << cfg.streams.input.size() << " input stream(s); metrics on " << cfg.metrics_listen
              << "; case API on " << cfg.api.listen << (api_token.empty() ? "" : " (bearer token)") << '\n';
    throw command_exit{0};
  }
  if (cfg.consumer.empty()) cfg.consumer = actors::default_consumer_name();

  auto logger = spdlog::stderr_color_mt("slawatch");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(cfg.log_level));

  // Signals are taken by sigtimedwait below; every thread started from here on inherits the mask.
  sigset_t handled_signals;
  sigemptyset(&handled_signals);
  sigaddset(&handled_signals, SIGINT);
  sigaddset(&handled_signals, SIGTERM);
  sigaddset(&handled_signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &handled_signals, nullptr);

  actors::service::options opts;
  opts.config = cfg;
  opts.redis_password = std::move(password);
  opts.webhook_secret = std::move(webhook_secret);
  opts.routing_keys = std::move(routing_keys);
  opts.rules = std::make_shared<const rules::rule_set>(std::move(*loaded));
  opts.version = SLAWATCH_VERSION;
  opts.now = [] { return std::chrono::system_clock::now(); };
  opts.api_token = std::move(api_token);
  // RELOADING=1 ... READY=1 around every reload, from SIGHUP or POST /api/v1/reload; READY=1 only
  // once the daemon was ready, so a reload never announces readiness early.
  auto announced_ready = std::make_shared<std::atomic<bool>>(false);
  opts.reload_begins = [] { notify_reloading(); };
  opts.reload_ends = [announced_ready] {
    if (announced_ready->load()) notify_ready();
  };
  // Fail fast: another instance may be applying the partition's entries already. Exiting at once
  // (no drain: what is in flight stays pending in Redis for the new owner) is the only safe move.
  opts.lease_lost = [](const std::string&) { std::_Exit(lease_lost_exit_status); };
  auto started = actors::service::start(std::move(opts));
  if (!started) {
    spdlog::error("{}", started.error());
    throw command_exit{1};
  }

  // The main thread is the event loop that systemd watches: it waits for signals, tells systemd
  // READY=1 once Redis is connected (the exposer is already bound), and pings the watchdog.
  const auto watchdog = watchdog_ping_interval();
  const auto tick = std::min<std::chrono::milliseconds>(watchdog.value_or(std::chrono::milliseconds(1000)),
                                                        std::chrono::milliseconds(1000));
  int signal_number = 0;
  for (;;) {
    if (!announced_ready->load() && (*started)->ready()) {
      notify_ready();
      announced_ready->store(true);
      spdlog::info("ready: Redis connected, metrics on {}", cfg.metrics_listen);
    }
    if (watchdog) notify_watchdog();
    timespec timeout{static_cast<time_t>(tick.count() / 1000), static_cast<long>(tick.count() % 1000) * 1000000L};
    signal_number = sigtimedwait(&handled_signals, nullptr, &timeout);
    if (signal_number == SIGINT || signal_number == SIGTERM) break;
    if (signal_number == SIGHUP) (*started)->reload();
  }
  spdlog::info("received {}", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  notify_stopping();
  const bool drained = (*started)->stop();
  started->reset();
  throw command_exit{drained ? 0 : 1};
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "run", "Run the live daemon: read case events from Redis streams, watch every open case's SLA "
             "clocks, write outcomes, notifications and an audit trail, serve Prometheus metrics and the case "
             "API (api.listen). SIGHUP (or POST /api/v1/reload) reloads the rules file: invalid rules are "
             "refused and the old ones kept; valid ones apply to every open case at once");
  auto a = std::make_shared<run_args>();
  cmd->add_option("--config", a->config, "Daemon config file (YAML; see config/slawatch.yaml)")->required();
  cmd->add_flag("--check", a->check, "Validate the config and the rules it names, then exit 0 (ok) or 1");
  cmd->callback([a] { run(*a); });
}

}  // namespace slawatch::cli
