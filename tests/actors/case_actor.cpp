// The case actor on CAF's deterministic scheduler with a manual clock: timers fire when the test
// moves time, never by sleeping.
#include <catch2/catch.hpp>

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "actors/case_actor.hpp"
#include "rules/load.hpp"
#include "tests/actors/deterministic_system.hpp"

using namespace slawatch;
using namespace slawatch::actors;
using namespace std::chrono_literals;

namespace {

using slawatch::test::deterministic_system;

const char* rules_text =
    "version: t1\n"
    "calendars: {always: {timezone: UTC, hours: 24/7}}\n"
    "policies:\n"
    "  - name: p1\n"
    "    match: {priority: P1}\n"
    "    calendar: always\n"
    "    pause_on: [pending]\n"
    "    clocks: {first_response: {target: 15m}}\n"
    "  - name: fallback\n"
    "    clocks: {first_response: {target: 24h}}\n";

std::shared_ptr<const rules::rule_set> test_rules() {
  auto loaded = rules::load_rules(rules_text, "test.yaml");
  if (!loaded) {
    for (const auto& p : loaded.error()) UNSCOPED_INFO(rules::to_string(p));
    FAIL("test rules do not load");
  }
  return std::make_shared<const rules::rule_set>(std::move(*loaded));
}

struct captured {
  std::vector<write_batch> batches;
  std::vector<std::string> closed;
  std::vector<case_archive> retired;
  std::vector<case_summary> summaries;
  std::vector<rules::record> records_of(const std::string& kind) const {
    std::vector<rules::record> out;
    for (const auto& b : batches)
      for (const auto& r : b.records)
        if (r.type == rules::record::kind::notification && r.notification_kind == kind) out.push_back(r);
    return out;
  }
  std::size_t acks() const {
    std::size_t n = 0;
    for (const auto& b : batches) n += b.acks.size();
    return n;
  }
};

caf::behavior fake_writer(caf::event_based_actor*, std::shared_ptr<captured> out) {
  return {[=](write_batch& b) { out->batches.push_back(std::move(b)); }};
}

/// Stands in for the router: records `closed` and asks the actor to stop, as the router does.
caf::behavior fake_router(caf::event_based_actor* self, std::shared_ptr<captured> out) {
  return {
      [=](closed_atom, const std::string& id) {
        out->closed.push_back(id);
        self->send(caf::actor_cast<caf::actor>(self->current_sender()), stop_atom::value);
      },
      [=](retired_msg& m) { out->retired.push_back(std::move(m.archive)); },
      [=](case_summary& s) { out->summaries.push_back(std::move(s)); },
  };
}

case_event_msg event_at(rules::event_type type, std::chrono::system_clock::time_point ts, std::string id,
                        rules::attributes attrs = {}) {
  case_event_msg m;
  m.event.type = type;
  m.event.case_id = "CS-20260302-0001";
  m.event.ts = std::chrono::floor<std::chrono::seconds>(ts);
  m.event.event_id = id;
  m.event.attrs = std::move(attrs);
  m.source = entry_ref{"events", id};
  return m;
}

struct fixture : deterministic_system {
  std::shared_ptr<captured> out = std::make_shared<captured>();
  std::shared_ptr<const rules::rule_set> rules = test_rules();
  std::shared_ptr<metrics> stats = std::make_shared<metrics>("test", *rules);
  caf::actor writer = sys.spawn(fake_writer, out);
  caf::actor router = sys.spawn(fake_router, out);
  caf::actor actor;

  fixture() {
    auto deps = std::make_shared<case_actor_deps>();
    deps->rules = rules;
    deps->stats = stats;
    deps->now = time_source();
    deps->writer = writer;
    case_archive start;
    start.case_id = "CS-20260302-0001";
    actor = sys.spawn(case_actor, std::move(start), std::shared_ptr<const case_actor_deps>{deps}, router);
    sched.run();
  }
  ~fixture() {
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(writer, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(router, caf::exit_reason::user_shutdown);
    sched.run();
  }
  void deliver(case_event_msg m) {
    caf::anon_send(actor, std::move(m));
    sched.run();
  }
};

}  // namespace

TEST_CASE_METHOD(fixture, "a breach fires at its due time, not before, without sleeping", "[case_actor]") {
  deliver(event_at(rules::event_type::case_created, wall_start, "e1", {{"priority", "P1"}}));
  CHECK(out->acks() == 1);  // applied and handed to the writer for acknowledgement
  CHECK(out->records_of("breach").empty());

  advance(15min - 1s);
  CHECK(out->records_of("breach").empty());

  advance(1s);
  auto breaches = out->records_of("breach");
  REQUIRE(breaches.size() == 1);
  CHECK(breaches[0].metric == "first_response");
  CHECK(rules::format_iso8601(breaches[0].at) == "2026-03-02T09:15:00Z");

  // Later ticks do not repeat it.
  advance(1h);
  CHECK(out->records_of("breach").size() == 1);
}

TEST_CASE_METHOD(fixture, "a pending case does not breach while paused, and breaches later by the paused time",
                 "[case_actor]") {
  deliver(event_at(rules::event_type::case_created, wall_start, "e1", {{"priority", "P1"}}));
  advance(5min);
  deliver(event_at(rules::event_type::case_status_changed, wall_start + 5min, "e2", {{"status", "pending"}}));
  advance(30min);
  CHECK(out->records_of("breach").empty());

  // Resumed at 09:35 with 10 minutes left: due 09:45.
  deliver(event_at(rules::event_type::case_status_changed, wall_start + 35min, "e3", {{"status", "open"}}));
  advance(10min - 1s);
  CHECK(out->records_of("breach").empty());
  advance(1s);
  auto breaches = out->records_of("breach");
  REQUIRE(breaches.size() == 1);
  CHECK(rules::format_iso8601(breaches[0].at) == "2026-03-02T09:45:00Z");
}

TEST_CASE_METHOD(fixture, "a deadline already passed fires at once; a late event is applied by its time",
                 "[case_actor]") {
  advance(20min);
  // Created 20 minutes ago: the 15-minute first response is overdue on arrival.
  deliver(event_at(rules::event_type::case_created, wall_start, "e1", {{"priority", "P1"}}));
  REQUIRE(out->records_of("breach").size() == 1);
  CHECK(rules::format_iso8601(out->records_of("breach")[0].at) == "2026-03-02T09:15:00Z");
}

TEST_CASE_METHOD(fixture, "an agent reply in time means no breach; duplicates are acked but applied once",
                 "[case_actor]") {
  deliver(event_at(rules::event_type::case_created, wall_start, "e1", {{"priority", "P1"}}));
  advance(10min);
  deliver(event_at(rules::event_type::message_agent, wall_start + 10min, "e2"));
  deliver(event_at(rules::event_type::message_agent, wall_start + 10min, "e2"));
  CHECK(out->acks() == 3);
  advance(1h);
  CHECK(out->records_of("breach").empty());
  std::size_t outcomes = 0;
  for (const auto& b : out->batches)
    for (const auto& r : b.records)
      if (r.type == rules::record::kind::outcome) {
        ++outcomes;
        CHECK(r.met);
      }
  CHECK(outcomes == 1);
}

TEST_CASE_METHOD(fixture, "a closed case tells the router and hands its history back when stopped",
                 "[case_actor]") {
  deliver(event_at(rules::event_type::case_created, wall_start, "e1", {{"priority", "P1"}}));
  deliver(event_at(rules::event_type::message_agent, wall_start + 1min, "e2"));
  deliver(event_at(rules::event_type::case_resolved, wall_start + 2min, "e3"));
  deliver(event_at(rules::event_type::case_closed, wall_start + 3min, "e4"));
  advance(3min);
  REQUIRE(out->closed == std::vector<std::string>{"CS-20260302-0001"});
  REQUIRE(out->retired.size() == 1);
  CHECK(out->retired[0].events.size() == 4);
  CHECK_FALSE(out->retired[0].open);
  CHECK(out->retired[0].fcr_counted);
  CHECK_FALSE(out->retired[0].emitted.empty());
}

TEST_CASE("a summary's fingerprint changes with every field it shows", "[case_actor]") {
  case_summary s;
  s.case_id = "CS-1";
  s.policy = "p1";
  s.status = "open";
  s.priority = "P1";
  s.team = "billing";
  s.open = true;
  s.next_due = rules::instant{std::chrono::seconds{1772442000}};
  s.next_due_clock = "first_response";
  const auto base = summary_fingerprint(s);
  CHECK(base != 0);
  CHECK(summary_fingerprint(case_summary{s}) == base);
  std::vector<case_summary> changed(10, s);
  changed[0].case_id = "CS-2";
  changed[1].policy = "p2";
  changed[2].status = "pending";
  changed[3].priority = "P2";
  changed[4].team = "billin";
  changed[5].open = false;
  changed[6].at_risk = true;
  changed[7].breached = true;
  changed[8].next_due.reset();
  changed[9].next_due_clock = "resolution";
  for (const auto& c : changed) CHECK(summary_fingerprint(c) != base);
  // Text moved from one field to the next is another summary.
  auto shifted = s;
  shifted.priority = "P1b";
  shifted.team = "illing";
  CHECK(summary_fingerprint(shifted) != base);
}
