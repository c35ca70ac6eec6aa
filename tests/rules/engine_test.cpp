// Tests of rules/engine.cpp: clocks, pauses, thresholds, retargeting, escalation, determinism.
#include "rules/engine.hpp"

#include <algorithm>
#include <random>
#include <set>

#include <catch2/catch.hpp>

using namespace slawatch::rules;

namespace {

instant at(const char* iso) {
  auto t = parse_iso8601(iso);
  REQUIRE(t);
  return *t;
}

event ev(event_type type, const char* ts, attributes attrs = {}, std::string id = {}) {
  event e;
  e.type = type;
  e.case_id = "CS-20260302-0001";
  e.ts = at(ts);
  e.event_id = std::move(id);
  e.attrs = std::move(attrs);
  return e;
}

// 08:00-18:00 Mon-Fri in New York, with 2026-03-04 (a Wednesday) as a holiday.
calendar business() {
  calendar_spec spec;
  spec.name = "ny";
  spec.timezone = "America/New_York";
  for (int d = 1; d <= 5; ++d) spec.weekly[d] = {{8 * 60, 18 * 60}};
  spec.holidays.insert(date::local_days{date::year{2026} / 3 / 4});
  auto cal = calendar::make(spec);
  REQUIRE(cal);
  return *cal;
}

predicate equals(std::string value) {
  predicate p;
  p.values = {std::move(value)};
  return p;
}

receiver named(std::string name) {
  receiver r;
  r.name = std::move(name);
  return r;
}

clock_rule rule(std::int64_t target, std::string cal = "always") {
  clock_rule r;
  r.target_seconds = target;
  r.calendar = std::move(cal);
  r.pause_on = {"pending"};
  r.warn_at_bp = {5000, 7500};
  return r;
}

// P1: first response 15 min, resolution 4 h, 24/7; P3: first response 4 business hours;
// fallback: 24 h / 30 d.
rule_set rules(retarget_mode mode = retarget_mode::keep_start) {
  rule_set rs;
  rs.calendars.emplace("always", calendar::always());
  rs.calendars.emplace("ny", business());
  rs.retarget = mode;

  policy p1;
  p1.name = "p1";
  p1.match.keys["priority"] = {equals("P1")};
  p1.clocks[clock_kind::first_response] = rule(15 * 60);
  p1.clocks[clock_kind::resolution] = rule(4 * 3600);
  p1.clocks[clock_kind::next_reply] = rule(30 * 60);
  p1.escalation = "standard";
  p1.notify = {"team-lead"};

  policy p3;
  p3.name = "p3";
  p3.match.keys["priority"] = {equals("P3")};
  p3.clocks[clock_kind::first_response] = rule(4 * 3600, "ny");
  p3.clocks[clock_kind::resolution] = rule(7 * 86400);

  policy fallback;
  fallback.name = "fallback";
  fallback.clocks[clock_kind::first_response] = rule(24 * 3600);
  fallback.clocks[clock_kind::resolution] = rule(30 * 86400);
  rs.policies = {p1, p3, fallback};

  rs.escalations["standard"] = {
      escalation_level{1, 0, std::nullopt, {"supervisor"}},
      escalation_level{2, 3600, std::nullopt, {"head"}},
  };
  predicate gt;
  gt.kind = predicate::op::gt;
  gt.number = 10000;
  impact_rule revenue;
  revenue.name = "revenue";
  revenue.when.keys["revenue_impact"] = {gt};
  revenue.level = 2;
  rs.impact = {revenue};

  receiver lead = named("team-lead");
  lead.hours = "ny";
  lead.outside_hours = "on-call";
  rs.receivers["team-lead"] = lead;
  rs.receivers["on-call"] = named("on-call");
  rs.receivers["supervisor"] = named("supervisor");
  rs.receivers["head"] = named("head");
  return rs;
}

const clock_view& clock_of(const case_view& v, clock_kind k, int cycle = 1) {
  for (const auto& c : v.clocks)
    if (c.kind == k && c.cycle == cycle) return c;
  FAIL("no such clock");
  return v.clocks.front();
}

std::vector<const record*> of_kind(const case_view& v, record::kind k) {
  std::vector<const record*> out;
  for (const auto& r : v.records)
    if (r.type == k) out.push_back(&r);
  return out;
}

const record* find_id(const case_view& v, const std::string& id) {
  for (const auto& r : v.records)
    if (r.id == id) return &r;
  return nullptr;
}

evaluate_options ledger_and_audit() {
  evaluate_options o;
  o.with_ledger = true;
  o.with_audit = true;
  return o;
}

case_events make(std::vector<event> list) {
  case_events ce;
  for (auto& e : list) ce.add(std::move(e));
  return ce;
}

}  // namespace

TEST_CASE("a first response inside the target is met", "[engine]") {
  const auto rs = rules();
  auto events = make({ev(event_type::case_created, "2026-03-02T10:00:00Z", {{"priority", "P1"}}),
                      ev(event_type::message_agent, "2026-03-02T10:10:00Z")});
  auto v = evaluate(events, rs, at("2026-03-02T11:00:00Z"));
  const auto& fr = clock_of(v, clock_kind::first_response);
  CHECK(fr.state == clock_state::met);
  CHECK(fr.elapsed_seconds == 600);
  CHECK(*fr.due_at == at("2026-03-02T10:15:00Z"));
  const record* out = find_id(v, "CS-20260302-0001:first_response:1:outcome");
  REQUIRE(out);
  CHECK(out->met);
  CHECK(out->due_at == at("2026-03-02T10:15:00Z"));
  // The 50 % warning (7.5 min) fired before the reply; 75 % (11.25 min -> 675 s) did not.
  CHECK(find_id(v, "CS-20260302-0001:first_response:1:warning:1"));
  CHECK_FALSE(find_id(v, "CS-20260302-0001:first_response:1:warning:2"));
  CHECK(v.policy == "p1");
}

TEST_CASE("an unanswered case breaches at the due time and escalates along its chain",
          "[engine]") {
  const auto rs = rules();
  auto events = make({ev(event_type::case_created, "2026-03-02T10:00:00Z", {{"priority", "P1"}})});
  SECTION("before the due time nothing but warnings") {
    auto v = evaluate(events, rs, at("2026-03-02T10:14:59Z"));
    CHECK(clock_of(v, clock_kind::first_response).state == clock_state::running);
    CHECK(of_kind(v, record::kind::notification).size() == 2);
    CHECK(*v.next_fire == at("2026-03-02T10:15:00Z"));
  }
  SECTION("at the due time the breach and level 1") {
    auto v = evaluate(events, rs, at("2026-03-02T10:15:00Z"));
    const record* breach = find_id(v, "CS-20260302-0001:first_response:1:breach:0");
    REQUIRE(breach);
    CHECK(breach->at == at("2026-03-02T10:15:00Z"));
    CHECK(breach->due_at == at("2026-03-02T10:15:00Z"));
    const record* l1 = find_id(v, "CS-20260302-0001:first_response:1:escalation:1");
    REQUIRE(l1);
    CHECK(l1->notify == std::vector<std::string>{"supervisor"});
    CHECK_FALSE(find_id(v, "CS-20260302-0001:first_response:1:escalation:2"));
    CHECK(*v.next_fire == at("2026-03-02T11:15:00Z"));  // level 2, an hour after the breach
  }
  SECTION("an hour later level 2") {
    auto v = evaluate(events, rs, at("2026-03-02T11:15:00Z"));
    const record* l2 = find_id(v, "CS-20260302-0001:first_response:1:escalation:2");
    REQUIRE(l2);
    CHECK(l2->at == at("2026-03-02T11:15:00Z"));
    CHECK(clock_of(v, clock_kind::first_response).state == clock_state::breached);
  }
}

TEST_CASE("a reply exactly at the due time is met and no breach fires", "[engine]") {
  const auto rs = rules();
  auto events = make({ev(event_type::case_created, "2026-03-02T10:00:00Z", {{"priority", "P1"}}),
                      ev(event_type::message_agent, "2026-03-02T10:15:00Z")});
  auto v = evaluate(events, rs, at("2026-03-02T12:00:00Z"));
  CHECK(clock_of(v, clock_kind::first_response).state == clock_state::met);
  CHECK_FALSE(find_id(v, "CS-20260302-0001:first_response:1:breach:0"));
}

TEST_CASE("warnings and breach go to the team lead in hours and on-call outside",
          "[engine]") {
  const auto rs = rules();
  // 10:00 UTC is 05:00 in New York (closed): the warning goes to on-call.
  auto events = make({ev(event_type::case_created, "2026-03-02T10:00:00Z", {{"priority", "P1"}})});
  auto night = evaluate(events, rs, at("2026-03-02T10:20:00Z"));
  CHECK(find_id(night, "CS-20260302-0001:first_response:1:breach:0")->notify ==
        std::vector<std::string>{"on-call"});
  // 15:00 UTC is 10:00 in New York (open): the team lead.
  auto day = evaluate(make({ev(event_type::case_created, "2026-03-02T15:00:00Z",
                               {{"priority", "P1"}})}),
                      rs, at("2026-03-02T15:20:00Z"));
  CHECK(find_id(day, "CS-20260302-0001:first_response:1:breach:0")->notify ==
        std::vector<std::string>{"team-lead"});
}

TEST_CASE("a pending case does not breach while paused, and its due time moves", "[engine]") {
  const auto rs = rules();
  auto events = make({
      ev(event_type::case_created, "2026-03-02T10:00:00Z", {{"priority", "P1"}}),
      ev(event_type::message_agent, "2026-03-02T10:05:00Z"),
      ev(event_type::case_status_changed, "2026-03-02T11:00:00Z", {{"status", "Pending"}}),
  });
  SECTION("paused over the original due time") {
    auto v = evaluate(events, rs, at("2026-03-02T20:00:00Z"));
    const auto& res = clock_of(v, clock_kind::resolution);
    CHECK(res.state == clock_state::paused);
    CHECK(res.elapsed_seconds == 3600);
    CHECK_FALSE(res.due_at);
    CHECK_FALSE(find_id(v, "CS-20260302-0001:resolution:1:breach:0"));
    CHECK_FALSE(v.next_fire);
  }
  SECTION("resumed: the remaining three hours count from the resume") {
    events.add(ev(event_type::case_status_changed, "2026-03-03T09:00:00Z", {{"status", "open"}}));
    auto v = evaluate(events, rs, at("2026-03-03T09:00:00Z"), ledger_and_audit());
    const auto& res = clock_of(v, clock_kind::resolution);
    CHECK(res.state == clock_state::running);
    CHECK(*res.due_at == at("2026-03-03T12:00:00Z"));
    CHECK(res.paused_seconds == 22 * 3600);
    REQUIRE(res.ledger.size() == 2);
    CHECK(res.ledger[1].reason == "paused:pending");
    CHECK_FALSE(res.ledger[1].counted);
    auto later = evaluate(events, rs, at("2026-03-03T12:00:00Z"));
    CHECK(find_id(later, "CS-20260302-0001:resolution:1:breach:0")->at ==
          at("2026-03-03T12:00:00Z"));
  }
}

TEST_CASE("business-hours first response counts only open time, skipping a holiday",
          "[engine]") {
  const auto rs = rules();
  // Tue 2026-03-03 16:00 New York (21:00 UTC): 2 h today, Wednesday is a holiday, 2 h on Thursday.
  auto events = make({ev(event_type::case_created, "2026-03-03T21:00:00Z", {{"priority", "P3"}})});
  auto v = evaluate(events, rs, at("2026-03-03T21:00:00Z"), ledger_and_audit());
  const auto& fr = clock_of(v, clock_kind::first_response);
  CHECK(*fr.due_at == at("2026-03-05T15:00:00Z"));  // Thu 10:00 EST
  auto later = evaluate(events, rs, at("2026-03-05T16:00:00Z"), ledger_and_audit());
  const auto& fr2 = clock_of(later, clock_kind::first_response);
  CHECK(fr2.state == clock_state::breached);
  bool saw_holiday = false;
  for (const auto& l : fr2.ledger) saw_holiday |= l.reason == "holiday";
  CHECK(saw_holiday);
}

TEST_CASE("a target that runs out exactly at closing is due at closing", "[engine]") {
  const auto rs = rules();
  // Mon 2026-03-02 14:00 EST = 19:00 UTC; 4 business hours end at 18:00 EST = 23:00 UTC.
  auto events = make({ev(event_type::case_created, "2026-03-02T19:00:00Z", {{"priority", "P3"}})});
  auto v = evaluate(events, rs, at("2026-03-02T19:00:00Z"));
  CHECK(*clock_of(v, clock_kind::first_response).due_at == at("2026-03-02T23:00:00Z"));
}

TEST_CASE("out-of-order and duplicate events give the same result as ordered ones",
          "[engine]") {
  const auto rs = rules();
  std::vector<event> ordered = {
      ev(event_type::case_created, "2026-03-02T10:00:00Z", {{"priority", "P1"}}, "e1"),
      ev(event_type::message_customer, "2026-03-02T10:01:00Z", {}, "e2"),
      ev(event_type::message_agent, "2026-03-02T10:20:00Z", {}, "e3"),
      ev(event_type::case_status_changed, "2026-03-02T10:30:00Z", {{"status", "pending"}}, "e4"),
      ev(event_type::message_customer, "2026-03-02T12:00:00Z", {{"status", "open"}}, "e5"),
      ev(event_type::case_updated, "2026-03-02T12:10:00Z", {{"revenue_impact", "25000"}}, "e6"),
      ev(event_type::message_agent, "2026-03-02T13:00:00Z", {}, "e7"),
      ev(event_type::case_resolved, "2026-03-02T15:00:00Z", {}, "e8"),
      ev(event_type::case_reopened, "2026-03-03T09:00:00Z", {}, "e9"),
      ev(event_type::case_resolved, "2026-03-03T16:00:00Z", {}, "e10"),
      ev(event_type::case_closed, "2026-03-04T09:00:00Z", {}, "e11"),
      ev(event_type::csat_received, "2026-03-05T09:00:00Z", {{"csat", "4"}, {"nps", "9"}}, "e12"),
  };
  const instant now = at("2026-03-06T00:00:00Z");
  const auto reference = evaluate(make(ordered), rs, now);
  REQUIRE(reference.records.size() > 10);
  CHECK(reference.reopen_count == 1);
  CHECK(*reference.csat == 4);
  CHECK(reference.closed);
  // The reopened cycle breached: 7 h against 4 h.
  CHECK_FALSE(find_id(reference, "CS-20260302-0001:resolution:2:outcome")->met);
  CHECK(find_id(reference, "CS-20260302-0001:resolution:1:outcome")->met);
  CHECK(find_id(reference, "CS-20260302-0001:impact:revenue:escalation:2"));
  // next_reply started by the second customer message, met at 13:00 (1 h > 30 min: breached).
  CHECK_FALSE(find_id(reference, "CS-20260302-0001:next_reply:1:outcome")->met);

  std::mt19937 rng(20261125);
  for (int round = 0; round < 50; ++round) {
    auto shuffled = ordered;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    shuffled.push_back(shuffled[round % shuffled.size()]);  // a duplicate delivery
    case_events ce;
    for (auto& e : shuffled) ce.add(e);
    CHECK(ce.size() == ordered.size());
    const auto v = evaluate(ce, rs, now);
    REQUIRE(v.records.size() == reference.records.size());
    for (std::size_t i = 0; i < v.records.size(); ++i) {
      CHECK(v.records[i].id == reference.records[i].id);
      CHECK(v.records[i].at == reference.records[i].at);
    }
  }
}

TEST_CASE("priority change under each retarget mode", "[engine]") {
  // Created P3 at Mon 10:00 EST (15:00 UTC): first response due 14:00 EST on business hours.
  // Raised to P1 at 10:30 EST: 15 min target, 24/7.
  auto events = make({
      ev(event_type::case_created, "2026-03-02T15:00:00Z", {{"priority", "P3"}}),
      ev(event_type::case_updated, "2026-03-02T15:30:00Z", {{"priority", "P1"}}),
  });
  const instant now = at("2026-03-02T15:30:00Z");
  SECTION("keep_start: the new target counts from the original start, already breached") {
    auto v = evaluate(events, rules(retarget_mode::keep_start), now);
    const auto& fr = clock_of(v, clock_kind::first_response);
    CHECK(fr.target_seconds == 900);
    CHECK(*fr.due_at == at("2026-03-02T15:15:00Z"));
    CHECK(fr.state == clock_state::breached);
    // The breach fires at the retarget instant, not in the past.
    CHECK(find_id(v, "CS-20260302-0001:first_response:1:breach:0")->at == now);
    CHECK(v.policy == "p1");
  }
  SECTION("restart: the new target counts from the change") {
    auto v = evaluate(events, rules(retarget_mode::restart), now);
    bool cancelled = false, fresh = false;
    for (const auto& c : v.clocks) {
      if (c.kind != clock_kind::first_response) continue;
      if (c.state == clock_state::cancelled) cancelled = true;
      if (c.state == clock_state::running) {
        fresh = true;
        CHECK(*c.due_at == at("2026-03-02T15:45:00Z"));
      }
    }
    CHECK(cancelled);
    CHECK(fresh);
  }
  SECTION("strictest: the earlier of the two due times") {
    auto v = evaluate(events, rules(retarget_mode::strictest), now);
    CHECK(*clock_of(v, clock_kind::first_response).due_at == at("2026-03-02T15:15:00Z"));
  }
  SECTION("strictest keeps the old target when the new one is laxer") {
    auto lax = make({
        ev(event_type::case_created, "2026-03-02T15:00:00Z", {{"priority", "P1"}}),
        ev(event_type::case_updated, "2026-03-02T15:05:00Z", {{"priority", "P4"}}),
    });
    auto v = evaluate(lax, rules(retarget_mode::strictest), at("2026-03-02T15:05:00Z"));
    CHECK(*clock_of(v, clock_kind::first_response).due_at == at("2026-03-02T15:15:00Z"));
    auto k = evaluate(lax, rules(retarget_mode::keep_start), at("2026-03-02T15:05:00Z"));
    CHECK(*clock_of(k, clock_kind::first_response).due_at == at("2026-03-03T15:00:00Z"));
  }
}

TEST_CASE("reopen starts a new resolution cycle", "[engine]") {
  const auto rs = rules();
  auto events = make({
      ev(event_type::case_created, "2026-03-02T10:00:00Z", {{"priority", "P1"}}),
      ev(event_type::case_resolved, "2026-03-02T11:00:00Z"),
      ev(event_type::case_closed, "2026-03-02T12:00:00Z"),
      ev(event_type::case_reopened, "2026-03-02T13:00:00Z"),
  });
  auto v = evaluate(events, rs, at("2026-03-02T14:00:00Z"));
  CHECK(v.reopen_count == 1);
  CHECK(v.open);
  CHECK_FALSE(v.closed);
  CHECK(clock_of(v, clock_kind::resolution, 1).state == clock_state::met);
  const auto& second = clock_of(v, clock_kind::resolution, 2);
  CHECK(second.state == clock_state::running);
  CHECK(second.started_at == at("2026-03-02T13:00:00Z"));
  CHECK(*second.due_at == at("2026-03-02T17:00:00Z"));
}

TEST_CASE("a manual escalation notifies the level's receivers", "[engine]") {
  const auto rs = rules();
  auto events = make({
      ev(event_type::case_created, "2026-03-02T10:00:00Z", {{"priority", "P1"}}),
      ev(event_type::case_escalated, "2026-03-02T10:05:00Z", {{"level", "2"}, {"reason", "vendor"}},
         "esc-1"),
  });
  auto v = evaluate(events, rs, at("2026-03-02T10:06:00Z"));
  const record* r = find_id(v, "CS-20260302-0001:manual:esc-1:escalation:2");
  REQUIRE(r);
  CHECK(r->reason == "vendor");
  CHECK(r->notify == std::vector<std::string>{"head"});
}

TEST_CASE("an assignment ownership change is audited without the assignee's name",
          "[engine]") {
  auto rs = rules();
  rs.policies[0].clocks[clock_kind::triage] = rule(300);
  auto events = make({
      ev(event_type::case_created, "2026-03-02T10:00:00Z", {{"priority", "P1"}}),
      ev(event_type::case_assigned, "2026-03-02T10:02:00Z", {{"assignee", "agent-7"}}),
  });
  auto v = evaluate(events, rs, at("2026-03-02T10:06:00Z"));
  CHECK(clock_of(v, clock_kind::triage).state == clock_state::met);
  bool audited = false;
  for (const auto* r : of_kind(v, record::kind::audit)) {
    if (r->action == "owner_changed") {
      audited = true;
      CHECK(r->detail.find("agent-7") == std::string::npos);
    }
  }
  CHECK(audited);
}

TEST_CASE("events after now are not applied", "[engine]") {
  const auto rs = rules();
  auto events = make({
      ev(event_type::case_created, "2026-03-02T10:00:00Z", {{"priority", "P1"}}),
      ev(event_type::message_agent, "2026-03-02T10:30:00Z"),
  });
  auto v = evaluate(events, rs, at("2026-03-02T10:20:00Z"));
  CHECK(clock_of(v, clock_kind::first_response).state == clock_state::breached);
  CHECK_FALSE(clock_of(v, clock_kind::first_response).stopped);
}

TEST_CASE("records the caller knows are left out, the rest and the clocks unchanged", "[engine]") {
  const auto rs = rules();
  auto events = make({
      ev(event_type::case_created, "2026-03-02T10:00:00Z", {{"priority", "P1"}}),
      ev(event_type::case_updated, "2026-03-02T10:05:00Z", {{"status", "pending"}}),
      ev(event_type::case_updated, "2026-03-02T10:06:00Z", {{"status", "open"}}),
      ev(event_type::message_agent, "2026-03-02T10:20:00Z"),
      ev(event_type::case_resolved, "2026-03-02T11:00:00Z"),
  });
  const instant now = at("2026-03-02T12:00:00Z");
  const auto all = evaluate(events, rs, now);
  REQUIRE(all.records.size() > 4);
  // Every other record known: exactly the others come back, in the same order.
  std::set<std::string> known;
  std::vector<std::string> expected;
  for (std::size_t i = 0; i < all.records.size(); ++i) {
    if (i % 2 == 0)
      known.insert(all.records[i].id);
    else
      expected.push_back(all.records[i].id);
  }
  evaluate_options options;
  options.known_record = [&](std::string_view id) { return known.count(std::string{id}) != 0; };
  const auto some = evaluate(events, rs, now, options);
  std::vector<std::string> got;
  for (const auto& r : some.records) got.push_back(r.id);
  CHECK(got == expected);
  for (const auto& r : some.records) {
    const record* same = find_id(all, r.id);
    REQUIRE(same);
    CHECK(r.at == same->at);
    CHECK(r.detail == same->detail);
    CHECK(r.notify == same->notify);
    CHECK(r.elapsed_seconds == same->elapsed_seconds);
  }
  REQUIRE(some.clocks.size() == all.clocks.size());
  for (std::size_t i = 0; i < all.clocks.size(); ++i) {
    CHECK(some.clocks[i].state == all.clocks[i].state);
    CHECK(some.clocks[i].due_at == all.clocks[i].due_at);
    CHECK(some.clocks[i].warned == all.clocks[i].warned);
  }
  CHECK(some.next_fire == all.next_fire);
}

TEST_CASE("a clock is warned once a warning of its kind and cycle is due", "[engine]") {
  const auto rs = rules();
  auto events = make({ev(event_type::case_created, "2026-03-02T10:00:00Z", {{"priority", "P1"}})});
  // P1 first response: 15 min, warnings at 50 % (7:30) and 75 %.
  CHECK_FALSE(clock_of(evaluate(events, rs, at("2026-03-02T10:07:29Z")), clock_kind::first_response).warned);
  evaluate_options none_new;
  none_new.known_record = [](std::string_view) { return true; };
  const auto v = evaluate(events, rs, at("2026-03-02T10:07:30Z"), none_new);
  CHECK(v.records.empty());
  CHECK(clock_of(v, clock_kind::first_response).warned);
  CHECK_FALSE(clock_of(v, clock_kind::resolution).warned);
}
