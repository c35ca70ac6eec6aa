// The rules files shipped in config/ load cleanly and say what their comments promise.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "rules/load.hpp"
#include "rules/match.hpp"
#include "rules/time.hpp"

namespace {

using namespace slawatch::rules;

rule_set load_shipped(const std::string& name) {
  const std::string path = std::string(SLAWATCH_SOURCE_DIR) + "/config/" + name;
  std::ifstream in(path);
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  auto loaded = load_rules(text.str(), path);
  if (!loaded) {
    for (const problem& p : loaded.error()) UNSCOPED_INFO(to_string(p));
  }
  REQUIRE(loaded);
  return *loaded;
}

const policy& policy_for(const rule_set& rules, const attributes& attrs) {
  const policy* p = select_policy(rules, attrs);
  REQUIRE(p != nullptr);
  return *p;
}

std::int64_t target(const policy& p, clock_kind k) {
  REQUIRE(p.clocks.count(k) == 1);
  return p.clocks.at(k).target_seconds;
}

instant at(const char* iso) {
  auto t = parse_iso8601(iso);
  REQUIRE(t);
  return *t;
}

constexpr std::int64_t minute = 60;
constexpr std::int64_t hour = 3600;
constexpr std::int64_t day = 86400;

}  // namespace

TEST_CASE("config/rules.yaml holds the default matrix", "[shipped]") {
  const rule_set rules = load_shipped("rules.yaml");
  CHECK(rules.version == "2026.1");
  CHECK(rules.retarget == retarget_mode::keep_start);

  const policy& p1 = policy_for(rules, {{"priority", "P1"}});
  CHECK(p1.name == "p1-critical");
  CHECK(target(p1, clock_kind::triage) == 5 * minute);
  CHECK(target(p1, clock_kind::first_response) == 15 * minute);
  CHECK(target(p1, clock_kind::resolution) == 4 * hour);

  const policy& p2 = policy_for(rules, {{"priority", "p2"}});
  CHECK(p2.name == "p2-high");
  CHECK(target(p2, clock_kind::triage) == 15 * minute);
  CHECK(target(p2, clock_kind::first_response) == 60 * minute);
  CHECK(target(p2, clock_kind::resolution) == 48 * hour);

  const policy& p3 = policy_for(rules, {{"priority", "P3"}, {"channel", "email"}});
  CHECK(p3.name == "p3-normal");
  CHECK(target(p3, clock_kind::triage) == 1 * hour);
  CHECK(target(p3, clock_kind::first_response) == 4 * hour);
  CHECK(target(p3, clock_kind::resolution) == 7 * day);
  CHECK(p3.clocks.at(clock_kind::triage).calendar == "us-east-business");
  CHECK(p3.clocks.at(clock_kind::first_response).calendar == "us-east-business");
  CHECK(p3.clocks.at(clock_kind::resolution).calendar == "always");

  const policy& p4 = policy_for(rules, {{"priority", "P4"}});
  CHECK(p4.name == "p4-low");
  CHECK(target(p4, clock_kind::triage) == 4 * hour);
  CHECK(target(p4, clock_kind::first_response) == 24 * hour);
  CHECK(target(p4, clock_kind::resolution) == 30 * day);

  const policy& other = policy_for(rules, {{"priority", "P9"}});
  CHECK(other.name == "fallback");
  CHECK(&policy_for(rules, {}) == &other);
  CHECK(target(other, clock_kind::first_response) == 24 * hour);
  CHECK(rules.policies.back().name == "fallback");

  for (const policy& p : rules.policies) {
    INFO(p.name);
    CHECK(p.escalation == "standard");
    for (const auto& [kind, clock] : p.clocks) {
      INFO(to_string(kind));
      CHECK(clock.pause_on == std::vector<std::string>{"pending"});
      CHECK(clock.warn_at_bp == std::vector<std::int64_t>{5000, 7500});
      if (&p != &p3) CHECK(clock.calendar == "always");
    }
  }
}

TEST_CASE("config/rules.yaml escalates, routes and knows US business hours", "[shipped]") {
  const rule_set rules = load_shipped("rules.yaml");

  const auto& standard = rules.escalations.at("standard");
  REQUIRE(standard.size() == 2);
  CHECK(standard[0].level == 1);
  CHECK(standard[0].after_breach_seconds == 0);
  CHECK(standard[0].notify == std::vector<std::string>{"team-supervisor"});
  CHECK(standard[1].level == 2);
  CHECK(standard[1].after_breach_seconds == 1 * hour);
  CHECK(standard[1].notify == std::vector<std::string>{"department-head"});

  REQUIRE(rules.impact.size() == 2);
  for (const impact_rule& rule : rules.impact) CHECK(rule.level == 2);
  CHECK(holds(rules.impact[0].when, {{"revenue_impact", "10000.01"}}));
  CHECK_FALSE(holds(rules.impact[0].when, {{"revenue_impact", "10000"}}));
  CHECK(holds(rules.impact[1].when, {{"legal_risk", "true"}}));
  CHECK_FALSE(holds(rules.impact[1].when, {{"legal_risk", "false"}}));

  const receiver& supervisor = rules.receivers.at("team-supervisor");
  CHECK(supervisor.alertmanager_severity == std::optional<std::string>("warning"));
  CHECK(supervisor.hours == "us-east-business");
  CHECK(supervisor.outside_hours == "on-call");
  CHECK(rules.receivers.at("department-head").webhook_url ==
        std::optional<std::string>("http://127.0.0.1:9000/hook"));
  CHECK(rules.receivers.at("on-call").alertmanager_severity == std::optional<std::string>("page"));

  const calendar& business = rules.calendar_named("us-east-business");
  CHECK(business.spec().timezone == "America/New_York");
  using namespace date::literals;
  CHECK(business.spec().holidays.size() == 23);
  // Observed dates: July 4 2026 is a Saturday, so the desk closes on Friday the 3rd.
  CHECK(business.spec().holidays.count(date::local_days{2026_y / 7 / 3}) == 1);
  CHECK(business.spec().holidays.count(date::local_days{2026_y / 7 / 4}) == 0);
  CHECK(business.spec().holidays.count(date::local_days{2027_y / 12 / 24}) == 1);
  for (date::local_days d : business.spec().holidays) {
    const date::weekday wd{d};
    INFO(date::year_month_day{d});
    CHECK(wd != date::Saturday);
    CHECK(wd != date::Sunday);
  }
  CHECK(business.is_open(at("2026-07-02T14:00:00Z")));        // Thursday 10:00 EDT
  CHECK_FALSE(business.is_open(at("2026-07-03T14:00:00Z")));  // observed Independence Day
  CHECK_FALSE(business.is_open(at("2026-07-06T11:59:59Z")));  // Monday 07:59:59 EDT
  CHECK(business.is_open(at("2026-07-06T12:00:00Z")));        // Monday 08:00 EDT
  CHECK(business.is_open(at("2026-12-07T13:00:00Z")));        // Monday 08:00 EST
  CHECK_FALSE(business.is_open(at("2026-12-07T23:00:00Z")));  // Monday 18:00 EST
  CHECK(rules.calendar_named("always").spec().always_open);
}

TEST_CASE("config/demo-rules.yaml has the same shape with demo-sized targets", "[shipped]") {
  const rule_set demo = load_shipped("demo-rules.yaml");
  const rule_set production = load_shipped("rules.yaml");

  CHECK(policy_for(demo, {{"priority", "P1"}}).name == "p1-critical");
  CHECK(policy_for(demo, {{"priority", "P2"}}).name == "p2-high");
  CHECK(policy_for(demo, {{"priority", "P3"}}).name == "p3-normal");
  CHECK(policy_for(demo, {{"priority", "P4"}}).name == "p4-low");
  CHECK(policy_for(demo, {{"channel", "phone"}}).name == "fallback");

  const policy& p1 = policy_for(demo, {{"priority", "P1"}});
  CHECK(target(p1, clock_kind::first_response) == 20);
  CHECK(target(p1, clock_kind::resolution) == 2 * minute);
  CHECK(target(p1, clock_kind::triage) < target(p1, clock_kind::first_response));

  REQUIRE(demo.policies.size() == production.policies.size());
  for (std::size_t i = 0; i < demo.policies.size(); ++i) {
    const policy& d = demo.policies[i];
    const policy& p = production.policies[i];
    INFO(d.name);
    CHECK(d.name == p.name);
    CHECK(d.escalation == p.escalation);
    CHECK(d.notify == p.notify);
    REQUIRE(d.clocks.size() == p.clocks.size());
    for (const auto& [kind, clock] : d.clocks) {
      INFO(to_string(kind));
      REQUIRE(p.clocks.count(kind) == 1);
      CHECK(clock.target_seconds <= 10 * minute);
      CHECK(clock.target_seconds < p.clocks.at(kind).target_seconds);
      CHECK(demo.calendar_named(clock.calendar).spec().always_open);
      CHECK(clock.pause_on == p.clocks.at(kind).pause_on);
      CHECK(clock.warn_at_bp == p.clocks.at(kind).warn_at_bp);
    }
  }
  for (const auto& [name, r] : demo.receivers) {
    INFO(name);
    CHECK(r.hours.empty());
  }
  CHECK(demo.escalations.at("standard").size() == 2);
  CHECK(demo.impact.size() == production.impact.size());
}
