// `slawatch bridge --config FILE [--check]`: the webhook bridge as its own process. Owns the
// process side: arguments, secrets, logging, signals; the rest is bridge/.
#include <pthread.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <prometheus/exposer.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "bridge/config.hpp"
#include "bridge/handler.hpp"
#include "bridge/metrics.hpp"
#include "bridge/redis_sink.hpp"
#include "bridge/server.hpp"
#include "daemon/commands.hpp"

namespace slawatch::cli {

namespace {

struct bridge_args {
  std::string config;
  bool check = false;
};

/// A secret file's first line; on failure names the config key and exits 1.
std::string read_secret(const std::string& config_file, const std::string& key, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string secret;
  if (!in || !std::getline(in, secret)) {
    std::cerr << config_file << ": " << key << ": cannot read " << path << '\n';
    throw command_exit{1};
  }
  while (!secret.empty() && (secret.back() == '\r' || secret.back() == ' ')) secret.pop_back();
  if (secret.empty()) {
    std::cerr << config_file << ": " << key << ": " << path << " is empty\n";
    throw command_exit{1};
  }
  return secret;
}

void run_bridge(const bridge_args& a) {
  auto parsed = bridge::parse_bridge_config(read_file_or_exit(a.config), a.config);
  if (!parsed) {
    for (const auto& p : parsed.error()) std::cerr << rules::to_string(p) << '\n';
    std::cerr << a.config << ": " << parsed.error().size() << " error" << (parsed.error().size() == 1 ? "" : "s") << '\n';
    throw command_exit{1};
  }
  auto cfg = std::move(*parsed);
  for (auto& [which, pc] : cfg.platforms)
    if (pc.verify_signatures)
      pc.signature.secret = read_secret(a.config, std::string{"platforms."} + bridge::to_string(which) + ".secret_file",
                                        pc.secret_file);
  std::string password;
  if (!cfg.redis_password_file.empty()) password = read_secret(a.config, "redis.password_file", cfg.redis_password_file);
  if (a.check) {
    std::cout << a.config << ": ok: listen " << cfg.listen_host << ':' << cfg.listen_port << "; " << cfg.platforms.size()
              << " platform(s):";
    for (const auto& [which, pc] : cfg.platforms) std::cout << ' ' << bridge::to_string(which);
    std::cout << "; redis " << cfg.redis_host << ':' << cfg.redis_port << " stream " << cfg.input_stream
              << "; metrics on " << cfg.metrics_listen << '\n';
    throw command_exit{0};
  }

  auto logger = spdlog::stderr_color_mt("slawatch-bridge");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(cfg.log_level));

  // Signals are taken by sigwait below; the server's threads inherit the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto registry = std::make_shared<prometheus::Registry>();
  bridge::bridge_metrics metrics{registry};
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    exposer = std::make_unique<prometheus::Exposer>(cfg.metrics_listen);
  } catch (const std::exception& e) {
    spdlog::error("cannot serve metrics on {}: {}", cfg.metrics_listen, e.what());
    throw command_exit{1};
  }
  exposer->RegisterCollectable(registry);

  actors::redis_endpoint where;
  where.host = cfg.redis_host;
  where.port = cfg.redis_port;
  where.user = cfg.redis_user;
  where.password = password;
  where.db = cfg.redis_db;
  bridge::redis_event_sink sink{where, cfg.redis_timeout};
  const auto host = cfg.listen_host;
  const auto port = cfg.listen_port;
  const auto max_body = cfg.max_body_bytes;
  bridge::webhook_handler handler{std::move(cfg), sink, metrics};
  bridge::webhook_server server{handler, max_body};
  auto bound = server.bind(host, port);
  if (!bound) {
    spdlog::error("{}", bound.error());
    throw command_exit{1};
  }
  spdlog::info("bridge listening on {}:{}", host, *bound);
  std::thread serving([&server] { server.serve(); });
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("received {}", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  server.stop();
  serving.join();
  throw command_exit{0};
}

}  // namespace

void add_bridge_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "bridge", "Run the webhook bridge: receive Zendesk, Zammad, Freshdesk, Jira Service Management and "
                "ServiceNow webhooks, check their signatures and write contract events to the Redis input stream");
  auto a = std::make_shared<bridge_args>();
  cmd->add_option("--config", a->config, "Bridge config file (YAML; see config/bridge.yaml)")->required();
  cmd->add_flag("--check", a->check, "Validate the config and read its secret files, then exit 0 (ok) or 1");
  cmd->callback([a] { run_bridge(*a); });
}

}  // namespace slawatch::cli
