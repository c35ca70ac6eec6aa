#include "bridge/handler.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "bridge/redact.hpp"
#include "rules/time.hpp"

namespace slawatch::bridge {

namespace {

std::string json_body(std::initializer_list<std::pair<const char*, std::string>> fields) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [k, v] : fields) out[k] = v;
  return out.dump();
}

}  // namespace

webhook_handler::webhook_handler(bridge_config cfg, event_sink& sink, bridge_metrics& metrics)
    : cfg_(std::move(cfg)), sink_(sink), metrics_(metrics) {}

response webhook_handler::finish(const std::string& platform, const std::string& result, int status,
                                 std::string body, std::chrono::steady_clock::time_point started) const {
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  metrics_.request(platform, result, took.count());
  return {status, std::move(body)};
}

void webhook_handler::count_refused(std::string_view platform_name, const std::string& result) const {
  const auto p = parse_platform(platform_name);
  metrics_.request(p ? to_string(*p) : "unknown", result, 0.0);
}

response webhook_handler::handle(std::string_view platform_name, const header_lookup& header, std::string_view body,
                                 std::chrono::system_clock::time_point now) const {
  const auto started = std::chrono::steady_clock::now();
  const auto p = parse_platform(platform_name);
  auto configured = p ? cfg_.platforms.find(*p) : cfg_.platforms.end();
  if (configured == cfg_.platforms.end())
    // Not counted: the label would be whatever path a scanner tries.
    return {404, json_body({{"error", "no such webhook: enable the platform in the bridge's config"}})};
  const auto& pc = configured->second;
  const std::string name = to_string(*p);

  if (body.size() > cfg_.max_body_bytes)
    return finish(name, "too_large", 413,
                  json_body({{"error", "body larger than max_body_bytes (" + std::to_string(cfg_.max_body_bytes) + ")"}}),
                  started);
  if (pc.verify_signatures) {
    const auto verdict = verify_signature(pc.signature, header, body, now);
    if (verdict != signature_verdict::ok) {
      metrics_.signature_failure(name, to_string(verdict));
      spdlog::warn("bridge: {} webhook refused: signature {}", name, to_string(verdict));
      return finish(name, "unauthorized", 401, json_body({{"error", std::string{"signature "} + to_string(verdict)}}),
                    started);
    }
  }

  const auto received_at = std::chrono::floor<std::chrono::seconds>(now);
  auto mapped = map_webhook(*p, pc.mapping, webhook{body, header, received_at});
  if (!mapped) {
    const auto& err = mapped.error();
    metrics_.mapping_failure(name, err.reason);
    // The reason and the field names only: never a value of the payload.
    spdlog::warn("bridge: {} webhook not mapped: {}: {}", name, err.reason, err.detail);
    const stream_fields dead{{"source", "bridge"},
                             {"platform", name},
                             {"reason", err.reason},
                             {"detail", err.detail},
                             {"received_at", rules::format_iso8601(received_at)},
                             {"body", redact_personal(body)}};
    if (auto failed = sink_.append(cfg_.dead_letter_stream, {dead})) {
      metrics_.redis_error();
      spdlog::warn("bridge: dead-letter write failed: {}", *failed);
      return finish(name, "unavailable", 503, json_body({{"error", "event store unavailable"}}), started);
    }
    return finish(name, "unmappable", 422, json_body({{"error", err.reason}, {"detail", err.detail}}), started);
  }
  if (mapped->events.empty())
    return finish(name, "ignored", 200, json_body({{"result", "ignored"}, {"reason", mapped->ignored}}), started);

  std::vector<stream_fields> entries;
  entries.reserve(mapped->events.size());
  for (const auto& e : mapped->events) entries.push_back(to_stream_fields(e));
  if (auto failed = sink_.append(cfg_.input_stream, entries)) {
    metrics_.redis_error();
    spdlog::warn("bridge: {} webhook not stored, answered 503 for a retry: {}", name, *failed);
    return finish(name, "unavailable", 503, json_body({{"error", "event store unavailable"}}), started);
  }
  for (const auto& e : mapped->events) metrics_.event_written(name, rules::to_string(e.type));
  nlohmann::json ok = {{"result", "accepted"}, {"events", mapped->events.size()}};
  return finish(name, "accepted", 202, ok.dump(), started);
}

}  // namespace slawatch::bridge
