// Webhook requests: the signed `slawatch` shape and PagerDuty Events v2, checked on their bytes.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "actors/webhook.hpp"
#include "rules/codec.hpp"
#include "rules/time.hpp"

using namespace slawatch;
using namespace slawatch::actors;

namespace {

rules::record breach() {
  rules::record r;
  r.type = rules::record::kind::notification;
  r.id = "CS-20260302-0001:first_response:1:breach:0";
  r.case_id = "CS-20260302-0001";
  r.metric = "first_response";
  r.policy = "p1-critical";
  r.notification_kind = "breach";
  r.due_at = *rules::parse_iso8601("2026-03-02T09:15:00Z");
  r.at = r.due_at;
  r.notify = {"department-head"};
  return r;
}

std::string header(const http_post& p, const std::string& name) {
  for (const auto& [n, v] : p.headers)
    if (n == name) return v;
  return {};
}

}  // namespace

TEST_CASE("webhook signatures are HMAC-SHA256 of the body in hex", "[webhook]") {
  // python3 -c 'import hmac,hashlib; print(hmac.new(b"s3cret", b"{\"a\":1}", hashlib.sha256).hexdigest())'
  CHECK(webhook_signature("s3cret", "{\"a\":1}") ==
        "sha256=5910e62016ef5034272c926c27071992a465c2335cecf41851bda071577f4f6d");
  CHECK(webhook_signature("other", "{\"a\":1}") != webhook_signature("s3cret", "{\"a\":1}"));
}

TEST_CASE("a slawatch webhook posts the record, signed, with its id as idempotency key", "[webhook]") {
  const auto n = breach();
  const auto post = slawatch_webhook("http://127.0.0.1:9000/hook", n, "s3cret");
  CHECK(post.url == "http://127.0.0.1:9000/hook");
  CHECK(post.body == rules::encode_record_json(n));
  CHECK(header(post, "Content-Type") == "application/json");
  CHECK(header(post, "Idempotency-Key") == n.id);
  CHECK(header(post, "X-Slawatch-Signature") == webhook_signature("s3cret", post.body));
}

TEST_CASE("PagerDuty events trigger and resolve one incident per clock", "[webhook]") {
  const auto n = breach();
  const auto trigger = pagerduty_event("https://events.pagerduty.com/v2/enqueue", "R0UT1NG", n,
                                       {"P1", "billing", "email"}, "http://h/api/v1/cases/CS-20260302-0001", false);
  const auto t = nlohmann::json::parse(trigger.body);
  CHECK(t["routing_key"] == "R0UT1NG");
  CHECK(t["event_action"] == "trigger");
  CHECK(t["dedup_key"] == "CS-20260302-0001:first_response:1");
  CHECK(t["payload"]["summary"] == "P1 case CS-20260302-0001: first_response breached its SLA");
  CHECK(t["payload"]["source"] == "slawatch");
  CHECK(t["payload"]["severity"] == "critical");
  CHECK(t["payload"]["timestamp"] == "2026-03-02T09:15:00Z");
  CHECK(t["payload"]["group"] == "billing");
  CHECK(t["payload"]["custom_details"]["notification_id"] == n.id);
  CHECK(t["links"][0]["href"] == "http://h/api/v1/cases/CS-20260302-0001");
  CHECK(header(trigger, "Idempotency-Key") == n.id);

  auto warn = n;
  warn.notification_kind = "warning";
  CHECK(nlohmann::json::parse(pagerduty_event("u", "k", warn, {}, "", false).body)["payload"]["severity"] == "warning");

  const auto resolve = pagerduty_event("https://events.pagerduty.com/v2/enqueue", "R0UT1NG", n, {}, "", true);
  const auto r = nlohmann::json::parse(resolve.body);
  CHECK(r["event_action"] == "resolve");
  CHECK(r["dedup_key"] == t["dedup_key"]);
  CHECK_FALSE(r.contains("payload"));
  CHECK(header(resolve, "Idempotency-Key") == "CS-20260302-0001:first_response:1:resolve");
}
