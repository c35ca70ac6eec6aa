#include "bridge/metrics.hpp"

namespace slawatch::bridge {

bridge_metrics::bridge_metrics(std::shared_ptr<prometheus::Registry> registry)
    : registry_(std::move(registry)),
      requests_(prometheus::BuildCounter()
                    .Name("slawatch_bridge_requests_total")
                    .Help("Webhooks answered, by platform and result")
                    .Register(*registry_)),
      signature_failures_(prometheus::BuildCounter()
                              .Name("slawatch_bridge_signature_failures_total")
                              .Help("Webhooks refused for their signature (401), by platform and reason")
                              .Register(*registry_)),
      mapping_failures_(prometheus::BuildCounter()
                            .Name("slawatch_bridge_mapping_failures_total")
                            .Help("Webhooks that could not be mapped to events (422), by platform and reason")
                            .Register(*registry_)),
      events_(prometheus::BuildCounter()
                  .Name("slawatch_bridge_events_total")
                  .Help("Contract events written to the input stream, by platform and type")
                  .Register(*registry_)),
      latency_(prometheus::BuildHistogram()
                   .Name("slawatch_bridge_request_seconds")
                   .Help("Seconds from receiving a webhook to answering it")
                   .Register(*registry_)),
      redis_errors_(prometheus::BuildCounter()
                        .Name("slawatch_bridge_redis_errors_total")
                        .Help("Failed writes to Redis; each is answered 503 so the platform retries")
                        .Register(*registry_)
                        .Add({})) {}

void bridge_metrics::request(const std::string& platform, const std::string& result, double seconds) {
  requests_.Add({{"platform", platform}, {"result", result}}).Increment();
  // Buckets in seconds: a webhook is answered in milliseconds unless Redis is slow.
  static const prometheus::Histogram::BucketBoundaries buckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                               0.1,   0.25,   0.5,   1,    2.5};
  latency_.Add({{"platform", platform}}, buckets).Observe(seconds);
}

void bridge_metrics::signature_failure(const std::string& platform, const std::string& reason) {
  signature_failures_.Add({{"platform", platform}, {"reason", reason}}).Increment();
}

void bridge_metrics::mapping_failure(const std::string& platform, const std::string& reason) {
  mapping_failures_.Add({{"platform", platform}, {"reason", reason}}).Increment();
}

void bridge_metrics::event_written(const std::string& platform, const std::string& type) {
  events_.Add({{"platform", platform}, {"type", type}}).Increment();
}

void bridge_metrics::redis_error() { redis_errors_.Increment(); }

}  // namespace slawatch::bridge
