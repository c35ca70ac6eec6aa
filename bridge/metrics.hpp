// Prometheus metrics of the webhook bridge (prometheus-cpp core; served by the Exposer that
// `slawatch bridge` starts on `metrics.listen`). Families are built once; labels are bounded
// (platforms, results and reasons are fixed lists).
//
// name                                         type       labels             meaning
// -------------------------------------------- ---------- ------------------ ----------------------------------------------
// slawatch_bridge_requests_total               counter    platform, result   webhooks answered; result = accepted | ignored |
//                                                                            unauthorized | unmappable | too_large |
//                                                                            unavailable
// slawatch_bridge_signature_failures_total     counter    platform, reason   refused signatures; reason = missing | mismatch |
//                                                                            stale
// slawatch_bridge_mapping_failures_total       counter    platform, reason   payloads answered 422; reason as mapping_error
// slawatch_bridge_events_total                 counter    platform, type     contract events written to the input stream
// slawatch_bridge_request_seconds              histogram  platform           time from receipt to answer (seconds)
// slawatch_bridge_redis_errors_total           counter    -                  failed writes to Redis (each answered 503)
//
// Thread-safe: every member may be used from any thread (prometheus-cpp metrics are atomic).
#pragma once

#include <memory>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace slawatch::bridge {

class bridge_metrics {
 public:
  /// Registers the families in `registry` (throws only on a programming error: a bad name).
  explicit bridge_metrics(std::shared_ptr<prometheus::Registry> registry);

  void request(const std::string& platform, const std::string& result, double seconds);
  void signature_failure(const std::string& platform, const std::string& reason);
  void mapping_failure(const std::string& platform, const std::string& reason);
  void event_written(const std::string& platform, const std::string& type);
  void redis_error();

  const std::shared_ptr<prometheus::Registry>& registry() const { return registry_; }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Counter>& signature_failures_;
  prometheus::Family<prometheus::Counter>& mapping_failures_;
  prometheus::Family<prometheus::Counter>& events_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Counter& redis_errors_;
};

}  // namespace slawatch::bridge
