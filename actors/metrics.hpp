// Prometheus metrics of the live daemon (prometheus-cpp core; the HTTP exposer lives in
// actors/service.cpp). Families are built once at start-up; label values are bounded.
//
// Every metric slawatch exports. Dashboards and alerting rules are built from this list, so a
// change here is a change of a public interface.
//
// name                                      type       labels                                         meaning
// ----------------------------------------- ---------- ---------------------------------------------- -------------------------------------------------------------
// slawatch_build_info                       gauge      version                                        always 1; the slawatch version
// slawatch_rules_info                       gauge      version                                        1 for the rules version in use (`version:` or a hash of the file)
// slawatch_rules_reloads_total              counter    result                                         rules reloads (SIGHUP, POST /api/v1/reload); result = applied |
//                                                                                                     invalid (the old rules stay in use)
// slawatch_sla_outcomes_total               counter    metric, priority, team, channel, policy,       SLA clocks that stopped, per outcome (met | breached);
//                                                      outcome                                        adherence = met / (met + breached)
// slawatch_first_response_seconds           histogram  priority, policy                               counted seconds (pauses excluded) of first-response clocks when
//                                                                                                     they stop; buckets around the targets of the rules
// slawatch_resolution_seconds               histogram  priority, policy                               counted seconds of resolution clocks when they stop
// slawatch_notifications_total              counter    kind, metric, level, priority                  warnings, breaches and escalations emitted; kind = warning |
//                                                                                                     breach | escalation; level = warning threshold index (1..),
//                                                                                                     0 for a breach, the escalation level for escalations
// slawatch_open_cases                       gauge      priority, status                               cases open now (created and not closed)
// slawatch_at_risk_cases                    gauge      priority                                       open cases with a running clock past a warning or its due time
// slawatch_csat_responses_total             counter    score                                          CSAT answers, score = 1..5
// slawatch_nps_responses_total              counter    category                                       NPS answers: promoter (9-10) | passive (7-8) | detractor (0-6)
// slawatch_first_contact_resolutions_total  counter    -                                              cases closed with at most one agent reply and no reopen
// slawatch_reopens_total                    counter    -                                              `case.reopened` events applied
// slawatch_ingest_events_total              counter    type, result                                   stream entries read; type = event type or `unknown`;
//                                                                                                     result = applied | duplicate | dead_letter
// slawatch_dead_letters_total               counter    reason                                         entries sent to the dead-letter stream; reason = bad_json |
//                                                                                                     missing_field | bad_timestamp | unknown_type | bad_value |
//                                                                                                     oversize | deleted
// slawatch_ingest_lag_seconds               histogram  -                                              wall time of applying an event minus its `ts` (seconds)
// slawatch_notification_delay_seconds       histogram  -                                              wall time a notification was written minus its due time `at`
// slawatch_consumer_pending                 gauge      stream                                         entries of the consumer group delivered but not acked (XPENDING)
// slawatch_in_flight_events                 gauge      -                                              entries read by this daemon and not yet acked
// slawatch_case_actors                      gauge      -                                              live case actors (open cases and closed ones still handling events)
// slawatch_records_written_total            counter    record                                         entries written to output streams; record = outcome |
//                                                                                                     notification | audit | dead_letter
// slawatch_redis_errors_total               counter    connection                                     Redis errors (connection = reader | writer | notifier); each one drops
//                                                                                                     the connection and reconnects with backoff
// slawatch_redis_connected                  gauge      connection                                     1 while the connection is up
// slawatch_notify_deliveries_total          counter    receiver, channel, result                      notifier deliveries; channel = alertmanager | webhook; result =
//                                                                                                     sent (first delivery) | retried (an attempt failed, retrying) |
//                                                                                                     failed (dead-lettered) | duplicate (already sent before a
//                                                                                                     restart, not sent again) | unconfigured (no channel for the
//                                                                                                     receiver) | resolved | resent | resend_failed
// slawatch_notify_request_seconds           histogram  channel                                        wall time of one HTTP request to Alertmanager or a webhook
// slawatch_notify_due_to_sent_seconds       histogram  channel                                        wall time a notification was first delivered minus its due
//                                                                                                     time `at` (includes retries)
// slawatch_notify_active_alerts             gauge      -                                              alerts the notifier keeps re-sending to Alertmanager
//
// Label values are bounded: never case or customer IDs. receiver keeps at most `max_label_values`
// names (the rules name them). priority is P1..P4, `none` or `other`;
// team, channel, status and policy keep at most `max_label_values` distinct values each, later
// ones are reported as `other`; an empty value is `none`.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "rules/engine.hpp"
#include "rules/model.hpp"

namespace slawatch::actors {

/// Distinct values kept per free-text label (team, channel, status, policy) before `other`.
inline constexpr std::size_t max_label_values = 64;

/// The labels a case contributes to metrics, already bounded.
struct case_labels {
  std::string priority = "none";
  std::string team = "none";
  std::string channel = "none";
  std::string policy = "none";
  std::string status = "none";
};

/// Bucket boundaries (seconds) around the targets of one clock kind in the rules: each target
/// times 1/4, 1/2, 3/4, 1, 1.5, 2 and 4, plus a few defaults so an empty rule set still has
/// buckets. Sorted and unique.
std::vector<double> buckets_around_targets(const rules::rule_set& rules, rules::clock_kind kind);

/// NPS category of a score 0..10: promoter, passive or detractor; empty for anything else.
std::string nps_category(int score);

/// All metrics of the daemon. Thread-safe: every member may be called from any thread
/// (prometheus-cpp metrics are atomic or internally locked; the label bounds take a mutex).
class metrics {
 public:
  /// Registers every family. Throws only on an invalid metric name (a programming error).
  metrics(const std::string& build_version, const rules::rule_set& rules);
  ~metrics();
  metrics(const metrics&) = delete;
  metrics& operator=(const metrics&) = delete;

  /// The registry to expose (and to serialise in tests).
  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

  /// Labels of a case from its attributes and policy, bounded.
  case_labels labels_of(const rules::attributes& attrs, const std::string& policy,
                        const std::string& status);

  /// Counts a record produced by a case: outcomes (counter and histograms), notifications.
  void record_emitted(const case_labels& labels, const rules::record& r);

  /// The slawatch_open_cases gauge of these labels (priority, status). The reference stays valid
  /// as long as this object: a case keeps the one it counts in.
  prometheus::Gauge& open_cases(const case_labels& labels);
  /// The slawatch_at_risk_cases gauge of these labels (priority); valid as long as this object.
  prometheus::Gauge& at_risk_cases(const case_labels& labels);
  void csat_response(int score);
  void nps_response(int score);
  void first_contact_resolution();
  void reopen();

  /// `result`: applied | duplicate | dead_letter.
  void ingest_event(const std::string& type, const std::string& result);
  void dead_letter(const std::string& reason);
  void ingest_lag(std::chrono::duration<double> lag);
  void notification_delay(std::chrono::duration<double> delay);
  void consumer_pending(const std::string& stream, double count);
  void set_in_flight(double count);
  /// The value last given to set_in_flight().
  double in_flight() const;
  /// slawatch_rules_info: `version` becomes the one rules version shown.
  void set_rules_version(const std::string& version);
  /// Counts a rules reload; `result`: applied | invalid.
  void rules_reload(const std::string& result);
  void add_case_actors(double delta);
  void record_written(const std::string& record_kind, double count);
  void redis_error(const std::string& connection);
  void redis_connected(const std::string& connection, bool up);
  /// A notifier delivery outcome (see the table above for `channel` and `result`).
  void notify_delivery(const std::string& receiver, const std::string& channel, const std::string& result);
  void notify_request(const std::string& channel, std::chrono::duration<double> took);
  void notify_due_to_sent(const std::string& channel, std::chrono::duration<double> delay);
  void set_notify_active_alerts(double count);
  /// Whether the reader connection is up and its consumer group exists (thread-safe). The writer
  /// connects on its first batch, so it is not part of readiness.
  bool redis_up() const noexcept { return reader_up_.load(); }

 private:
  /// Returns `value` if it is already admitted for `label` or there is room, else `other`.
  std::string bounded(const std::string& label, const std::string& value);

  std::shared_ptr<prometheus::Registry> registry_;
  std::vector<double> first_response_buckets_;
  std::vector<double> resolution_buckets_;
  std::vector<double> lag_buckets_;

  prometheus::Family<prometheus::Counter>& outcomes_;
  prometheus::Family<prometheus::Histogram>& first_response_seconds_;
  prometheus::Family<prometheus::Histogram>& resolution_seconds_;
  prometheus::Family<prometheus::Counter>& notifications_;
  prometheus::Family<prometheus::Gauge>& open_cases_;
  prometheus::Family<prometheus::Gauge>& at_risk_cases_;
  prometheus::Family<prometheus::Counter>& csat_responses_;
  prometheus::Family<prometheus::Counter>& nps_responses_;
  prometheus::Counter& first_contact_resolutions_;
  prometheus::Counter& reopens_;
  prometheus::Family<prometheus::Counter>& ingest_events_;
  prometheus::Family<prometheus::Counter>& dead_letters_;
  prometheus::Histogram& ingest_lag_;
  prometheus::Histogram& notification_delay_;
  prometheus::Family<prometheus::Gauge>& consumer_pending_;
  prometheus::Gauge& in_flight_;
  prometheus::Gauge& case_actors_;
  prometheus::Family<prometheus::Counter>& records_written_;
  prometheus::Family<prometheus::Counter>& redis_errors_;
  prometheus::Family<prometheus::Gauge>& redis_connected_;
  prometheus::Family<prometheus::Counter>& notify_deliveries_;
  prometheus::Family<prometheus::Histogram>& notify_request_seconds_;
  prometheus::Family<prometheus::Histogram>& notify_due_to_sent_seconds_;
  prometheus::Gauge& notify_active_alerts_;
  std::atomic<bool> reader_up_{false};
  prometheus::Family<prometheus::Gauge>* rules_info_ = nullptr;
  prometheus::Gauge* rules_version_gauge_ = nullptr;  // guarded by label_mutex_
  prometheus::Family<prometheus::Counter>* rules_reloads_ = nullptr;

  std::mutex label_mutex_;
  std::map<std::string, std::set<std::string>> admitted_;  // label -> admitted values
};

}  // namespace slawatch::actors
