// Webhook requests from notification records: the `slawatch` shape (the record itself, signed)
// and the PagerDuty Events API v2 shape. Pure functions: no I/O, no clock.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "actors/messages.hpp"
#include "rules/engine.hpp"

namespace slawatch::actors {

/// Header carrying `sha256=<hex HMAC-SHA256(secret, body)>` on `slawatch` webhooks.
inline constexpr const char* signature_header = "X-Slawatch-Signature";
/// Header carrying the notification id: the same id means the same page (receivers dedup on it).
inline constexpr const char* idempotency_header = "Idempotency-Key";

/// One HTTP POST to make.
struct http_post {
  std::string url;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  ///< Content-Type included
};

/// `sha256=` + lower-case hex HMAC-SHA256 of `body` under `secret` (bridge/signature.hpp).
std::string webhook_signature(const std::string& secret, const std::string& body);

/// The `slawatch` webhook: the notification record as rules::encode_record_json() writes it,
/// signed with `secret`, with the record id as the idempotency key.
http_post slawatch_webhook(const std::string& url, const rules::record& notification, const std::string& secret);

/// PagerDuty Events API v2 (`event_action` trigger or resolve). One incident per clock: the
/// dedup key is the clock (case, clock, cycle), so a breach and its escalations update one
/// incident and a resolve closes it. `notification` gives the payload of a trigger; for a resolve
/// only its case, clock and cycle are used. The idempotency header carries the notification id
/// (trigger) or `<clock key>:resolve`.
http_post pagerduty_event(const std::string& url, const std::string& routing_key, const rules::record& notification,
                          const case_context& context, const std::string& case_link, bool resolve);

}  // namespace slawatch::actors
