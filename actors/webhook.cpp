#include "actors/webhook.hpp"

#include <nlohmann/json.hpp>

#include "actors/alert.hpp"
#include "bridge/signature.hpp"
#include "rules/codec.hpp"
#include "rules/time.hpp"

namespace slawatch::actors {

std::string webhook_signature(const std::string& secret, const std::string& body) {
  return "sha256=" + bridge::hex_encode(bridge::hmac_sha256(secret, body));
}

http_post slawatch_webhook(const std::string& url, const rules::record& notification, const std::string& secret) {
  http_post post;
  post.url = url;
  post.body = rules::encode_record_json(notification);
  post.headers = {{"Content-Type", "application/json"},
                  {idempotency_header, notification.id},
                  {signature_header, webhook_signature(secret, post.body)}};
  return post;
}

http_post pagerduty_event(const std::string& url, const std::string& routing_key, const rules::record& n,
                          const case_context& context, const std::string& case_link, bool resolve) {
  const std::string dedup_key = clock_key(n);
  nlohmann::json body = {
      {"routing_key", routing_key},
      {"event_action", resolve ? "resolve" : "trigger"},
      {"dedup_key", dedup_key},
  };
  if (!resolve) {
    const std::string priority = context.priority.empty() ? "" : context.priority + " ";
    std::string what = n.notification_kind == "warning"  ? "at " + std::to_string(n.threshold_bp / 100) + "% of its target"
                       : n.notification_kind == "breach" ? "breached its SLA"
                                                         : "escalated to level " + std::to_string(n.level);
    nlohmann::json details = {{"notification_id", n.id}, {"kind", n.notification_kind},
                              {"level", n.level},        {"clock", n.metric},
                              {"cycle", n.cycle},        {"policy", n.policy},
                              {"due", rules::format_iso8601(n.due_at)}};
    if (!n.reason.empty()) details["reason"] = n.reason;
    body["payload"] = {
        {"summary", priority + "case " + n.case_id + ": " + n.metric + " " + what},
        {"source", "slawatch"},
        // PagerDuty severities: critical, error, warning, info.
        {"severity", n.notification_kind == "warning" ? "warning" : "critical"},
        {"timestamp", rules::format_iso8601(n.at)},
        {"component", n.metric},
        {"class", n.notification_kind},
        {"custom_details", details},
    };
    if (!context.team.empty()) body["payload"]["group"] = context.team;
    if (!case_link.empty()) body["links"] = nlohmann::json::array({{{"href", case_link}, {"text", "case " + n.case_id}}});
  }
  http_post post;
  post.url = url;
  post.body = body.dump();
  post.headers = {{"Content-Type", "application/json"}, {idempotency_header, resolve ? dedup_key + ":resolve" : n.id}};
  return post;
}

}  // namespace slawatch::actors
