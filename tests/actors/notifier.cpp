// The notifier on CAF's deterministic scheduler with a manual clock and a fake HTTP transport:
// what is posted where, retries with backoff, dead letters, resends and resolves. Redis is
// unreachable here (send markers are the integration tests' business), so every delivery is a
// first one.
#include <catch2/catch.hpp>

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <nlohmann/json.hpp>
#include <prometheus/text_serializer.h>

#include "actors/notifier.hpp"
#include "rules/load.hpp"
#include "rules/time.hpp"
#include "tests/actors/deterministic_system.hpp"

using namespace slawatch;
using namespace slawatch::actors;
using namespace std::chrono_literals;

namespace {

const char* rules_text =
    "version: t1\n"
    "calendars: {always: {timezone: UTC, hours: 24/7}}\n"
    "receivers:\n"
    "  on-call: {alertmanager: {severity: page}}\n"
    "  hook: {webhook: {url: \"http://127.0.0.1:1/hook\"}}\n"
    "  pd: {webhook: {url: \"http://127.0.0.1:1/pd\", format: pagerduty}}\n"
    "policies:\n"
    "  - name: fallback\n"
    "    clocks: {first_response: {target: 15m}}\n"
    "    notify: [on-call, hook, pd]\n";

std::shared_ptr<const rules::rule_set> test_rules() {
  auto loaded = rules::load_rules(rules_text, "test.yaml");
  if (!loaded) {
    for (const auto& p : loaded.error()) UNSCOPED_INFO(rules::to_string(p));
    FAIL("test rules do not load");
  }
  return std::make_shared<const rules::rule_set>(std::move(*loaded));
}

/// Records every post; answers with the statuses queued for its URL, then 200.
struct fake_http {
  std::vector<http_post> posts;
  std::map<std::string, std::vector<int>> answers;
  std::vector<http_post> to(const std::string& url_part) const {
    std::vector<http_post> out;
    for (const auto& p : posts)
      if (p.url.find(url_part) != std::string::npos) out.push_back(p);
    return out;
  }
};

rules::record breach(const std::vector<std::string>& receivers) {
  rules::record r;
  r.type = rules::record::kind::notification;
  r.id = "CS-1:first_response:1:breach:0";
  r.case_id = "CS-1";
  r.metric = "first_response";
  r.notification_kind = "breach";
  r.due_at = *rules::parse_iso8601("2026-03-02T09:15:00Z");
  r.at = r.due_at;
  r.notify = receivers;
  return r;
}

rules::record met() {
  rules::record r;
  r.type = rules::record::kind::audit;
  r.case_id = "CS-1";
  r.metric = "first_response";
  r.action = "met";
  return r;
}

struct fixture : test::deterministic_system {
  std::shared_ptr<const rules::rule_set> rules = test_rules();
  std::shared_ptr<metrics> stats = std::make_shared<metrics>("test", *rules);
  std::shared_ptr<fake_http> http = std::make_shared<fake_http>();
  caf::actor notifier;

  notify_config config;

  explicit fixture(notify_config c, notify_channels channels = notify_channels::all) : config(std::move(c)) {
    wall_start += 15min;  // the tests' times are from 09:15
    notifier = spawn_notifier(channels);
  }
  caf::actor spawn_notifier(notify_channels channels) {
    notifier_settings s;
    s.endpoint = {"127.0.0.1", 1, "", "", 0};  // nothing listens: no send markers
    s.config = config;
    s.rules = rules;
    s.webhook_secret = "s3cret";
    s.routing_keys = {{"pd", "R0UT1NG"}};
    s.channels = channels;
    auto h = http;
    auto spawned = sys.spawn(notifier_actor, s, stats, time_source(), [h](const http_post& p, std::chrono::seconds) {
      h->posts.push_back(p);
      auto& queued = h->answers[p.url];
      if (queued.empty()) return http_result{200, ""};
      const int status = queued.front();
      queued.erase(queued.begin());
      return http_result{status, status == 0 ? "connection refused" : ""};
    });
    sched.run();
    return spawned;
  }
  ~fixture() {
    caf::anon_send(notifier, stop_atom::value);
    sched.run();
  }
  void send(std::vector<rules::record> records) {
    notify_batch b;
    b.records = std::move(records);
    b.cases["CS-1"] = {"P1", "billing", "email"};
    caf::anon_send(notifier, std::move(b));
    sched.run();
  }
  std::string metrics_text() const { return prometheus::TextSerializer{}.Serialize(stats->registry()->Collect()); }
  bool has_metric(const std::string& line) const { return metrics_text().find(line) != std::string::npos; }
};

notify_config two_alertmanagers() {
  notify_config c;
  c.alertmanagers = {"http://am1:9093", "http://am2:9093/"};
  c.resend_interval = 60s;
  c.retries = 2;
  c.backoff = 1s;
  c.backoff_max = 60s;
  return c;
}

}  // namespace

TEST_CASE("a breach is posted to every Alertmanager and every webhook of its receivers", "[notifier]") {
  fixture f{two_alertmanagers()};
  f.send({breach({"on-call", "hook", "pd"})});
  REQUIRE(f.http->to("am1").size() == 1);
  REQUIRE(f.http->to("am2").size() == 1);
  CHECK(f.http->to("am1")[0].url == "http://am1:9093/api/v2/alerts");
  CHECK(f.http->to("am2")[0].url == "http://am2:9093/api/v2/alerts");
  const auto alerts = nlohmann::json::parse(f.http->to("am1")[0].body);
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0]["labels"]["receiver"] == "on-call");
  CHECK(alerts[0]["labels"]["team"] == "billing");
  // Active: endsAt four resend periods ahead of now (09:15:00).
  CHECK(alerts[0]["endsAt"] == "2026-03-02T09:19:00.000Z");

  REQUIRE(f.http->to("/hook").size() == 1);
  CHECK(f.http->to("/hook")[0].body.find("\"kind\":\"breach\"") != std::string::npos);
  REQUIRE(f.http->to("/pd").size() == 1);
  CHECK(nlohmann::json::parse(f.http->to("/pd")[0].body)["event_action"] == "trigger");
  CHECK(f.has_metric("slawatch_notify_deliveries_total{channel=\"alertmanager\",receiver=\"on-call\",result=\"sent\"} 2"));
  CHECK(f.has_metric("slawatch_notify_deliveries_total{channel=\"webhook\",receiver=\"hook\",result=\"sent\"} 1"));
  CHECK(f.has_metric("slawatch_notify_active_alerts 1"));
}

TEST_CASE("a notifier for one channel pages by that channel alone", "[notifier]") {
  SECTION("Alertmanager") {
    fixture f{two_alertmanagers(), notify_channels::alertmanager};
    f.send({breach({"on-call", "hook", "pd", "nobody"})});
    CHECK(f.http->to("am1").size() == 1);
    CHECK(f.http->to("am2").size() == 1);
    CHECK(f.http->to("/hook").empty());
    CHECK(f.http->to("/pd").empty());
    CHECK_FALSE(f.has_metric("receiver=\"nobody\""));  // the webhook notifier reports it
  }
  SECTION("webhooks") {
    fixture f{two_alertmanagers(), notify_channels::webhooks};
    f.send({breach({"on-call", "hook", "pd", "nobody"})});
    CHECK(f.http->to("am1").empty());
    CHECK(f.http->to("am2").empty());
    CHECK(f.http->to("/hook").size() == 1);
    CHECK(f.http->to("/pd").size() == 1);
    CHECK(f.has_metric("slawatch_notify_deliveries_total{channel=\"webhook\",receiver=\"nobody\",result=\"unconfigured\"} 1"));
    // Nothing to resend: a webhook notifier arms no resend timer.
    f.advance(10min);
    CHECK(f.http->posts.size() == 2);
  }
}

TEST_CASE("the fan-out hands every batch to one notifier per channel", "[notifier]") {
  fixture f{two_alertmanagers(), notify_channels::alertmanager};
  const auto hooks = f.spawn_notifier(notify_channels::webhooks);
  f.notifier = f.sys.spawn(notify_fanout, std::vector<caf::actor>{f.notifier, hooks});
  f.send({breach({"on-call", "hook", "pd"})});
  CHECK(f.http->to("am1").size() == 1);
  CHECK(f.http->to("am2").size() == 1);
  CHECK(f.http->to("/hook").size() == 1);
  CHECK(f.http->to("/pd").size() == 1);
  // The active-alert gauge is the Alertmanager notifier's: the webhook one leaves it alone.
  CHECK(f.has_metric("slawatch_notify_active_alerts 1"));
  // The clock stops: the alert is resolved in both Alertmanagers and the PagerDuty incident too.
  f.send({met()});
  CHECK(f.http->to("am1").size() == 2);
  CHECK(f.http->to("/pd").size() == 2);
  CHECK(f.has_metric("slawatch_notify_active_alerts 0"));
}

TEST_CASE("active alerts are re-sent each period and resolved when the clock stops", "[notifier]") {
  fixture f{two_alertmanagers()};
  f.send({breach({"on-call", "pd"})});
  f.advance(60s);
  REQUIRE(f.http->to("am1").size() == 2);
  const auto resent = nlohmann::json::parse(f.http->to("am1")[1].body);
  CHECK(resent[0]["endsAt"] == "2026-03-02T09:20:00.000Z");  // moved on with the clock
  CHECK(f.has_metric("result=\"resent\"} 2"));

  f.send({met()});
  REQUIRE(f.http->to("am1").size() == 3);
  const auto resolved = nlohmann::json::parse(f.http->to("am1")[2].body);
  CHECK(resolved[0]["endsAt"] == "2026-03-02T09:16:00.000Z");  // now: resolved
  REQUIRE(f.http->to("/pd").size() == 2);
  CHECK(nlohmann::json::parse(f.http->to("/pd")[1].body)["event_action"] == "resolve");
  CHECK(f.has_metric("slawatch_notify_active_alerts 0"));

  f.advance(120s);  // nothing active: no more resends
  CHECK(f.http->to("am1").size() == 3);
}

TEST_CASE("a failing webhook is retried with backoff, then dead-lettered", "[notifier]") {
  fixture f{two_alertmanagers()};
  f.http->answers["http://127.0.0.1:1/hook"] = {500, 0, 503};
  f.send({breach({"hook"})});
  CHECK(f.http->to("/hook").size() == 1);
  f.advance(999ms);
  CHECK(f.http->to("/hook").size() == 1);
  f.advance(1ms);  // first retry after 1 s
  CHECK(f.http->to("/hook").size() == 2);
  f.advance(1999ms);
  CHECK(f.http->to("/hook").size() == 2);
  f.advance(1ms);  // second after 2 s more
  CHECK(f.http->to("/hook").size() == 3);
  f.advance(600s);  // retries: 2, so that was the last one
  CHECK(f.http->to("/hook").size() == 3);
  CHECK(f.has_metric("slawatch_notify_deliveries_total{channel=\"webhook\",receiver=\"hook\",result=\"retried\"} 2"));
  CHECK(f.has_metric("slawatch_notify_deliveries_total{channel=\"webhook\",receiver=\"hook\",result=\"failed\"} 1"));
}

TEST_CASE("a client error is not retried", "[notifier]") {
  fixture f{two_alertmanagers()};
  f.http->answers["http://127.0.0.1:1/hook"] = {400};
  f.send({breach({"hook"})});
  f.advance(600s);
  CHECK(f.http->to("/hook").size() == 1);
  CHECK(f.has_metric("receiver=\"hook\",result=\"failed\"} 1"));
}

TEST_CASE("a firing post waiting for a retry is dropped once the clock stopped", "[notifier]") {
  fixture f{two_alertmanagers()};
  f.http->answers["http://am1:9093/api/v2/alerts"] = {500};
  f.send({breach({"on-call"})});
  f.send({met()});  // resolved before the retry is due
  f.advance(1s);
  const auto posts = f.http->to("am1");
  REQUIRE(posts.size() == 2);  // the failed firing post and the resolve, no late firing one
  CHECK(nlohmann::json::parse(posts[1].body)[0]["endsAt"] == "2026-03-02T09:15:00.000Z");
}

TEST_CASE("receivers without a configured channel are counted, not retried", "[notifier]") {
  notify_config c;  // no Alertmanager
  c.webhook_secret_file = "secret";
  fixture f{c};
  f.send({breach({"on-call", "nobody"})});
  f.send({breach({"on-call"})});
  CHECK(f.http->posts.empty());
  CHECK(f.has_metric("slawatch_notify_deliveries_total{channel=\"alertmanager\",receiver=\"on-call\",result=\"unconfigured\"} 2"));
  CHECK(f.has_metric("receiver=\"nobody\",result=\"unconfigured\"} 1"));
}

TEST_CASE("after a rules reload new receivers are paged and the old ones still known", "[notifier]") {
  fixture f{two_alertmanagers()};
  auto reloaded = rules::load_rules(
      "version: t2\n"
      "receivers:\n"
      "  night: {alertmanager: {severity: page}}\n"
      "policies:\n"
      "  - name: fallback\n"
      "    clocks: {first_response: {target: 15m}}\n"
      "    notify: [night]\n",
      "t2.yaml");
  REQUIRE(reloaded);
  caf::anon_send(f.notifier, rules_changed_msg{std::make_shared<const rules::rule_set>(std::move(*reloaded)), {}, nullptr});
  f.sched.run();
  f.send({breach({"night", "on-call"})});  // on-call: from a record made before the reload
  const auto posts = f.http->to("am1");
  REQUIRE(posts.size() == 2);
  CHECK(nlohmann::json::parse(posts[0].body)[0]["labels"]["receiver"] == "night");
  CHECK(nlohmann::json::parse(posts[1].body)[0]["labels"]["receiver"] == "on-call");
}
