#include "actors/metrics.hpp"

#include <algorithm>
#include <cmath>

namespace slawatch::actors {

namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

std::string priority_label(const rules::attributes& attrs) {
  auto it = attrs.find("priority");
  if (it == attrs.end() || it->second.empty()) return "none";
  std::string p = it->second;
  std::transform(p.begin(), p.end(), p.begin(), [](unsigned char c) { return std::toupper(c); });
  if (p == "P1" || p == "P2" || p == "P3" || p == "P4") return p;
  return "other";
}

std::string attr_or_none(const rules::attributes& attrs, const char* name) {
  auto it = attrs.find(name);
  return it == attrs.end() || it->second.empty() ? std::string{"none"} : it->second;
}

}  // namespace

std::vector<double> buckets_around_targets(const rules::rule_set& rules, rules::clock_kind kind) {
  // Defaults from one minute to a month, so dashboards have something for any rules file.
  std::vector<double> out{60, 300, 900, 3600, 4 * 3600, 24 * 3600, 7 * 24 * 3600, 30 * 24 * 3600};
  for (const auto& p : rules.policies) {
    auto it = p.clocks.find(kind);
    if (it == p.clocks.end() || it->second.target_seconds <= 0) continue;
    const double target = static_cast<double>(it->second.target_seconds);
    for (double factor : {0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 4.0}) out.push_back(std::round(target * factor));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  out.erase(std::remove_if(out.begin(), out.end(), [](double b) { return b <= 0; }), out.end());
  return out;
}

std::string nps_category(int score) {
  if (score >= 9 && score <= 10) return "promoter";
  if (score >= 7 && score <= 8) return "passive";
  if (score >= 0 && score <= 6) return "detractor";
  return {};
}

metrics::metrics(const std::string& build_version, const rules::rule_set& rules)
    : registry_(std::make_shared<prometheus::Registry>()),
      first_response_buckets_(buckets_around_targets(rules, rules::clock_kind::first_response)),
      resolution_buckets_(buckets_around_targets(rules, rules::clock_kind::resolution)),
      // Ingest lag and notification delay: from 10 ms to an hour.
      lag_buckets_{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600},
      outcomes_(BuildCounter()
                    .Name("slawatch_sla_outcomes_total")
                    .Help("SLA clocks that stopped, by outcome (met or breached)")
                    .Register(*registry_)),
      first_response_seconds_(BuildHistogram()
                                  .Name("slawatch_first_response_seconds")
                                  .Help("Counted seconds (pauses excluded) of first-response clocks when they stop")
                                  .Register(*registry_)),
      resolution_seconds_(BuildHistogram()
                              .Name("slawatch_resolution_seconds")
                              .Help("Counted seconds (pauses excluded) of resolution clocks when they stop")
                              .Register(*registry_)),
      notifications_(BuildCounter()
                         .Name("slawatch_notifications_total")
                         .Help("Warnings, breaches and escalations emitted")
                         .Register(*registry_)),
      open_cases_(BuildGauge().Name("slawatch_open_cases").Help("Cases open now").Register(*registry_)),
      at_risk_cases_(BuildGauge()
                         .Name("slawatch_at_risk_cases")
                         .Help("Open cases with a running clock past a warning or its due time")
                         .Register(*registry_)),
      csat_responses_(BuildCounter()
                          .Name("slawatch_csat_responses_total")
                          .Help("CSAT answers by score (1 to 5)")
                          .Register(*registry_)),
      nps_responses_(BuildCounter()
                         .Name("slawatch_nps_responses_total")
                         .Help("NPS answers by category (promoter, passive, detractor)")
                         .Register(*registry_)),
      first_contact_resolutions_(BuildCounter()
                                     .Name("slawatch_first_contact_resolutions_total")
                                     .Help("Cases closed with at most one agent reply and no reopen")
                                     .Register(*registry_)
                                     .Add({})),
      reopens_(BuildCounter()
                   .Name("slawatch_reopens_total")
                   .Help("Case reopen events applied")
                   .Register(*registry_)
                   .Add({})),
      ingest_events_(BuildCounter()
                         .Name("slawatch_ingest_events_total")
                         .Help("Stream entries read, by event type and result")
                         .Register(*registry_)),
      dead_letters_(BuildCounter()
                        .Name("slawatch_dead_letters_total")
                        .Help("Entries written to the dead-letter stream, by reason")
                        .Register(*registry_)),
      ingest_lag_(BuildHistogram()
                      .Name("slawatch_ingest_lag_seconds")
                      .Help("Wall time of applying an event minus its event time")
                      .Register(*registry_)
                      .Add({}, lag_buckets_)),
      notification_delay_(BuildHistogram()
                              .Name("slawatch_notification_delay_seconds")
                              .Help("Wall time a notification was written minus its due time")
                              .Register(*registry_)
                              .Add({}, lag_buckets_)),
      consumer_pending_(BuildGauge()
                            .Name("slawatch_consumer_pending")
                            .Help("Entries of the consumer group delivered but not acknowledged")
                            .Register(*registry_)),
      in_flight_(BuildGauge()
                     .Name("slawatch_in_flight_events")
                     .Help("Entries read by this daemon and not yet acknowledged")
                     .Register(*registry_)
                     .Add({})),
      case_actors_(BuildGauge()
                       .Name("slawatch_case_actors")
                       .Help("Live case actors")
                       .Register(*registry_)
                       .Add({})),
      records_written_(BuildCounter()
                           .Name("slawatch_records_written_total")
                           .Help("Entries written to the output streams, by record kind")
                           .Register(*registry_)),
      redis_errors_(BuildCounter()
                        .Name("slawatch_redis_errors_total")
                        .Help("Redis errors; each one reconnects with backoff")
                        .Register(*registry_)),
      redis_connected_(BuildGauge()
                           .Name("slawatch_redis_connected")
                           .Help("1 while the Redis connection is up")
                           .Register(*registry_)),
      notify_deliveries_(BuildCounter()
                             .Name("slawatch_notify_deliveries_total")
                             .Help("Notifier deliveries by receiver, channel and result")
                             .Register(*registry_)),
      notify_request_seconds_(BuildHistogram()
                                  .Name("slawatch_notify_request_seconds")
                                  .Help("Wall time of one HTTP request to Alertmanager or a webhook")
                                  .Register(*registry_)),
      notify_due_to_sent_seconds_(BuildHistogram()
                                      .Name("slawatch_notify_due_to_sent_seconds")
                                      .Help("Wall time a notification was first delivered minus its due time")
                                      .Register(*registry_)),
      notify_active_alerts_(BuildGauge()
                                .Name("slawatch_notify_active_alerts")
                                .Help("Alerts the notifier keeps re-sending to Alertmanager")
                                .Register(*registry_)
                                .Add({})) {
  BuildGauge()
      .Name("slawatch_build_info")
      .Help("The slawatch version; always 1")
      .Register(*registry_)
      .Add({{"version", build_version}})
      .Set(1);
  rules_info_ = &BuildGauge().Name("slawatch_rules_info").Help("The rules version in use; always 1").Register(*registry_);
  set_rules_version(rules.version);
  rules_reloads_ = &BuildCounter()
                        .Name("slawatch_rules_reloads_total")
                        .Help("Rules reloads (SIGHUP or POST /api/v1/reload), by result: applied | invalid")
                        .Register(*registry_);
  for (const char* result : {"applied", "invalid"}) rules_reloads_->Add({{"result", result}});
  for (const char* connection : {"reader", "writer"}) {
    redis_connected_.Add({{"connection", connection}}).Set(0);
    redis_errors_.Add({{"connection", connection}});
  }
}

metrics::~metrics() = default;

std::string metrics::bounded(const std::string& label, const std::string& value) {
  // Long values are free text, not categories.
  if (value.size() > 64) return "other";
  std::lock_guard<std::mutex> lock{label_mutex_};
  auto& values = admitted_[label];
  if (values.count(value) != 0) return value;
  if (values.size() >= max_label_values) return "other";
  values.insert(value);
  return value;
}

case_labels metrics::labels_of(const rules::attributes& attrs, const std::string& policy,
                               const std::string& status) {
  case_labels out;
  out.priority = priority_label(attrs);
  out.team = bounded("team", attr_or_none(attrs, "team"));
  out.channel = bounded("channel", attr_or_none(attrs, "channel"));
  out.policy = bounded("policy", policy.empty() ? std::string{"none"} : policy);
  out.status = bounded("status", status.empty() ? std::string{"none"} : status);
  return out;
}

void metrics::record_emitted(const case_labels& labels, const rules::record& r) {
  using kind = rules::record::kind;
  if (r.type == kind::outcome) {
    outcomes_
        .Add({{"metric", r.metric},
              {"priority", labels.priority},
              {"team", labels.team},
              {"channel", labels.channel},
              {"policy", labels.policy},
              {"outcome", r.met ? "met" : "breached"}})
        .Increment();
    const auto elapsed = static_cast<double>(r.elapsed_seconds);
    const prometheus::Labels hl{{"priority", labels.priority}, {"policy", labels.policy}};
    if (r.metric == rules::to_string(rules::clock_kind::first_response))
      first_response_seconds_.Add(hl, first_response_buckets_).Observe(elapsed);
    else if (r.metric == rules::to_string(rules::clock_kind::resolution))
      resolution_seconds_.Add(hl, resolution_buckets_).Observe(elapsed);
  } else if (r.type == kind::notification) {
    notifications_
        .Add({{"kind", r.notification_kind},
              {"metric", r.metric},
              {"level", std::to_string(r.level)},
              {"priority", labels.priority}})
        .Increment();
  }
}

prometheus::Gauge& metrics::open_cases(const case_labels& labels) {
  return open_cases_.Add({{"priority", labels.priority}, {"status", labels.status}});
}

prometheus::Gauge& metrics::at_risk_cases(const case_labels& labels) {
  return at_risk_cases_.Add({{"priority", labels.priority}});
}

void metrics::csat_response(int score) {
  if (score < 1 || score > 5) return;
  csat_responses_.Add({{"score", std::to_string(score)}}).Increment();
}

void metrics::nps_response(int score) {
  const auto category = nps_category(score);
  if (!category.empty()) nps_responses_.Add({{"category", category}}).Increment();
}

void metrics::first_contact_resolution() { first_contact_resolutions_.Increment(); }
void metrics::reopen() { reopens_.Increment(); }

void metrics::ingest_event(const std::string& type, const std::string& result) {
  ingest_events_.Add({{"type", type}, {"result", result}}).Increment();
}

void metrics::dead_letter(const std::string& reason) {
  dead_letters_.Add({{"reason", reason}}).Increment();
}

void metrics::ingest_lag(std::chrono::duration<double> lag) {
  ingest_lag_.Observe(std::max(0.0, lag.count()));
}

void metrics::notification_delay(std::chrono::duration<double> delay) {
  notification_delay_.Observe(std::max(0.0, delay.count()));
}

void metrics::consumer_pending(const std::string& stream, double count) {
  consumer_pending_.Add({{"stream", stream}}).Set(count);
}

void metrics::set_in_flight(double count) { in_flight_.Set(count); }
double metrics::in_flight() const { return in_flight_.Value(); }

void metrics::set_rules_version(const std::string& version) {
  std::lock_guard<std::mutex> lock(label_mutex_);
  if (rules_version_gauge_) rules_info_->Remove(rules_version_gauge_);
  rules_version_gauge_ = &rules_info_->Add({{"version", version.empty() ? std::string{"none"} : version}});
  rules_version_gauge_->Set(1);
}

void metrics::rules_reload(const std::string& result) { rules_reloads_->Add({{"result", result}}).Increment(); }
void metrics::add_case_actors(double delta) { case_actors_.Increment(delta); }

void metrics::record_written(const std::string& record_kind, double count) {
  records_written_.Add({{"record", record_kind}}).Increment(count);
}

void metrics::redis_error(const std::string& connection) {
  redis_errors_.Add({{"connection", connection}}).Increment();
}

void metrics::notify_delivery(const std::string& receiver, const std::string& channel, const std::string& result) {
  notify_deliveries_.Add({{"receiver", bounded("receiver", receiver)}, {"channel", channel}, {"result", result}})
      .Increment();
}

void metrics::notify_request(const std::string& channel, std::chrono::duration<double> took) {
  notify_request_seconds_.Add({{"channel", channel}}, lag_buckets_).Observe(std::max(0.0, took.count()));
}

void metrics::notify_due_to_sent(const std::string& channel, std::chrono::duration<double> delay) {
  notify_due_to_sent_seconds_.Add({{"channel", channel}}, lag_buckets_).Observe(std::max(0.0, delay.count()));
}

void metrics::set_notify_active_alerts(double count) { notify_active_alerts_.Set(count); }

void metrics::redis_connected(const std::string& connection, bool up) {
  redis_connected_.Add({{"connection", connection}}).Set(up ? 1 : 0);
  if (connection == "reader") reader_up_.store(up);
}

}  // namespace slawatch::actors
