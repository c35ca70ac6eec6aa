// `slawatch run --config FILE [--check]`: the live daemon. Owns the process side: arguments,
// logging set-up and signals; everything else is actors::service.
#include <pthread.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "actors/config.hpp"
#include "actors/service.hpp"
#include "daemon/commands.hpp"
#include "rules/load.hpp"

namespace slawatch::cli {

namespace {

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
  if (!cfg.redis.password_file.empty()) {
    password = read_referenced_file(a.config, "redis.password_file", cfg.redis.password_file);
    while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();
  }
  if (a.check) {
    std::cout << a.config << ": ok: rules " << cfg.rules_path << " version " << loaded->version << ", "
              << loaded->policies.size() << " policies; redis " << cfg.redis.host << ':' << cfg.redis.port
              << "; " << cfg.streams.input.size() << " input stream(s); metrics on " << cfg.metrics_listen << '\n';
    throw command_exit{0};
  }
  if (cfg.consumer.empty()) cfg.consumer = actors::default_consumer_name();

  auto logger = spdlog::stderr_color_mt("slawatch");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(cfg.log_level));

  // Signals are taken by sigwait below; every thread started from here on inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  actors::service::options opts;
  opts.config = cfg;
  opts.redis_password = std::move(password);
  opts.rules = std::make_shared<const rules::rule_set>(std::move(*loaded));
  opts.version = SLAWATCH_VERSION;
  opts.now = [] { return std::chrono::system_clock::now(); };
  auto started = actors::service::start(std::move(opts));
  if (!started) {
    spdlog::error("{}", started.error());
    throw command_exit{1};
  }
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("received {}", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  const bool drained = (*started)->stop();
  started->reset();
  throw command_exit{drained ? 0 : 1};
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "run", "Run the live daemon: read case events from Redis streams, watch every open case's SLA "
             "clocks, write outcomes, notifications and an audit trail, serve Prometheus metrics");
  auto a = std::make_shared<run_args>();
  cmd->add_option("--config", a->config, "Daemon config file (YAML; see config/slawatch.yaml)")->required();
  cmd->add_flag("--check", a->check, "Validate the config and the rules it names, then exit 0 (ok) or 1");
  cmd->callback([a] { run(*a); });
}

}  // namespace slawatch::cli
