// Pages people: posts alerts to every configured Alertmanager and webhooks to receivers, for the
// notification records the writer has made durable. Runs detached: HTTP and Redis block. The
// daemon runs one notifier per channel behind a fan-out (`notify_fanout`), so that a webhook
// receiver that is slow or down (each attempt may wait `notify.timeout`) does not hold up the
// pages to Alertmanager, and the other way round.
//
// Exactly one page per receiver and notification: before a first delivery the notifier claims
// `<prefix>:sent:<receiver>:<channel>:<notification id>` in Redis (`SET NX`, value `pending`),
// and marks it `sent` (or `dead_letter`) afterwards. A restart re-derives and re-emits records;
// a marker that says `sent` stops the second page. A marker left `pending` by a daemon that died
// mid-delivery is delivered again, and the receiver deduplicates it: Alertmanager by labels,
// webhooks by the `Idempotency-Key` header (the notification id), PagerDuty by `dedup_key`.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <caf/behavior.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/config.hpp"
#include "actors/messages.hpp"
#include "actors/metrics.hpp"
#include "actors/redis_connection.hpp"
#include "actors/webhook.hpp"
#include "rules/model.hpp"

namespace slawatch::actors {

/// What one HTTP request came to: a status (0 when there was no response) and, for logs and the
/// dead-letter stream, why it failed.
struct http_result {
  int status = 0;
  std::string error;
  bool ok() const { return status >= 200 && status < 300; }
  /// Worth trying again: no answer, 408, 429 or a server error. Other 4xx will fail again.
  bool retryable() const { return status == 0 || status == 408 || status == 429 || status >= 500; }
};

/// Makes one POST with the given timeout (connect, read and write each). Thread-safe.
using http_transport = std::function<http_result(const http_post&, std::chrono::seconds timeout)>;

/// cpp-httplib's blocking client, a new connection per request.
http_transport httplib_transport();

/// `<base>/api/v2/alerts` for an Alertmanager base URL (trailing slashes ignored).
std::string alertmanager_alerts_url(const std::string& base);

/// Which channels one notifier pages by.
enum class notify_channels { all, alertmanager, webhooks };

struct notifier_settings {
  redis_endpoint endpoint;
  notify_config config;
  std::shared_ptr<const rules::rule_set> rules;  ///< receivers; replaced by `rules_changed_msg`
  std::string webhook_secret;                      ///< empty: `slawatch` webhooks are not sent
  std::map<std::string, std::string> routing_keys;  ///< PagerDuty routing key by receiver
  /// `alertmanager`: only alerts (and their resends); `webhooks`: only webhooks and PagerDuty
  /// events, and the report of receivers missing from the rules.
  notify_channels channels = notify_channels::all;
};

/// One HTTP delivery, waiting for its next attempt or being made.
struct delivery {
  http_post post;
  std::string channel;         ///< alertmanager | webhook
  std::string receiver;        ///< for metrics and the dead-letter stream
  std::string result;          ///< metric result on success: sent | resolved
  std::string sent_key;        ///< marker to set to `sent` on success; empty: none
  std::string notification_id;
  std::string record_json;     ///< the notification record, for the dead-letter stream
  std::optional<std::chrono::system_clock::time_point> due;  ///< for the due-to-sent metric
  std::string firing_clock;    ///< an Alertmanager firing post: dropped once this clock ended
  int attempt = 0;             ///< attempts made
};

/// An alert the notifier keeps alive in Alertmanager until its clock stops or its case closes.
struct active_alert {
  rules::record notification;
  case_context context;
  std::string receiver;
  std::string severity;
};

struct notifier_state {
  notifier_settings settings;
  std::shared_ptr<metrics> stats;
  wall_time_source now;
  http_transport transport;
  /// The rules before the last reload: records derived under them may still be on their way.
  std::shared_ptr<const rules::rule_set> previous_rules;
  std::optional<redis_connection> connection;
  backoff reconnect_backoff;
  std::chrono::steady_clock::time_point reconnect_at;  ///< no connection attempt before this
  std::map<std::string, std::vector<active_alert>> active;  ///< by clock key
  /// PagerDuty incidents triggered, by clock key: receiver -> the notification that triggered.
  std::map<std::string, std::map<std::string, rules::record>> incidents;
  std::set<std::string> reported_unconfigured;  ///< `receiver/channel` already logged
  std::map<std::uint64_t, delivery> waiting;    ///< retries by sequence number
  std::uint64_t next_sequence = 0;
  bool resend_armed = false;
  bool redis_warned = false;
  static inline const char* name = "slawatch.notifier";
};

/// Handles `notify_batch` (page the receivers of new notifications, resolve alerts of clocks that
/// stopped and cases that closed), `rules_changed_msg` (receivers of reloaded rules; a receiver
/// is looked up in the new rules, then in the ones before), `resend_atom` (post active alerts again), `retry_atom, seq`
/// and `stop_atom` (end; deliveries waiting for a retry are left `pending` in Redis, so the next
/// start delivers them again).
caf::behavior notifier_actor(caf::stateful_actor<notifier_state>* self, notifier_settings settings,
                             std::shared_ptr<metrics> stats, wall_time_source now, http_transport transport);

/// Hands `notify_batch` and `rules_changed_msg` on to every notifier of `notifiers`, in the order
/// received; on `stop_atom` sends it on to each (after everything before it) and ends. The
/// notifiers end by themselves after that; wait for them too.
caf::behavior notify_fanout(caf::event_based_actor* self, std::vector<caf::actor> notifiers);

}  // namespace slawatch::actors
