#include "actors/service.hpp"

#include <unistd.h>

#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <caf/all.hpp>
#include <prometheus/exposer.h>
#include <spdlog/spdlog.h>

#include "actors/case_actor.hpp"
#include "actors/ingest.hpp"
#include "actors/keys.hpp"
#include "actors/lease.hpp"
#include "actors/notifier.hpp"
#include "actors/persistence_metrics.hpp"
#include "actors/router.hpp"
#include "actors/writer.hpp"
#include "rules/load.hpp"

namespace slawatch::actors {

std::string default_consumer_name() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string{host[0] != '\0' ? host : "slawatch"} + "-" + std::to_string(getpid());
}

struct service::impl {
  options opts;
  std::shared_ptr<metrics> stats;
  std::shared_ptr<persistence_metrics> persistence;
  std::unique_ptr<prometheus::Exposer> exposer;
  caf::actor_system_config caf_config;
  std::unique_ptr<caf::actor_system> system;
  caf::actor notifier;  ///< the fan-out to `notifiers`; none when nothing is configured to page
  std::vector<caf::actor> notifiers;  ///< one per channel: Alertmanager, webhooks
  caf::actor writer;
  caf::actor router;
  caf::actor ingest;
  caf::actor lease;  ///< none without partitions
  std::shared_ptr<std::atomic<bool>> drained = std::make_shared<std::atomic<bool>>(false);
  std::unique_ptr<case_api> api;
  bool stopped = false;

  std::mutex reload_mutex;  // one reload at a time
  mutable std::mutex status_mutex;
  std::string rules_version;  // guarded by status_mutex
  /// Empty after a good reload (or none); else what the last failed one found. status_mutex.
  std::string last_reload_failure;
};

service::service(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

bool service::ready() const {
  return impl_ && !impl_->stopped && impl_->stats->redis_up() && impl_->persistence->recovered() &&
         !impl_->persistence->data_lost() && !impl_->persistence->writer_failing();
}

int service::api_port() const { return impl_ && impl_->api ? impl_->api->port() : 0; }

std::vector<readiness_check> service::readiness() const {
  auto& p = *impl_;
  std::vector<readiness_check> checks;
  const bool redis = p.stats->redis_up();
  checks.push_back({"redis", redis,
                    redis ? "connected, consumer group " + p.opts.config.streams.group + " ready"
                          : "not connected to " + p.opts.config.redis.host + ":" +
                                std::to_string(p.opts.config.redis.port) + " (retrying)"});
  {
    std::lock_guard<std::mutex> lock(p.status_mutex);
    if (p.last_reload_failure.empty())
      checks.push_back({"rules", true, "version " + p.rules_version + " loaded from " + p.opts.config.rules_path});
    else
      checks.push_back({"rules", false, p.last_reload_failure + "; still running on version " + p.rules_version});
  }
  // The reader stops reading at max_in_flight: sitting at the cap means events wait in Redis.
  const auto in_flight = static_cast<std::size_t>(p.stats->in_flight());
  const bool bounded = in_flight < p.opts.config.max_in_flight;
  checks.push_back({"backlog", bounded,
                    std::to_string(in_flight) + " entries in flight, limit max_in_flight " +
                        std::to_string(p.opts.config.max_in_flight)});
  if (p.opts.config.streams.partitions > 0) {
    const auto owned = p.persistence->partitions_owned();
    checks.push_back({"partitions", p.persistence->recovered(),
                      p.persistence->recovered()
                          ? "owns " + std::to_string(owned) + " of " + std::to_string(p.opts.config.streams.partitions) +
                                " partitions (leases of " + std::to_string(p.opts.config.streams.lease_ttl.count()) +
                                " s)"
                          : "waiting for the first round of leases (the count of live instances stable for a lease TTL)"});
  }
  // Snapshots loaded, Redis holds what the daemon holds, the writer is not stuck retrying.
  const auto& persisted = *p.persistence;
  const bool saved = persisted.recovered() && !persisted.data_lost() && !persisted.writer_failing();
  checks.push_back({"persistence", saved,
                    !persisted.recovered()    ? "loading the case snapshots (recovery)"
                    : persisted.data_lost()   ? "Redis lost its data: saving every case held again"
                    : persisted.writer_failing() ? "the writer is retrying a failed write"
                                                 : "snapshots loaded, writes succeeding"});
  return checks;
}

reload_outcome service::reload() {
  auto& p = *impl_;
  std::lock_guard<std::mutex> one_at_a_time(p.reload_mutex);
  if (p.opts.reload_begins) p.opts.reload_begins();
  reload_outcome outcome;
  const auto& path = p.opts.config.rules_path;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in) {
    outcome.errors.push_back(path + ": cannot read");
  } else if (auto loaded = rules::load_rules(text.str(), path); !loaded) {
    for (const auto& problem : loaded.error()) outcome.errors.push_back(rules::to_string(problem));
  } else {
    auto next = std::make_shared<const rules::rule_set>(std::move(*loaded));
    const auto at = std::chrono::floor<std::chrono::seconds>(p.opts.now());
    caf::scoped_actor self{*p.system};
    // The notifier first: the receivers of records made under the new rules must be known
    // when those records reach it (it still knows the old ones for records on their way).
    if (p.notifier) caf::anon_send(p.notifier, rules_changed_msg{next, at, nullptr});
    bool answered = false;
    // The router applies it between two messages: events before it use the old rules, events
    // after it the new ones; nothing waits longer than one message.
    self->request(p.router, caf::infinite, rules_changed_msg{next, at, nullptr})
        .receive([&](std::uint64_t cases) {
                   outcome.cases = cases;
                   answered = true;
                 },
                 [&](caf::error& e) { outcome.errors.push_back("the router refused the rules: " + p.system->render(e)); });
    if (answered) {
      outcome.applied = true;
      outcome.version = next->version;
      p.stats->set_rules_version(next->version);
    }
  }
  std::lock_guard<std::mutex> lock(p.status_mutex);
  if (outcome.applied) {
    p.rules_version = outcome.version;
    p.last_reload_failure.clear();
    p.stats->rules_reload("applied");
    spdlog::info("reload: rules {} version {} in use; recomputing {} live case(s)", path, outcome.version,
                 outcome.cases);
  } else {
    outcome.version = p.rules_version;
    for (const auto& e : outcome.errors) spdlog::error("reload: {}", e);
    spdlog::error("reload: {} is invalid ({} problem{}); keeping the rules in use (version {})", path,
                  outcome.errors.size(),
                  outcome.errors.size() == 1 ? "" : "s", p.rules_version);
    p.last_reload_failure = "last reload failed: " + std::to_string(outcome.errors.size()) + " problem" +
                            (outcome.errors.size() == 1 ? "" : "s") + " in " + path + ", first: " +
                            (outcome.errors.empty() ? std::string{"?"} : outcome.errors.front());
    p.stats->rules_reload("invalid");
  }
  if (p.opts.reload_ends) p.opts.reload_ends();
  return outcome;
}

service::~service() {
  if (impl_ && !impl_->stopped) stop();
}

rules::expected<std::unique_ptr<service>, std::string> service::start(options opts) {
  using result = rules::expected<std::unique_ptr<service>, std::string>;
  auto p = std::make_unique<impl>();
  p->opts = std::move(opts);
  // The contract is "does not return"; without a handler given, end the process the hard way.
  if (!p->opts.lease_lost) p->opts.lease_lost = [](const std::string&) { std::abort(); };
  const auto& cfg = p->opts.config;
  p->stats = std::make_shared<metrics>(p->opts.version, *p->opts.rules);
  try {
    p->exposer = std::make_unique<prometheus::Exposer>(cfg.metrics_listen);
  } catch (const std::exception& e) {
    return result::failure("cannot serve metrics on " + cfg.metrics_listen + ": " + e.what());
  }
  p->exposer->RegisterCollectable(p->stats->registry());
  p->persistence = std::make_shared<persistence_metrics>(*p->stats->registry());
  p->persistence->set_partitions(cfg.streams.partitions);

  // CAF's own log stays quiet: slawatch logs through spdlog.
  p->caf_config.set("logger.file-verbosity", caf::atom("quiet"));
  p->caf_config.set("logger.console-verbosity", caf::atom("quiet"));
  // One scheduler thread per core and one shared queue that wakes an idle thread on every
  // enqueue. CAF's default (work stealing, at least 4 threads polling with 50 us sleeps) spent
  // 12 % of the daemon's CPU in nanosleep and as much again in context switches on 2 cores, which
  // Redis and the reader and writer threads share.
  p->caf_config.set("scheduler.policy", caf::atom("sharing"));
  p->caf_config.set("scheduler.max-threads", static_cast<std::size_t>(std::max(1u, std::thread::hardware_concurrency())));
  p->system = std::make_unique<caf::actor_system>(p->caf_config);
  auto& sys = *p->system;

  redis_endpoint endpoint{cfg.redis.host, cfg.redis.port, cfg.redis.user, p->opts.redis_password, cfg.redis.db};
  writer_settings ws;
  ws.endpoint = endpoint;
  ws.streams = cfg.streams;
  ws.max_batch = cfg.batch_size;
  ws.shutdown_timeout = cfg.shutdown_timeout;
  // A case's keys carry the tag of its partition; the writer's commit mark is in partition 0.
  ws.partition_tag = keys::partition_tag(0);
  ws.partitions = cfg.streams.partitions;
  ws.closed_retention = cfg.closed_retention;
  ws.output_retention = cfg.persistence.output_retention;
  ws.persistence = p->persistence;
  ws.writer_id = cfg.consumer;
  ws.leased = cfg.streams.partitions > 0;
  ws.lease_lost = p->opts.lease_lost;
  if (cfg.notify.enabled()) {
    for (const auto channels : {notify_channels::alertmanager, notify_channels::webhooks}) {
      notifier_settings ns{endpoint, cfg.notify, p->opts.rules, p->opts.webhook_secret, p->opts.routing_keys, channels};
      p->notifiers.push_back(
          sys.spawn<caf::detached>(notifier_actor, ns, p->stats, p->opts.now, httplib_transport()));
    }
    p->notifier = sys.spawn(notify_fanout, p->notifiers);
    ws.notifier = p->notifier;
    spdlog::info("notifications: {} Alertmanager(s), webhooks {}", cfg.notify.alertmanagers.size(),
                 p->opts.webhook_secret.empty() ? "unsigned ones disabled (no notify.webhook_secret_file)" : "signed");
  } else {
    spdlog::info("notifications: none configured (notify.alertmanagers, notify.webhook_secret_file); "
                 "they are only written to {}", cfg.streams.notifications);
  }
  p->writer = sys.spawn<caf::detached>(writer_actor, ws, p->stats, p->opts.now);

  auto deps = std::make_shared<case_actor_deps>();
  deps->rules = p->opts.rules;
  deps->stats = p->stats;
  deps->now = p->opts.now;
  deps->writer = p->writer;
  p->router = sys.spawn(router_actor, std::shared_ptr<const case_actor_deps>{deps}, cfg.closed_retention);

  ingest_settings is;
  is.endpoint = endpoint;
  is.streams = cfg.streams;
  is.consumer = cfg.consumer;
  is.batch_size = cfg.batch_size;
  is.max_in_flight = cfg.max_in_flight;
  is.block = std::chrono::milliseconds{250};
  is.shutdown_timeout = cfg.shutdown_timeout;
  is.persistence = p->persistence;
  is.partitions = cfg.streams.partitions;
  is.leased = cfg.streams.partitions > 0;
  is.load_batch = cfg.persistence.load_batch;
  is.claim_idle = cfg.persistence.claim_idle;
  p->ingest = sys.spawn<caf::detached>(ingest_actor, is, p->router, p->writer, p->stats, p->drained);
  caf::anon_send(p->writer, p->ingest);
  if (cfg.streams.partitions > 0) {
    lease_settings ls;
    ls.endpoint = endpoint;
    ls.consumer = cfg.consumer;
    ls.partitions = cfg.streams.partitions;
    ls.ttl = cfg.streams.lease_ttl;
    ls.ingest = p->ingest;
    ls.persistence = p->persistence;
    ls.lost = p->opts.lease_lost;
    p->lease = sys.spawn<caf::detached>(lease_actor, ls, p->stats);
    spdlog::info("partitions: {} with leases of {} s; the first acquisition comes once the count of live instances "
                 "stayed the same for {} s",
                 cfg.streams.partitions, cfg.streams.lease_ttl.count(), cfg.streams.lease_ttl.count());
  }
  p->rules_version = p->opts.rules->version;

  auto* raw = p.get();
  std::unique_ptr<service> svc{new service(std::move(p))};
  case_api_settings api_settings;
  api_settings.listen = cfg.api.listen;
  api_settings.token = raw->opts.api_token;
  api_settings.readiness = [s = svc.get()] { return s->readiness(); };
  api_settings.reload = [s = svc.get()] { return s->reload(); };
  auto api = case_api::start(std::move(api_settings), *raw->system, raw->router);
  if (!api) {
    svc->stop();
    return result::failure(api.error());
  }
  raw->api = std::move(*api);
  spdlog::info("slawatch {} running: rules {} ({} policies), metrics on http://{}/metrics, case API on http://{}",
               raw->opts.version, raw->opts.rules->version, raw->opts.rules->policies.size(), cfg.metrics_listen,
               cfg.api.listen);
  return svc;
}

bool service::stop() {
  auto& p = *impl_;
  if (p.stopped) return p.drained->load();
  p.stopped = true;
  if (p.api) p.api->stop();  // no request may wait on actors that are ending
  spdlog::info("stopping: finishing events in flight");
  caf::scoped_actor self{*p.system};
  caf::anon_send(p.ingest, stop_atom::value);
  self->wait_for(p.ingest);
  caf::anon_send(p.writer, stop_atom::value);
  self->wait_for(p.writer);
  if (p.lease) {
    // Everything read is written and acknowledged (or the shutdown timeout passed): the
    // partitions may go to another instance at once rather than after the lease TTL.
    self->request(p.lease, caf::infinite, release_atom::value)
        .receive([](std::uint64_t) {}, [&](caf::error& e) { spdlog::warn("lease: {}", p.system->render(e)); });
    self->wait_for(p.lease);
  }
  if (p.notifier) {
    caf::anon_send(p.notifier, stop_atom::value);  // after what the writer's last flush sent it
    self->wait_for(p.notifier);
    for (const auto& n : p.notifiers) self->wait_for(n);
  }
  caf::anon_send_exit(p.router, caf::exit_reason::user_shutdown);
  self->wait_for(p.router);
  const bool drained = p.drained->load();
  spdlog::info("stopped{}", drained ? "" : " with entries left unacknowledged");
  return drained;
}

}  // namespace slawatch::actors
