// The router with real case actors on CAF's deterministic scheduler: rules reloads recompute
// open cases (audit records for moved due times), the case detail of open, closed and unknown
// cases, and the worklist kept from the summaries case actors report.
#include "actors/router.hpp"

#include <prometheus/text_serializer.h>

#include <catch2/catch.hpp>

#include "rules/load.hpp"
#include "tests/actors/deterministic_system.hpp"

using namespace slawatch;
using namespace slawatch::actors;
using namespace std::chrono_literals;

namespace {

std::string rules_with_p1_target(const std::string& version, const std::string& target) {
  return "version: " + version +
         "\n"
         "calendars: {always: {timezone: UTC, hours: 24/7}}\n"
         "policies:\n"
         "  - name: p1\n"
         "    match: {priority: P1}\n"
         "    calendar: always\n"
         "    pause_on: [pending]\n"
         "    clocks: {first_response: {target: " +
         target +
         ", warn_at: [50%]}}\n"
         "  - name: fallback\n"
         "    clocks: {first_response: {target: 24h}}\n";
}

std::shared_ptr<const rules::rule_set> load(const std::string& text) {
  auto loaded = rules::load_rules(text, "test.yaml");
  if (!loaded) {
    for (const auto& p : loaded.error()) UNSCOPED_INFO(rules::to_string(p));
    FAIL("test rules do not load");
  }
  return std::make_shared<const rules::rule_set>(std::move(*loaded));
}

struct written {
  std::vector<rules::record> records;
  std::size_t acks = 0;
  std::vector<rules::record> of(rules::record::kind kind, const std::string& what = "") const {
    std::vector<rules::record> out;
    for (const auto& r : records)
      if (r.type == kind && (what.empty() || r.action == what || r.notification_kind == what))
        out.push_back(r);
    return out;
  }
};

caf::behavior fake_writer(caf::event_based_actor*, std::shared_ptr<written> out) {
  return {[=](write_batch& b) {
    out->acks += b.acks.size();
    for (auto& r : b.records) out->records.push_back(std::move(r));
  }};
}

struct fixture : test::deterministic_system {
  std::shared_ptr<written> out = std::make_shared<written>();
  std::shared_ptr<const rules::rule_set> rules = load(rules_with_p1_target("v1", "15m"));
  std::shared_ptr<metrics> stats = std::make_shared<metrics>("test", *rules);
  caf::actor writer = sys.spawn(fake_writer, out);
  caf::actor router;
  int next_event = 0;

  fixture() {
    auto deps = std::make_shared<case_actor_deps>();
    deps->rules = rules;
    deps->stats = stats;
    deps->now = time_source();
    deps->writer = writer;
    router = sys.spawn(router_actor, std::shared_ptr<const case_actor_deps>{deps},
                       std::chrono::seconds{3600});
    sched.run();
  }
  ~fixture() {
    caf::anon_send_exit(router, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(writer, caf::exit_reason::user_shutdown);
    sched.run();
  }
  void deliver(const std::string& case_id, rules::event_type type, caf::timespan after_start,
               rules::attributes attrs = {}) {
    case_event_msg m;
    m.event.type = type;
    m.event.case_id = case_id;
    m.event.ts = std::chrono::floor<std::chrono::seconds>(
        wall_start + std::chrono::duration_cast<std::chrono::system_clock::duration>(after_start));
    m.event.event_id = "e" + std::to_string(++next_event);
    m.event.attrs = std::move(attrs);
    m.source = entry_ref{"events", m.event.event_id};
    caf::anon_send(router, std::move(m));
    sched.run();
  }
  /// Asks the router as the API does and returns its answer.
  template <class Reply, class... Ts>
  Reply ask(Ts... xs) {
    auto reply = std::make_shared<std::optional<Reply>>();
    // The router is passed as a spawn argument: CAF 0.17's spawn of a function without arguments
    // dereferences a null tuple pointer (UBSan reports it).
    sys.spawn(
        [=](caf::event_based_actor* self, caf::actor r) {
          self->request(r, caf::infinite, xs...).then([=](Reply& answer) { *reply = std::move(answer); });
        },
        router);
    sched.run();
    REQUIRE(reply->has_value());
    return std::move(**reply);
  }
  std::uint64_t reload(std::shared_ptr<const rules::rule_set> next) {
    const auto at = std::chrono::floor<std::chrono::seconds>(time_source()());
    return ask<std::uint64_t>(rules_changed_msg{std::move(next), at, nullptr});
  }
};

const std::string p1_case = "CS-20260302-0001";
const std::string p3_case = "CS-20260302-0002";

}  // namespace

TEST_CASE_METHOD(
    fixture, "a reload recomputes open cases: moved due times are audited and fire on the new time",
    "[router][reload]") {
  deliver(p1_case, rules::event_type::case_created, 0s, {{"priority", "P1"}, {"team", "billing"}});
  deliver(p3_case, rules::event_type::case_created, 0s, {{"priority", "P3"}, {"team", "billing"}});
  advance(2min);

  // v2 shortens P1's first response from 15 to 10 minutes; the fallback policy is unchanged.
  CHECK(reload(load(rules_with_p1_target("v2", "10m"))) == 2);
  auto audit = out->of(rules::record::kind::audit, "rules_reloaded");
  REQUIRE(audit.size() == 1);
  CHECK(audit[0].case_id == p1_case);
  CHECK(audit[0].metric == "first_response");
  CHECK(rules::format_iso8601(audit[0].at) == "2026-03-02T09:02:00Z");
  CHECK(audit[0].detail == "rules v1 -> v2: due 2026-03-02T09:15:00Z -> 2026-03-02T09:10:00Z");
  CHECK(audit[0].id == p1_case + ":first_response:1:rules_reloaded:v1:v2:2026-03-02T09:02:00Z");

  // The breach comes at the new due time, once.
  advance(8min - 1s);
  CHECK(out->of(rules::record::kind::notification, "breach").empty());
  advance(1s);
  auto breaches = out->of(rules::record::kind::notification, "breach");
  REQUIRE(breaches.size() == 1);
  CHECK(rules::format_iso8601(breaches[0].at) == "2026-03-02T09:10:00Z");
  advance(10min);
  CHECK(out->of(rules::record::kind::notification, "breach").size() == 1);

  // The audit record is part of the case's trail in the API.
  auto detail = ask<case_detail>(case_atom::value, p1_case);
  REQUIRE(detail.reload_audit.size() == 1);
  CHECK(detail.reload_audit[0].id == audit[0].id);
  CHECK(detail.rules_version == "v2");
}

TEST_CASE_METHOD(
    fixture,
    "a reload that moves nothing writes no audit record, and one that lengthens re-arms later",
    "[router][reload]") {
  deliver(p1_case, rules::event_type::case_created, 0s, {{"priority", "P1"}});
  CHECK(reload(load(rules_with_p1_target("v1b", "15m"))) == 1);
  CHECK(out->of(rules::record::kind::audit, "rules_reloaded").empty());

  // 15m -> 30m: the timer armed for 09:15 must not breach the case.
  CHECK(reload(load(rules_with_p1_target("v3", "30m"))) == 1);
  REQUIRE(out->of(rules::record::kind::audit, "rules_reloaded").size() == 1);
  advance(16min);
  CHECK(out->of(rules::record::kind::notification, "breach").empty());
  advance(14min);
  REQUIRE(out->of(rules::record::kind::notification, "breach").size() == 1);
  CHECK(rules::format_iso8601(out->of(rules::record::kind::notification, "breach")[0].at) ==
        "2026-03-02T09:30:00Z");
}

TEST_CASE_METHOD(fixture,
                 "events keep flowing across a reload: none is lost, every one is acknowledged",
                 "[router][reload]") {
  for (int i = 0; i < 20; ++i) {
    deliver("CS-20260302-" + std::to_string(1000 + i), rules::event_type::case_created, 0s,
            {{"priority", "P1"}});
    if (i % 3 == 0)
      reload(load(rules_with_p1_target("r" + std::to_string(i), i % 2 == 0 ? "15m" : "16m")));
  }
  CHECK(out->acks == 20);
  CHECK(ask<worklist_reply>(worklist_query{}).open == 20);
}

TEST_CASE_METHOD(
    fixture, "the case detail answers for open and closed cases, and says when a case is unknown",
    "[router][api]") {
  deliver(p1_case, rules::event_type::case_created, 0s, {{"priority", "P1"}});
  deliver(p1_case, rules::event_type::case_status_changed, 1min, {{"status", "pending"}});
  advance(5min);
  auto open = ask<case_detail>(case_atom::value, p1_case);
  REQUIRE(open.found);
  CHECK(open.live);
  CHECK(open.view.status == "pending");
  REQUIRE(open.view.clocks.size() == 1);
  CHECK(open.view.clocks[0].state == rules::clock_state::paused);
  CHECK(open.view.clocks[0].elapsed_seconds == 60);
  CHECK_FALSE(open.view.clocks[0].ledger.empty());  // evaluated with the ledger
  CHECK(rules::format_iso8601(open.as_of) == "2026-03-02T09:05:00Z");

  deliver(p1_case, rules::event_type::message_agent, 6min);
  deliver(p1_case, rules::event_type::case_resolved, 7min);
  deliver(p1_case, rules::event_type::case_closed, 8min);
  advance(3min);
  auto closed = ask<case_detail>(case_atom::value, p1_case);
  REQUIRE(closed.found);
  CHECK_FALSE(closed.live);
  CHECK(closed.view.closed);
  CHECK(closed.view.clocks[0].state == rules::clock_state::met);

  CHECK_FALSE(ask<case_detail>(case_atom::value, std::string{"CS-20991231-9999"}).found);
}

TEST_CASE_METHOD(
    fixture, "the worklist holds open cases from their summaries, filtered and earliest due first",
    "[router][api]") {
  deliver(p1_case, rules::event_type::case_created, 0s, {{"priority", "P1"}, {"team", "billing"}});
  deliver(p3_case, rules::event_type::case_created, 1min,
          {{"priority", "P3"}, {"team", "billing"}});
  deliver("CS-20260302-0003", rules::event_type::case_created, 2min,
          {{"priority", "P1"}, {"team", "network"}});
  deliver("CS-20260302-0004", rules::event_type::case_created, 2min,
          {{"priority", "P1"}, {"team", "network"}});
  deliver("CS-20260302-0004", rules::event_type::case_closed, 3min);
  advance(8min);  // 09:08: P1 cases past 50 % of 15 minutes are at risk
  // The at-risk gauge counts the case from the evaluation that emitted its warning.
  CHECK(prometheus::TextSerializer{}
            .Serialize(stats->registry()->Collect())
            .find("slawatch_at_risk_cases{priority=\"P1\"} 1") != std::string::npos);

  auto all = ask<worklist_reply>(worklist_query{});
  CHECK(all.open == 3);
  REQUIRE(all.cases.size() == 3);
  CHECK(all.cases[0].case_id == p1_case);  // due 09:15, then 09:17, then P3 tomorrow
  CHECK(all.cases[1].case_id == "CS-20260302-0003");
  CHECK(all.cases[2].case_id == p3_case);
  CHECK(rules::format_iso8601(*all.cases[0].next_due) == "2026-03-02T09:15:00Z");

  worklist_query risky;
  risky.at_risk_only = true;
  risky.team = "billing";
  auto at_risk = ask<worklist_reply>(risky);
  REQUIRE(at_risk.cases.size() == 1);
  CHECK(at_risk.cases[0].case_id == p1_case);
  CHECK(at_risk.cases[0].at_risk);
  CHECK_FALSE(at_risk.cases[0].breached);

  worklist_query p3;
  p3.priority = "P3";
  CHECK(ask<worklist_reply>(p3).cases.size() == 1);

  worklist_query limited;
  limited.limit = 1;
  auto first = ask<worklist_reply>(limited);
  CHECK(first.matched == 3);
  REQUIRE(first.cases.size() == 1);
  CHECK(first.cases[0].case_id == p1_case);
}
