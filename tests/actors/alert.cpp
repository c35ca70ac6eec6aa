// Alertmanager alerts from notification records, and which audit records end them: pure
// functions, checked on their JSON.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "actors/alert.hpp"
#include "rules/time.hpp"

using namespace slawatch;
using namespace slawatch::actors;
using namespace std::chrono_literals;

namespace {

rules::record breach() {
  rules::record r;
  r.type = rules::record::kind::notification;
  r.id = "CS-20260302-0001:first_response:1:breach:0";
  r.case_id = "CS-20260302-0001";
  r.metric = "first_response";
  r.cycle = 1;
  r.policy = "p1-critical";
  r.notification_kind = "breach";
  r.level = 0;
  r.due_at = *rules::parse_iso8601("2026-03-02T09:15:00Z");
  r.at = r.due_at;
  r.notify = {"on-call"};
  return r;
}

rules::record audit(const std::string& action, const std::string& metric, int cycle = 1) {
  rules::record r;
  r.type = rules::record::kind::audit;
  r.case_id = "CS-20260302-0001";
  r.metric = metric;
  r.cycle = cycle;
  r.action = action;
  return r;
}

}  // namespace

TEST_CASE("alert names follow the notification kind", "[alert]") {
  CHECK(std::string{alert_name("warning")} == "SlaWarning");
  CHECK(std::string{alert_name("breach")} == "SlaBreach");
  CHECK(std::string{alert_name("escalation")} == "SlaEscalation");
  CHECK(std::string{alert_name("something")} == "SlaNotification");
}

TEST_CASE("a breach alert has identifying labels, annotations and times", "[alert]") {
  const auto ends = std::chrono::system_clock::time_point{*rules::parse_iso8601("2026-03-02T09:19:00Z")} + 250ms;
  const auto text = alertmanager_alert(breach(), {"P1", "billing", "email"}, "on-call", "page",
                                       "http://127.0.0.1:9465/", ends);
  const auto a = nlohmann::json::parse(text);
  const nlohmann::json labels = {{"alertname", "SlaBreach"}, {"case_id", "CS-20260302-0001"},
                                 {"clock", "first_response"}, {"cycle", "1"},
                                 {"level", "0"},              {"receiver", "on-call"},
                                 {"priority", "P1"},          {"team", "billing"},
                                 {"channel", "email"},        {"severity", "page"}};
  CHECK(a["labels"] == labels);
  CHECK(a["startsAt"] == "2026-03-02T09:15:00.000Z");
  CHECK(a["endsAt"] == "2026-03-02T09:19:00.250Z");
  CHECK(a["generatorURL"] == "http://127.0.0.1:9465/api/v1/cases/CS-20260302-0001");
  CHECK(a["annotations"]["case_url"] == a["generatorURL"]);
  CHECK(a["annotations"]["due"] == "2026-03-02T09:15:00Z");
  CHECK(a["annotations"]["policy"] == "p1-critical");
  CHECK(a["annotations"]["late"] == "at its due time");
  CHECK(a["annotations"]["notification_id"] == "CS-20260302-0001:first_response:1:breach:0");
  CHECK(a["annotations"]["summary"] == "P1 case CS-20260302-0001: first_response breached its SLA");
}

TEST_CASE("escalations say how late, warnings how long is left; empty labels are left out", "[alert]") {
  auto esc = breach();
  esc.notification_kind = "escalation";
  esc.level = 2;
  esc.reason = "time";
  esc.at = esc.due_at + 3600s + 300s;
  const auto e = nlohmann::json::parse(alertmanager_alert(esc, {}, "department-head", "", "", {}));
  CHECK(e["labels"]["alertname"] == "SlaEscalation");
  CHECK(e["labels"]["level"] == "2");
  CHECK_FALSE(e["labels"].contains("priority"));
  CHECK_FALSE(e["labels"].contains("team"));
  CHECK_FALSE(e["labels"].contains("severity"));
  CHECK(e["annotations"]["late"] == "1h 5m late");
  CHECK(e["annotations"]["summary"] == "case CS-20260302-0001: first_response escalated to level 2 (time)");
  CHECK_FALSE(e.contains("generatorURL"));  // no case API configured: no link
  CHECK_FALSE(e["annotations"].contains("case_url"));

  auto warn = breach();
  warn.notification_kind = "warning";
  warn.level = 1;
  warn.threshold_bp = 7500;
  warn.at = warn.due_at - 225s;
  const auto w = nlohmann::json::parse(alertmanager_alert(warn, {"P2", "", ""}, "r", "warning", "", {}));
  CHECK(w["annotations"]["late"] == "due in 3m 45s");
  CHECK(w["annotations"]["summary"] == "P2 case CS-20260302-0001: first_response reached 75% of its target");
}

TEST_CASE("the body of a post is a JSON array of alerts", "[alert]") {
  CHECK(alertmanager_body({}) == "[]");
  CHECK(alertmanager_body({"{\"a\":1}", "{\"b\":2}"}) == "[{\"a\":1},{\"b\":2}]");
}

TEST_CASE("clock stops end their clock's alerts; resolving or closing ends all of the case's", "[alert]") {
  const auto n = breach();
  CHECK(clock_key(n) == "CS-20260302-0001:first_response:1");
  for (const char* action : {"met", "stopped_breached", "cancelled"}) {
    const auto scope = ended_by(audit(action, "first_response"));
    REQUIRE(scope);
    CHECK(in_scope(*scope, n));
    CHECK_FALSE(in_scope(*ended_by(audit(action, "resolution")), n));
    CHECK_FALSE(in_scope(*ended_by(audit(action, "first_response", 2)), n));  // the next cycle's clock
  }
  for (const char* action : {"resolved", "closed"}) {
    const auto scope = ended_by(audit(action, "case"));
    REQUIRE(scope);
    CHECK(in_scope(*scope, n));
    auto impact = n;
    impact.metric = "impact";
    CHECK(in_scope(*scope, impact));
    auto other = n;
    other.case_id = "CS-20260302-00011";
    CHECK_FALSE(in_scope(*scope, other));
  }
  for (const char* action : {"clock_started", "paused", "resumed", "breached", "escalated", "reopened"})
    CHECK_FALSE(ended_by(audit(action, "first_response")));
  CHECK_FALSE(ended_by(n));
}

TEST_CASE("case links percent-encode the id", "[alert]") {
  CHECK(case_url("http://h:9465", "CS-1") == "http://h:9465/api/v1/cases/CS-1");
  CHECK(case_url("http://h:9465//", "a b/c") == "http://h:9465/api/v1/cases/a%20b%2Fc");
  CHECK(case_url("", "CS-1").empty());
}

TEST_CASE("durations for people show the two largest units", "[alert]") {
  CHECK(human_duration(0s) == "0s");
  CHECK(human_duration(42s) == "42s");
  CHECK(human_duration(3600s) == "1h");
  CHECK(human_duration(3900s) == "1h 5m");
  CHECK(human_duration(3605s) == "1h");
  CHECK(human_duration(2 * 86400s + 3 * 3600s + 7s) == "2d 3h");
  CHECK(human_duration(-90s) == "1m 30s");
}

TEST_CASE("alert context takes priority upper-case, team and channel", "[alert]") {
  const auto c = context_of({{"priority", "p1"}, {"team", "billing"}, {"channel", "chat"}, {"customer_tier", "gold"}});
  CHECK(c.priority == "P1");
  CHECK(c.team == "billing");
  CHECK(c.channel == "chat");
  CHECK(context_of({}).priority.empty());
}
