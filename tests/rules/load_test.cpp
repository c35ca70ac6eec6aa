// Tests of rules/load.cpp: a valid file becomes the model the spec describes; every invalid one
// is refused with file, line, column and key path, all problems at once.
#include "rules/load.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "rules/match.hpp"

namespace {

using namespace slawatch::rules;

/// The smallest valid file: one fallback policy with one clock.
constexpr const char* minimal_policies = R"(policies:
  - name: fallback
    clocks: {first_response: {target: 1h}}
)";

rule_set load_ok(const std::string& yaml) {
  auto loaded = load_rules(yaml, "rules.yaml");
  if (!loaded) {
    for (const problem& p : loaded.error()) UNSCOPED_INFO(to_string(p));
  }
  REQUIRE(loaded);
  return *loaded;
}

std::vector<problem> problems_of(const std::string& yaml) {
  auto loaded = load_rules(yaml, "rules.yaml");
  REQUIRE_FALSE(loaded);
  for (const problem& p : loaded.error()) UNSCOPED_INFO(to_string(p));
  return loaded.error();
}

/// The one problem of a file that has exactly one.
problem only_problem(const std::string& yaml) {
  auto problems = problems_of(yaml);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].file == "rules.yaml");
  return problems[0];
}

void check_at(const problem& p, int line, int column, const std::string& path,
              const std::string& message_part) {
  INFO(to_string(p));
  CHECK(p.line == line);
  CHECK(p.column == column);
  CHECK(p.path == path);
  CHECK(p.message.find(message_part) != std::string::npos);
}

}  // namespace

TEST_CASE("a minimal file loads with built-in defaults", "[load]") {
  const rule_set rules = load_ok(minimal_policies);
  REQUIRE(rules.policies.size() == 1);
  const policy& fallback = rules.policies[0];
  CHECK(fallback.name == "fallback");
  CHECK(fallback.match.empty());
  REQUIRE(fallback.clocks.count(clock_kind::first_response) == 1);
  const clock_rule& clock = fallback.clocks.at(clock_kind::first_response);
  CHECK(clock.target_seconds == 3600);
  CHECK(clock.calendar == "always");
  CHECK(clock.pause_on.empty());
  CHECK(clock.warn_at_bp.empty());
  CHECK(rules.calendars.empty());
  CHECK(rules.calendar_named(clock.calendar).spec().always_open);
  CHECK(rules.retarget == retarget_mode::keep_start);
  CHECK(rules.escalations.empty());
  CHECK(rules.impact.empty());
  CHECK(rules.receivers.empty());
}

TEST_CASE("the version is the file's, else a stable hash of its text", "[load]") {
  CHECK(load_ok(std::string("version: \"2026.3\"\n") + minimal_policies).version == "2026.3");
  const std::string hashed = load_ok(minimal_policies).version;
  CHECK(hashed.size() == 16);
  CHECK(hashed.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(load_ok(minimal_policies).version == hashed);
  CHECK(load_ok(std::string("# another comment\n") + minimal_policies).version != hashed);
}

TEST_CASE("the spec's example file loads into the model it describes", "[load]") {
  const rule_set rules = load_ok(R"(calendars:
  us-east-business:
    timezone: America/New_York
    hours:
      mon: ["08:00-18:00"]
      tue: ["08:00-12:00", "13:00-18:00"]
      wed: ["08:00-18:00"]
      thu: ["08:00-18:00"]
      fri: ["08:00-18:00"]
    holidays: [2026-11-26, 2026-12-25]
    overrides:
      2026-12-24: ["08:00-12:00"]
  always:
    timezone: UTC
    hours: 24/7
policies:
  - name: p1-site-down
    match: {priority: P1}
    calendar: always
    pause_on: [Pending]
    warn_at: [75%, 50%]
    clocks:
      first_response: {target: 15m}
      resolution:     {target: 4h}
    escalation: standard
  - name: fallback
    clocks: {first_response: {target: 24h}, resolution: {target: 30d}}
retarget: strictest
escalations:
  standard:
    - {level: 2, at: breach+1h, notify: [department-head]}
    - {level: 1, at: breach,    notify: [team-supervisor]}
impact:
  - {name: revenue, when: {revenue_impact: {gt: 10000}}, level: 2}
  - {name: legal,   when: {legal_risk: true},            level: 2}
receivers:
  team-supervisor: {alertmanager: {severity: warning}, hours: us-east-business, outside_hours: on-call}
  department-head: {webhook: {url: "http://127.0.0.1:9000/hook"}}
  on-call:         {alertmanager: {severity: page}}
)");
  REQUIRE(rules.calendars.size() == 2);
  const calendar_spec& business = rules.calendars.at("us-east-business").spec();
  CHECK(business.timezone == "America/New_York");
  CHECK_FALSE(business.always_open);
  CHECK(business.weekly[1] == std::vector<local_interval>{{480, 1080}});
  CHECK(business.weekly[2] == std::vector<local_interval>{{480, 720}, {780, 1080}});
  CHECK(business.weekly[0].empty());
  CHECK(business.weekly[6].empty());
  using namespace date::literals;
  CHECK(business.holidays == std::set<date::local_days>{date::local_days{2026_y / 11 / 26},
                                                        date::local_days{2026_y / 12 / 25}});
  REQUIRE(business.overrides.size() == 1);
  CHECK(business.overrides.at(date::local_days{2026_y / 12 / 24}) ==
        std::vector<local_interval>{{480, 720}});
  CHECK(rules.calendars.at("always").spec().always_open);

  REQUIRE(rules.policies.size() == 2);
  const policy& p1 = rules.policies[0];
  CHECK(p1.name == "p1-site-down");
  CHECK(p1.escalation == "standard");
  const clock_rule& response = p1.clocks.at(clock_kind::first_response);
  CHECK(response.target_seconds == 15 * 60);
  CHECK(response.calendar == "always");
  CHECK(response.pause_on == std::vector<std::string>{"pending"});
  CHECK(response.warn_at_bp == std::vector<std::int64_t>{5000, 7500});
  CHECK(p1.clocks.at(clock_kind::resolution).target_seconds == 4 * 3600);
  CHECK(rules.policies[1].clocks.at(clock_kind::resolution).target_seconds == 30 * 86400);

  CHECK(rules.retarget == retarget_mode::strictest);
  const auto& standard = rules.escalations.at("standard");
  REQUIRE(standard.size() == 2);
  CHECK(standard[0].level == 1);
  CHECK(standard[0].after_breach_seconds == 0);
  CHECK(standard[0].notify == std::vector<std::string>{"team-supervisor"});
  CHECK(standard[1].level == 2);
  CHECK(standard[1].after_breach_seconds == 3600);
  CHECK_FALSE(standard[1].at_bp);

  REQUIRE(rules.impact.size() == 2);
  CHECK(rules.impact[0].name == "revenue");
  CHECK(rules.impact[0].level == 2);
  CHECK(holds(rules.impact[0].when, {{"revenue_impact", "25000"}}));
  CHECK_FALSE(holds(rules.impact[0].when, {{"revenue_impact", "10000"}}));
  CHECK(holds(rules.impact[1].when, {{"legal_risk", "true"}}));
  CHECK_FALSE(holds(rules.impact[1].when, {{"legal_risk", "false"}}));

  const receiver& supervisor = rules.receivers.at("team-supervisor");
  CHECK(supervisor.alertmanager_severity == std::optional<std::string>("warning"));
  CHECK_FALSE(supervisor.webhook_url);
  CHECK(supervisor.hours == "us-east-business");
  CHECK(supervisor.outside_hours == "on-call");
  const receiver& head = rules.receivers.at("department-head");
  CHECK(head.webhook_url == std::optional<std::string>("http://127.0.0.1:9000/hook"));
  CHECK(head.webhook_format == "slawatch");
  CHECK(head.hours.empty());
}

TEST_CASE("clocks inherit policy settings and may override each", "[load]") {
  const rule_set rules = load_ok(R"(calendars:
  office:
    timezone: Europe/Berlin
    hours: {mon: "09:00-17:00", friday: ["09:00-12:00"]}
  night:
    hours: 24/7
default_calendar: office
policies:
  - name: mixed
    match: {priority: P3}
    pause_on: pending
    warn_at: 80%
    clocks:
      triage: 30m
      first_response: {target: 2h, calendar: night, pause_on: [On-Hold, waiting], warn_at: []}
      resolution: {target: 3d, warn_at: [50%, 90%, 50%]}
  - name: fallback
    calendar: night
    clocks: {}
)");
  const policy& mixed = rules.policies[0];
  const clock_rule& triage = mixed.clocks.at(clock_kind::triage);
  CHECK(triage.target_seconds == 1800);
  CHECK(triage.calendar == "office");  // default_calendar
  CHECK(triage.pause_on == std::vector<std::string>{"pending"});
  CHECK(triage.warn_at_bp == std::vector<std::int64_t>{8000});
  const clock_rule& response = mixed.clocks.at(clock_kind::first_response);
  CHECK(response.calendar == "night");
  CHECK(response.pause_on == std::vector<std::string>{"on-hold", "waiting"});
  CHECK(response.warn_at_bp.empty());
  const clock_rule& resolution = mixed.clocks.at(clock_kind::resolution);
  CHECK(resolution.calendar == "office");
  CHECK(resolution.warn_at_bp == std::vector<std::int64_t>{5000, 9000});
  CHECK(rules.policies[1].clocks.empty());

  const calendar_spec& office = rules.calendars.at("office").spec();
  CHECK(office.weekly[1] == std::vector<local_interval>{{540, 1020}});
  CHECK(office.weekly[5] == std::vector<local_interval>{{540, 720}});
  CHECK(rules.calendars.at("night").spec().timezone == "UTC");
}

TEST_CASE("a calendar the file names `always` replaces the built-in one", "[load]") {
  const rule_set rules = load_ok(std::string(R"(calendars:
  always:
    timezone: UTC
    hours: {mon: ["00:00-24:00"]}
)") + minimal_policies);
  CHECK(rules.policies[0].clocks.at(clock_kind::first_response).calendar == "always");
  CHECK_FALSE(rules.calendar_named("always").spec().always_open);
  CHECK(rules.calendar_named("always").spec().weekly[1] == std::vector<local_interval>{{0, 1440}});
  CHECK(rules.calendar_named("").spec().always_open);
}

TEST_CASE("escalation levels are sorted and `at` takes every documented form", "[load]") {
  const rule_set rules = load_ok(std::string(R"(receivers:
  a: {webhook: {url: "https://example.test/x", format: pagerduty}}
escalations:
  chain:
    - {level: 3, at: 150%, notify: a}
    - {level: 1, at: breach}
    - {level: 2, at: "breach + 2h30m", notify: [a, a]}
)") + minimal_policies);
  const auto& chain = rules.escalations.at("chain");
  REQUIRE(chain.size() == 3);
  CHECK(chain[0].level == 1);
  CHECK(chain[0].after_breach_seconds == 0);
  CHECK(chain[0].notify.empty());
  CHECK(chain[1].after_breach_seconds == 9000);
  CHECK(chain[1].notify == std::vector<std::string>{"a"});
  CHECK(chain[2].at_bp == std::optional<std::int64_t>(15000));
  CHECK(rules.receivers.at("a").webhook_format == "pagerduty");
}

TEST_CASE("retarget takes the three modes", "[load]") {
  for (const char* mode : {"keep_start", "restart", "strictest"}) {
    const rule_set rules = load_ok(std::string("retarget: ") + mode + "\n" + minimal_policies);
    CHECK(std::string(to_string(rules.retarget)) == mode);
  }
}

TEST_CASE("match conditions become predicates", "[load]") {
  const rule_set rules = load_ok(R"(policies:
  - name: m
    match:
      legal_risk: true
      revenue_impact: {gte: 10000, lt: 1e6}
      channel: [phone, chat]
      team: {in: [billing, "sales"]}
      category: {not: spam}
      subcategory: {not: {regex: "test.*"}}
      tags: {regex: ".*vip.*"}
      priority: {regex: "p[12]"}
      customer_tier: 10000
    clocks: {}
  - name: fallback
    clocks: {}
)");
  const condition& c = rules.policies[0].match;
  REQUIRE(c.keys.size() == 9);
  CHECK(c.keys.at("legal_risk")[0].values == std::vector<std::string>{"true"});
  CHECK(c.keys.at("customer_tier")[0].values == std::vector<std::string>{"10000"});
  REQUIRE(c.keys.at("revenue_impact").size() == 2);
  CHECK(c.keys.at("tags")[0].pattern == ".*vip.*");

  attributes matching{{"legal_risk", "true"}, {"revenue_impact", "20000.5"}, {"channel", "Chat"},
                      {"team", "sales"},      {"category", "billing"},       {"tags", "a,vip,b"},
                      {"priority", "P2"},     {"customer_tier", "10000"}};
  CHECK(holds(c, matching));
  auto without = [&](const std::string& key, const std::string& value) {
    attributes changed = matching;
    changed[key] = value;
    return holds(c, changed);
  };
  CHECK_FALSE(without("legal_risk", "false"));
  CHECK_FALSE(without("revenue_impact", "9999"));
  CHECK_FALSE(without("revenue_impact", "1000000"));
  CHECK_FALSE(without("channel", "email"));
  CHECK_FALSE(without("team", "Sales"));  // `team` compares exactly
  CHECK_FALSE(without("category", "spam"));
  CHECK_FALSE(without("subcategory", "testing"));
  CHECK(without("subcategory", "a test"));
  CHECK_FALSE(without("tags", "a,b"));
  CHECK_FALSE(without("priority", "P3"));
  CHECK_FALSE(without("customer_tier", "10000.0"));
  CHECK(select_policy(rules, matching)->name == "m");
  CHECK(select_policy(rules, {})->name == "fallback");
}

TEST_CASE("a quoted boolean stays text; a plain one is normalised", "[load]") {
  const rule_set rules = load_ok(R"(policies:
  - name: m
    match: {legal_risk: True, vip: "True"}
    clocks: {}
  - {name: fallback, clocks: {}}
)");
  const condition& c = rules.policies[0].match;
  CHECK(c.keys.at("legal_risk")[0].values == std::vector<std::string>{"true"});
  CHECK(c.keys.at("vip")[0].values == std::vector<std::string>{"True"});
}

// ---- errors ----------------------------------------------------------------------------------

TEST_CASE("invalid YAML is reported at its position", "[load][errors]") {
  const problem p = only_problem("policies:\n  - name: [a, b\n    clocks: {}\n");
  CHECK(p.line >= 2);
  CHECK(p.column >= 1);
  CHECK(p.message.find("invalid YAML") != std::string::npos);

  const problem tab = only_problem("policies:\n\t- name: x\n");
  CHECK(tab.line == 2);
  CHECK(tab.message.find("invalid YAML") != std::string::npos);
}

TEST_CASE("an empty file, a non-mapping and a second document are refused", "[load][errors]") {
  check_at(only_problem(""), 1, 1, "", "empty");
  check_at(only_problem("# nothing but a comment\n"), 1, 1, "", "empty");
  check_at(only_problem("- a\n- b\n"), 1, 1, "", "expected the rules file (a mapping), got a list");
  auto problems = problems_of(std::string(minimal_policies) + "---\nversion: x\n");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].line == 5);
  CHECK(problems[0].message.find("one YAML document") != std::string::npos);
}

TEST_CASE("a stray comma is refused, not looped on", "[load][errors]") {
  // Regression (rules loader fuzzing): yaml-cpp 0.7's LoadAll never returned on these.
  check_at(only_problem(","), 1, 1, "", "invalid YAML: unexpected `,`");
  check_at(only_problem("  ,--\n"), 1, 3, "", "invalid YAML: unexpected `,`");
  const auto problems = problems_of(std::string(minimal_policies) + "---\n,\n");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].message.find("one YAML document") != std::string::npos);
}

TEST_CASE("unknown keys are refused at every level, with a suggestion", "[load][errors]") {
  SECTION("top level") {
    check_at(only_problem(std::string("polices: []\n") + minimal_policies), 1, 1, "polices",
             "did you mean `policies`?");
    check_at(only_problem(std::string(minimal_policies) + "colour: blue\n"), 4, 1, "colour",
             "expected one of `version`");
  }
  SECTION("calendar") {
    check_at(only_problem(std::string("calendars:\n  c: {timezon: UTC, hours: 24/7}\n") +
                          minimal_policies),
             2, 7, "calendars.c.timezon", "did you mean `timezone`?");
  }
  SECTION("weekday") {
    check_at(only_problem(std::string("calendars:\n  c:\n    timezone: UTC\n    hours:\n"
                                      "      mond: [\"08:00-18:00\"]\n") +
                          minimal_policies),
             5, 7, "calendars.c.hours.mond", "did you mean `mon`?");
  }
  SECTION("policy") {
    check_at(only_problem("policies:\n  - name: f\n    pause-on: [pending]\n    clocks: {}\n"), 3,
             5, "policies[0].pause-on", "did you mean `pause_on`?");
  }
  SECTION("clock name") {
    check_at(
        only_problem("policies:\n  - name: f\n    clocks:\n      first_reponse: {target: 1h}\n"), 4,
        7, "policies[0].clocks.first_reponse", "did you mean `first_response`?");
  }
  SECTION("clock") {
    auto problems =
        problems_of("policies:\n  - name: f\n    clocks:\n      triage: {targte: 1h}\n");
    REQUIRE(problems.size() == 2);
    check_at(problems[0], 4, 15, "policies[0].clocks.triage.target", "missing `target`");
    check_at(problems[1], 4, 16, "policies[0].clocks.triage.targte", "did you mean `target`?");
  }
  SECTION("escalation level") {
    check_at(
        only_problem(std::string("escalations:\n  s:\n    - {lvl: 1, level: 1, at: breach}\n") +
                     minimal_policies),
        3, 8, "escalations.s[0].lvl", "did you mean `level`?");
  }
  SECTION("impact rule") {
    check_at(only_problem(std::string(minimal_policies) +
                          "impact:\n  - {name: x, when: {a: 1}, level: 2, leve: 3}\n"),
             5, 39, "impact[0].leve", "did you mean `level`?");
  }
  SECTION("receiver, alertmanager and webhook") {
    auto problems = problems_of(
        std::string("receivers:\n"
                    "  r: {webhok: {url: \"http://x\"}, alertmanager: {severty: page}}\n"
                    "  w: {webhook: {uri: \"http://x\", url: \"http://y\"}}\n") +
        minimal_policies);
    REQUIRE(problems.size() == 4);
    check_at(problems[0], 2, 7, "receivers.r.webhok", "did you mean `webhook`?");
    check_at(problems[1], 2, 48, "receivers.r.alertmanager.severity", "missing `severity`");
    check_at(problems[2], 2, 49, "receivers.r.alertmanager.severty", "did you mean `severity`?");
    check_at(problems[3], 3, 17, "receivers.w.webhook.uri", "did you mean `url`?");
  }
  SECTION("matcher operator") {
    check_at(only_problem("policies:\n  - name: m\n    match: {revenue_impact: {gtt: 5}}\n"
                          "    clocks: {}\n  - {name: f, clocks: {}}\n"),
             3, 30, "policies[0].match.revenue_impact.gtt", "did you mean `gt`?");
  }
}

TEST_CASE("a key given twice is refused", "[load][errors]") {
  check_at(only_problem("policies:\n  - name: f\n    clocks: {}\n    name: g\n"), 4, 5,
           "policies[0].name", "duplicate key `name` (first given on line 2)");
}

TEST_CASE("values of the wrong type are refused", "[load][errors]") {
  check_at(only_problem("policies: {name: f}\n"), 1, 11, "policies", "expected a list of policies");
  check_at(only_problem("policies:\n  - name: f\n    clocks: [triage]\n"), 3, 13,
           "policies[0].clocks", "expected clocks by name (a mapping), got a list");
  check_at(only_problem("policies:\n  - name: f\n    clocks: {triage: {target: [1h]}}\n"), 3, 31,
           "policies[0].clocks.triage.target", "expected a duration");
  check_at(only_problem("policies:\n  - name: [f]\n    clocks: {}\n"), 2, 11, "policies[0].name",
           "expected a name, got a list");
  check_at(only_problem("policies:\n  - name: f\n    pause_on: {a: b}\n    clocks: {}\n"), 3, 15,
           "policies[0].pause_on", "expected a list of statuses, got a mapping");
  check_at(only_problem(std::string("calendars: [a]\n") + minimal_policies), 1, 12, "calendars",
           "expected calendars by name (a mapping)");
  check_at(only_problem(std::string(minimal_policies) + "impact: {a: b}\n"), 4, 9, "impact",
           "expected a list of impact rules");
  check_at(only_problem(std::string("escalations:\n  s: {level: 1}\n") + minimal_policies), 2, 6,
           "escalations.s", "expected a list of levels");
}

TEST_CASE("missing required keys are reported where they belong", "[load][errors]") {
  check_at(only_problem("policies:\n  - clocks: {}\n"), 2, 5, "policies[0].name", "missing `name`");
  check_at(only_problem("policies:\n  - name: f\n"), 2, 5, "policies[0].clocks",
           "missing `clocks`");
  check_at(only_problem("policies:\n  - name: f\n    clocks: {triage: {calendar: always}}\n"), 3,
           22, "policies[0].clocks.triage.target", "missing `target`");
  check_at(only_problem(std::string("calendars:\n  c: {timezone: UTC}\n") + minimal_policies), 2, 6,
           "calendars.c.hours", "missing `hours`");
  check_at(only_problem(std::string("calendars:\n  c: {hours: {mon: \"08:00-17:00\"}}\n") +
                        minimal_policies),
           2, 6, "calendars.c.timezone", "missing `timezone`");
  check_at(only_problem(std::string("receivers:\n  r: {hours: always}\n") + minimal_policies), 2, 6,
           "receivers.r", "needs `alertmanager");
  check_at(only_problem(std::string("receivers:\n  r: {webhook: {format: slawatch}}\n") +
                        minimal_policies),
           2, 16, "receivers.r.webhook.url", "missing `url`");
  auto problems = problems_of(std::string(minimal_policies) + "impact:\n  - {name: x}\n");
  REQUIRE(problems.size() == 2);
  check_at(problems[0], 5, 5, "impact[0].when", "missing `when`");
  check_at(problems[1], 5, 5, "impact[0].level", "missing `level`");
  check_at(only_problem("version: \"1\"\n"), 1, 1, "policies", "at least one policy");
  check_at(only_problem("policies: []\n"), 1, 11, "policies", "expected a list of policies");
}

TEST_CASE("bad durations and percentages are refused at their node", "[load][errors]") {
  check_at(only_problem("policies:\n  - name: f\n    clocks: {triage: {target: 15x}}\n"), 3, 31,
           "policies[0].clocks.triage.target", "invalid duration");
  check_at(only_problem("policies:\n  - name: f\n    clocks: {triage: 0}\n"), 3, 22,
           "policies[0].clocks.triage", "longer than 0s");
  check_at(only_problem("policies:\n  - name: f\n    warn_at: [50%, lots]\n    clocks: {}\n"), 3,
           20, "policies[0].warn_at[1]", "");
  check_at(
      only_problem("policies:\n  - name: f\n    clocks: {triage: {target: 1h, warn_at: [100%]}}\n"),
      3, 45, "policies[0].clocks.triage.warn_at[0]", "below 100%");
  check_at(only_problem(std::string("escalations:\n  s:\n    - {level: 1, at: later}\n") +
                        minimal_policies),
           3, 22, "escalations.s[0].at", "expected `breach`");
  check_at(only_problem(std::string("escalations:\n  s:\n    - {level: 1, at: breach+1y}\n") +
                        minimal_policies),
           3, 22, "escalations.s[0].at", "invalid duration");
  check_at(only_problem(std::string("escalations:\n  s:\n    - {level: 0, at: breach}\n") +
                        minimal_policies),
           3, 15, "escalations.s[0].level", "whole number from 1");
  check_at(only_problem("policies:\n  - name: m\n    match: {revenue_impact: {gt: lots}}\n"
                        "    clocks: {}\n  - {name: f, clocks: {}}\n"),
           3, 34, "policies[0].match.revenue_impact.gt", "expected a number");
}

TEST_CASE("calendar mistakes are refused", "[load][errors]") {
  const std::string head = "calendars:\n  c:\n    timezone: America/New_York\n";
  SECTION("bad interval") {
    check_at(
        only_problem(head + "    hours: {mon: [\"08:00-18:00\", \"8-18\"]}\n" + minimal_policies),
        4, 34, "calendars.c.hours.mon[1]", "");
  }
  SECTION("start after end") {
    check_at(only_problem(head + "    hours: {tue: \"18:00-08:00\"}\n" + minimal_policies), 4, 18,
             "calendars.c.hours.tue", "");
  }
  SECTION("overlapping intervals") {
    check_at(only_problem(head + "    hours: {wed: [\"13:00-18:00\", \"08:00-13:30\"]}\n" +
                          minimal_policies),
             4, 18, "calendars.c.hours.wed", "08:00-13:30 and 13:00-18:00 overlap");
  }
  SECTION("overlapping override intervals") {
    check_at(only_problem(head +
                          "    hours: 24/7\n    overrides:\n"
                          "      2026-12-24: [\"08:00-12:00\", \"08:00-09:00\"]\n" +
                          minimal_policies),
             6, 19, "calendars.c.overrides.2026-12-24", "overlap");
  }
  SECTION("unknown zone") {
    check_at(only_problem("calendars:\n  c:\n    timezone: Mars/Olympus_Mons\n    hours: 24/7\n" +
                          std::string(minimal_policies)),
             3, 5, "calendars.c", "");
  }
  SECTION("no open time") {
    check_at(only_problem(head + "    hours: {mon: [], sat: []}\n" + minimal_policies), 3, 5,
             "calendars.c", "");
  }
  SECTION("hours neither 24/7 nor days") {
    check_at(only_problem(head + "    hours: weekdays\n" + minimal_policies), 4, 12,
             "calendars.c.hours", "expected `24/7`");
  }
  SECTION("bad holiday") {
    check_at(
        only_problem(head + "    hours: 24/7\n    holidays: [2026-02-30]\n" + minimal_policies), 5,
        16, "calendars.c.holidays[0]", "expected a date");
  }
  SECTION("bad override date") {
    check_at(
        only_problem(head + "    hours: 24/7\n    overrides: {christmas: []}\n" + minimal_policies),
        5, 17, "calendars.c.overrides.christmas", "expected a date");
  }
  SECTION("a date both holiday and override") {
    check_at(only_problem(head +
                          "    hours: 24/7\n    holidays: [2026-12-24]\n"
                          "    overrides: {2026-12-24: [\"08:00-12:00\"]}\n" +
                          minimal_policies),
             6, 17, "calendars.c.overrides.2026-12-24", "both a holiday and an override");
  }
  SECTION("a day given twice") {
    check_at(only_problem(head + "    hours: {mon: \"08:00-12:00\", Monday: \"13:00-14:00\"}\n" +
                          minimal_policies),
             4, 33, "calendars.c.hours.Monday", "given twice");
  }
}

TEST_CASE("references must resolve", "[load][errors]") {
  SECTION("policy and clock calendars") {
    auto problems = problems_of(R"(calendars:
  business: {hours: 24/7}
policies:
  - name: f
    calendar: busines
    clocks: {triage: {target: 1h, calendar: nowhere}}
)");
    REQUIRE(problems.size() == 2);
    check_at(problems[0], 5, 15, "policies[0].calendar",
             "unknown calendar `busines`; did you mean `business`?");
    check_at(problems[1], 6, 45, "policies[0].clocks.triage.calendar",
             "unknown calendar `nowhere`");
  }
  SECTION("default calendar") {
    check_at(only_problem(std::string("default_calendar: office\n") + minimal_policies), 1, 19,
             "default_calendar", "unknown calendar `office`");
  }
  SECTION("escalation and receivers") {
    auto problems = problems_of(R"(receivers:
  boss: {alertmanager: {severity: page}, hours: office, outside_hours: nobody}
escalations:
  standard:
    - {level: 1, at: breach, notify: [bos]}
policies:
  - name: f
    escalation: standad
    notify: [boss, ghost]
    clocks: {}
)");
    REQUIRE(problems.size() == 5);
    check_at(problems[0], 2, 49, "receivers.boss.hours", "unknown calendar `office`");
    check_at(problems[1], 2, 72, "receivers.boss.outside_hours", "unknown receiver `nobody`");
    check_at(problems[2], 5, 39, "escalations.standard[0].notify[0]",
             "unknown receiver `bos`; did you mean `boss`?");
    check_at(problems[3], 8, 17, "policies[0].escalation", "did you mean `standard`?");
    check_at(problems[4], 9, 20, "policies[0].notify[1]", "unknown receiver `ghost`");
  }
  SECTION("a broken calendar is reported once, not at each reference") {
    auto problems = problems_of(R"(calendars:
  office: {timezone: Nowhere/Land, hours: {mon: "09:00-17:00"}}
policies:
  - name: f
    calendar: office
    clocks: {}
)");
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].path == "calendars.office");
  }
  SECTION("outside_hours needs hours and must not loop") {
    auto problems = problems_of(R"(calendars:
  office: {hours: 24/7}
receivers:
  a: {alertmanager: {severity: page}, outside_hours: b}
  b: {alertmanager: {severity: page}, hours: office, outside_hours: c}
  c: {alertmanager: {severity: page}, hours: office, outside_hours: b}
)" + std::string(minimal_policies));
    REQUIRE(problems.size() == 3);
    check_at(problems[0], 4, 39, "receivers.a.outside_hours", "needs `hours`");
    check_at(problems[1], 5, 69, "receivers.b.outside_hours", "leads back to itself");
    check_at(problems[2], 6, 69, "receivers.c.outside_hours", "leads back to itself");
  }
}

TEST_CASE("duplicate names are refused", "[load][errors]") {
  auto problems = problems_of(R"(escalations:
  s:
    - {level: 1, at: breach}
    - {level: 1, at: breach+1h}
impact:
  - {name: legal, when: {legal_risk: true}, level: 2}
  - {name: legal, when: {legal_risk: yes}, level: 2}
policies:
  - {name: a, match: {priority: P1}, clocks: {}}
  - {name: a, clocks: {}}
)");
  REQUIRE(problems.size() == 3);
  check_at(problems[0], 4, 7, "escalations.s[1].level", "level 1 is given twice (first on line 3)");
  check_at(problems[1], 7, 12, "impact[1].name", "duplicate impact rule name `legal`");
  check_at(problems[2], 10, 12, "policies[1].name", "duplicate policy name `a` (first on line 9)");
}

TEST_CASE("the last policy must be a fallback, and nothing may follow a catch-all",
          "[load][errors]") {
  check_at(only_problem("policies:\n  - {name: a, match: {priority: P1}, clocks: {}}\n"), 2, 5,
           "policies[0]", "no fallback policy");
  auto problems = problems_of(
      "policies:\n  - {name: all, match: {}, clocks: {}}\n"
      "  - {name: b, match: {priority: P1}, clocks: {}}\n  - {name: c, clocks: {}}\n");
  REQUIRE(problems.size() == 2);
  check_at(problems[0], 3, 5, "policies[1]", "can never apply: `all` (policies[0])");
  check_at(problems[1], 4, 5, "policies[2]", "can never apply");
}

TEST_CASE("bad matchers are refused", "[load][errors]") {
  const auto with_match = [](const std::string& match) {
    return "policies:\n  - name: m\n    match: " + match +
           "\n    clocks: {}\n  - {name: f, clocks: {}}\n";
  };
  check_at(only_problem(with_match("{team: {regex: \"(unclosed\"}}")), 3, 27,
           "policies[0].match.team.regex", "invalid regular expression");
  check_at(only_problem(with_match("{team: []}")), 3, 19, "policies[0].match.team",
           "empty list matches nothing");
  check_at(only_problem(with_match("{team: }")), 3, 19, "policies[0].match.team", "got nothing");
  check_at(only_problem(with_match("{team: [{a: b}]}")), 3, 20, "policies[0].match.team[0]",
           "expected a value");
  check_at(only_problem(with_match("{team: {}}")), 3, 19, "policies[0].match.team", "no operator");
  check_at(only_problem(with_match("{n: {not: {gt: 1, lt: 5}}}")), 3, 22, "policies[0].match.n.not",
           "`not` takes one operator");
  check_at(only_problem(with_match("[priority]")), 3, 12, "policies[0].match",
           "expected attribute conditions");
  check_at(
      only_problem(
          "policies:\n  - {name: f, clocks: {}}\nimpact:\n  - {name: all, when: {}, level: 1}\n"),
      4, 23, "impact[0].when", "empty `when`");
}

TEST_CASE("bad retarget and webhook settings are refused", "[load][errors]") {
  check_at(only_problem(std::string("retarget: restrat\n") + minimal_policies), 1, 11, "retarget",
           "did you mean `restart`?");
  check_at(only_problem(std::string("receivers:\n  r: {webhook: {url: \"ftp://x\"}}\n") +
                        minimal_policies),
           2, 22, "receivers.r.webhook.url", "http://");
  check_at(
      only_problem(std::string("receivers:\n  r: {webhook: {url: \"http://x\", format: json}}\n") +
                   minimal_policies),
      2, 42, "receivers.r.webhook.format", "unknown webhook format `json`");
}

TEST_CASE("every problem of a file is reported at once, in file order", "[load][errors]") {
  auto problems = problems_of(R"(retarget: sometimes
calendars:
  c: {timezone: UTC, hours: {mon: "09:00-25:00"}}
policies:
  - name: p1
    match: {priority: P1}
    clocks:
      first_response: {target: 15 minutes}
      resolution: {target: 4h, calendar: c}
  - name: p2
    match: {priority: P2}
    clocks: {triage: {target: 1h}}
    escalaton: standard
)");
  REQUIRE(problems.size() == 5);
  check_at(problems[0], 1, 11, "retarget", "unknown retarget mode");
  check_at(problems[1], 3, 35, "calendars.c.hours.mon", "");
  check_at(problems[2], 8, 32, "policies[0].clocks.first_response.target", "invalid duration");
  check_at(problems[3], 10, 5, "policies[1]", "no fallback policy");
  check_at(problems[4], 13, 5, "policies[1].escalaton", "did you mean `escalation`?");
  CHECK(to_string(problems[2])
            .rfind("rules.yaml:8:32: policies[0].clocks.first_response.target: ", 0) == 0);
}

TEST_CASE("keys that are not text and incomplete escalation levels are refused", "[load][errors]") {
  check_at(only_problem(std::string("[a, b]: c\n") + minimal_policies), 1, 1, "",
           "a key must be text, got a list");
  auto problems = problems_of(std::string("escalations:\n  s:\n    - {notify: []}\n"
                                          "    - {level: 2, at: 0%}\n") +
                              minimal_policies);
  REQUIRE(problems.size() == 3);
  check_at(problems[0], 3, 7, "escalations.s[0].level", "missing `level`");
  check_at(problems[1], 3, 7, "escalations.s[0].at", "missing `at`");
  check_at(problems[2], 4, 22, "escalations.s[1].at", "above 0%");
}
