// The router on CAF's deterministic scheduler: a case actor that fails is forgotten and the
// case's next event gets a new one; when the router ends, its case actors end with it.
#include <catch2/catch.hpp>

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "actors/router.hpp"
#include "rules/load.hpp"

using namespace slawatch;
using namespace slawatch::actors;
using namespace std::chrono_literals;

namespace {

caf::actor_system_config& deterministic(caf::actor_system_config& cfg) {
  cfg.set("scheduler.policy", caf::atom("testing"));
  cfg.set("logger.file-verbosity", caf::atom("quiet"));
  cfg.set("logger.console-verbosity", caf::atom("quiet"));
  return cfg;
}

struct down_log {
  std::vector<caf::actor_addr> ended;
};

/// Monitors the actors it is sent and notes each that ends.
caf::behavior watcher(caf::event_based_actor* self, std::shared_ptr<down_log> log) {
  self->set_down_handler([=](caf::down_msg& m) { log->ended.push_back(m.source); });
  return {[=](const caf::actor& a) { self->monitor(a); }};
}

/// Counts the batches it is sent. (A spawn argument also keeps clear of CAF 0.17's spawn of a
/// function without arguments, which dereferences a null tuple pointer: UBSan reports it.)
caf::behavior null_writer(caf::event_based_actor*, std::shared_ptr<std::size_t> batches) {
  return {[=](write_batch&) { ++*batches; }};
}

struct router_fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{deterministic(cfg)};
  caf::scheduler::test_coordinator& sched{dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())};
  std::shared_ptr<const rules::rule_set> rules;
  std::shared_ptr<metrics> stats;
  std::shared_ptr<down_log> downs = std::make_shared<down_log>();
  caf::actor writer = sys.spawn(null_writer, std::make_shared<std::size_t>(0));
  caf::actor watch = sys.spawn(watcher, downs);
  caf::actor router;

  router_fixture() {
    auto loaded = rules::load_rules(
        "version: t\ncalendars: {always: {timezone: UTC, hours: 24/7}}\n"
        "policies:\n  - name: all\n    calendar: always\n    clocks: {first_response: {target: 1h}}\n",
        "test.yaml");
    REQUIRE(loaded);
    rules = std::make_shared<const rules::rule_set>(std::move(*loaded));
    stats = std::make_shared<metrics>("test", *rules);
    auto deps = std::make_shared<case_actor_deps>();
    deps->rules = rules;
    deps->stats = stats;
    deps->now = [] { return std::chrono::system_clock::time_point{date::sys_days{date::March / 2 / 2026} + 9h}; };
    deps->writer = writer;
    router = sys.spawn(router_actor, std::shared_ptr<const case_actor_deps>{deps}, std::chrono::seconds{3600});
    sched.run();
  }
  ~router_fixture() {
    for (const auto& a : {router, writer, watch}) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    sched.run();
  }

  void created(const std::string& case_id, const std::string& event_id) {
    case_event_msg m;
    m.event.type = rules::event_type::case_created;
    m.event.case_id = case_id;
    m.event.ts = date::sys_days{date::March / 2 / 2026} + 9h;
    m.event.event_id = event_id;
    m.source = entry_ref{"events", event_id};
    caf::anon_send(router, std::move(m));
    sched.run();
  }

  /// The live case actor of `case_id` (the router's state, read between scheduler runs).
  caf::actor live(const std::string& case_id) {
    auto* r = dynamic_cast<caf::stateful_actor<router_state>*>(caf::actor_cast<caf::abstract_actor*>(router));
    REQUIRE(r != nullptr);
    auto it = r->state.live.find(case_id);
    return it == r->state.live.end() ? caf::actor{} : it->second.actor;
  }
};

}  // namespace

TEST_CASE("router: a failed case actor is forgotten and the next event spawns a new one", "[router]") {
  router_fixture f;
  caf::anon_send(f.watch, f.router);
  f.created("CS-1", "e1");
  auto first = f.live("CS-1");
  REQUIRE(first);
  caf::anon_send_exit(first, caf::exit_reason::unhandled_exception);
  f.sched.run();
  CHECK_FALSE(f.live("CS-1"));
  CHECK(f.downs->ended.empty());  // the router lives on

  f.created("CS-1", "e2");
  auto second = f.live("CS-1");
  REQUIRE(second);
  CHECK(second.address() != first.address());
}

TEST_CASE("router: its case actors end when it ends", "[router]") {
  router_fixture f;
  f.created("CS-1", "e1");
  f.created("CS-2", "e2");
  auto a = f.live("CS-1");
  auto b = f.live("CS-2");
  REQUIRE(a);
  REQUIRE(b);
  caf::anon_send(f.watch, a);
  caf::anon_send(f.watch, b);
  caf::anon_send(f.watch, f.router);
  f.sched.run();
  a = caf::actor{};
  b = caf::actor{};
  CHECK(f.downs->ended.empty());

  caf::anon_send_exit(f.router, caf::exit_reason::user_shutdown);
  f.sched.run();
  CHECK(f.downs->ended.size() == 3);
}
