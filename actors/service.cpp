#include "actors/service.hpp"

#include <unistd.h>

#include <caf/all.hpp>
#include <prometheus/exposer.h>
#include <spdlog/spdlog.h>

#include "actors/case_actor.hpp"
#include "actors/ingest.hpp"
#include "actors/router.hpp"
#include "actors/writer.hpp"

namespace slawatch::actors {

std::string default_consumer_name() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string{host[0] != '\0' ? host : "slawatch"} + "-" + std::to_string(getpid());
}

struct service::impl {
  options opts;
  std::shared_ptr<metrics> stats;
  std::unique_ptr<prometheus::Exposer> exposer;
  caf::actor_system_config caf_config;
  std::unique_ptr<caf::actor_system> system;
  caf::actor writer;
  caf::actor router;
  caf::actor ingest;
  std::shared_ptr<std::atomic<bool>> drained = std::make_shared<std::atomic<bool>>(false);
  bool stopped = false;
};

service::service(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

bool service::ready() const { return impl_ && !impl_->stopped && impl_->stats->redis_up(); }

service::~service() {
  if (impl_ && !impl_->stopped) stop();
}

rules::expected<std::unique_ptr<service>, std::string> service::start(options opts) {
  using result = rules::expected<std::unique_ptr<service>, std::string>;
  auto p = std::make_unique<impl>();
  p->opts = std::move(opts);
  const auto& cfg = p->opts.config;
  p->stats = std::make_shared<metrics>(p->opts.version, *p->opts.rules);
  try {
    p->exposer = std::make_unique<prometheus::Exposer>(cfg.metrics_listen);
  } catch (const std::exception& e) {
    return result::failure("cannot serve metrics on " + cfg.metrics_listen + ": " + e.what());
  }
  p->exposer->RegisterCollectable(p->stats->registry());

  // CAF's own log stays quiet: slawatch logs through spdlog.
  p->caf_config.set("logger.file-verbosity", caf::atom("quiet"));
  p->caf_config.set("logger.console-verbosity", caf::atom("quiet"));
  p->system = std::make_unique<caf::actor_system>(p->caf_config);
  auto& sys = *p->system;

  redis_endpoint endpoint{cfg.redis.host, cfg.redis.port, cfg.redis.user, p->opts.redis_password, cfg.redis.db};
  writer_settings ws{endpoint, cfg.streams, cfg.batch_size, cfg.shutdown_timeout};
  p->writer = sys.spawn<caf::detached>(writer_actor, ws, p->stats, p->opts.now);

  auto deps = std::make_shared<case_actor_deps>();
  deps->rules = p->opts.rules;
  deps->stats = p->stats;
  deps->now = p->opts.now;
  deps->writer = p->writer;
  p->router = sys.spawn(router_actor, std::shared_ptr<const case_actor_deps>{deps}, cfg.closed_retention);

  ingest_settings is{endpoint, cfg.streams, cfg.consumer, cfg.batch_size, cfg.max_in_flight,
                     std::chrono::milliseconds{250}, cfg.shutdown_timeout};
  p->ingest = sys.spawn<caf::detached>(ingest_actor, is, p->router, p->writer, p->stats, p->drained);
  caf::anon_send(p->writer, p->ingest);
  spdlog::info("slawatch {} running: rules {} ({} policies), metrics on http://{}/metrics", p->opts.version,
               p->opts.rules->version, p->opts.rules->policies.size(), cfg.metrics_listen);
  return std::unique_ptr<service>(new service(std::move(p)));
}

bool service::stop() {
  auto& p = *impl_;
  if (p.stopped) return p.drained->load();
  p.stopped = true;
  spdlog::info("stopping: finishing events in flight");
  caf::scoped_actor self{*p.system};
  caf::anon_send(p.ingest, stop_atom::value);
  self->wait_for(p.ingest);
  caf::anon_send(p.writer, stop_atom::value);
  self->wait_for(p.writer);
  caf::anon_send_exit(p.router, caf::exit_reason::user_shutdown);
  self->wait_for(p.router);
  const bool drained = p.drained->load();
  spdlog::info("stopped{}", drained ? "" : " with entries left unacknowledged");
  return drained;
}

}  // namespace slawatch::actors
