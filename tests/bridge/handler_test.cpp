#include "bridge/handler.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "rules/time.hpp"
#include "tests/bridge/fixture_support.hpp"

namespace slawatch::bridge {
namespace {

/// Records appends; fails them while `down`.
class memory_sink final : public event_sink {
 public:
  std::optional<std::string> append(const std::string& stream, const std::vector<stream_fields>& entries) override {
    if (down) return std::string{"connection refused"};
    for (const auto& e : entries) written[stream].push_back(e);
    return std::nullopt;
  }
  bool down = false;
  std::map<std::string, std::vector<stream_fields>> written;
};

std::string field(const stream_fields& f, const std::string& name) {
  for (const auto& [k, v] : f)
    if (k == name) return v;
  return {};
}

struct fixture {
  fixture() {
    cfg.max_body_bytes = 64 * 1024;
    for (const auto p : {platform::zendesk, platform::jira}) {
      platform_config pc;
      pc.which = p;
      pc.mapping = default_mapping(p);
      pc.signature.scheme = p == platform::zendesk ? signature_scheme::zendesk_hmac_sha256 : signature_scheme::hub_hmac_sha256;
      pc.signature.secret = "s3cret";
      cfg.platforms[p] = pc;
    }
  }
  response post(const std::string& platform_name, const std::string& body, bool sign_it = true) {
    test::header_map headers;
    if (sign_it) {
      const auto& pc = cfg.platforms.at(*parse_platform(platform_name));
      const auto h = sign(pc.signature, body, timestamp);
      headers.set(h.name, h.value);
      headers.set("X-Zendesk-Webhook-Signature-Timestamp", timestamp);
    }
    webhook_handler handler{cfg, sink, metrics};
    return handler.handle(platform_name, headers.lookup(), body, now);
  }
  double count(const std::string& family, const std::map<std::string, std::string>& labels) {
    for (const auto& f : registry->Collect()) {
      if (f.name != family) continue;
      for (const auto& m : f.metric) {
        std::map<std::string, std::string> have;
        for (const auto& l : m.label) have[l.name] = l.value;
        if (have == labels) return m.counter.value;
      }
    }
    return 0;
  }

  bridge_config cfg;
  memory_sink sink;
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  bridge_metrics metrics{registry};
  std::string timestamp = "2025-09-12T14:00:10Z";
  std::chrono::system_clock::time_point now = *rules::parse_iso8601("2025-09-12T14:00:20Z");
};

}  // namespace

TEST_CASE("a signed, mappable webhook is written to the input stream, then answered 202", "[bridge][handler]") {
  fixture f;
  const auto answer = f.post("zendesk", test::slurp(test::fixture_dir("zendesk") / "01_created.json"));
  CHECK(answer.status == 202);
  REQUIRE(f.sink.written["slawatch:events"].size() == 1);
  const auto& entry = f.sink.written["slawatch:events"][0];
  CHECK(entry.at(0) == std::make_pair(std::string{"type"}, std::string{"case.created"}));
  CHECK(field(entry, "case_id") == "zendesk:35436");
  CHECK(field(entry, "event_id") == "cbe4028c-7239-495d-b020-f22348516046");
  CHECK(f.count("slawatch_bridge_requests_total", {{"platform", "zendesk"}, {"result", "accepted"}}) == 1);
  CHECK(f.count("slawatch_bridge_events_total", {{"platform", "zendesk"}, {"type", "case.created"}}) == 1);
}

TEST_CASE("Redis down: 503, so the platform retries; nothing is acknowledged", "[bridge][handler]") {
  fixture f;
  f.sink.down = true;
  const auto answer = f.post("zendesk", test::slurp(test::fixture_dir("zendesk") / "02_agent_reply.json"));
  CHECK(answer.status == 503);
  CHECK(f.count("slawatch_bridge_requests_total", {{"platform", "zendesk"}, {"result", "unavailable"}}) == 1);
  CHECK(f.count("slawatch_bridge_redis_errors_total", {}) == 1);
  f.sink.down = false;
  CHECK(f.post("zendesk", test::slurp(test::fixture_dir("zendesk") / "02_agent_reply.json")).status == 202);
}

TEST_CASE("a bad signature is refused with 401 and counted; nothing is written", "[bridge][handler]") {
  fixture f;
  auto body = test::slurp(test::fixture_dir("jira") / "01_created.json");
  CHECK(f.post("jira", body, false).status == 401);
  test::header_map headers;
  headers.set("X-Hub-Signature", sign(f.cfg.platforms.at(platform::jira).signature, body).value);
  body += " ";
  webhook_handler handler{f.cfg, f.sink, f.metrics};
  CHECK(handler.handle("jira", headers.lookup(), body, f.now).status == 401);
  CHECK(f.sink.written.empty());
  CHECK(f.count("slawatch_bridge_signature_failures_total", {{"platform", "jira"}, {"reason", "missing"}}) == 1);
  CHECK(f.count("slawatch_bridge_signature_failures_total", {{"platform", "jira"}, {"reason", "mismatch"}}) == 1);
  CHECK(f.count("slawatch_bridge_requests_total", {{"platform", "jira"}, {"result", "unauthorized"}}) == 2);
}

TEST_CASE("an unmappable payload is answered 422 with the reason and dead-lettered without personal data",
          "[bridge][handler]") {
  fixture f;
  const auto answer = f.post("zendesk", test::slurp(test::fixture_dir("zendesk") / "unmapped_status.json"));
  CHECK(answer.status == 422);
  CHECK(nlohmann::json::parse(answer.body)["error"] == "unmapped_status");
  CHECK(f.sink.written.count("slawatch:events") == 0);
  REQUIRE(f.sink.written["slawatch:dead-letter"].size() == 1);
  const auto& dead = f.sink.written["slawatch:dead-letter"][0];
  CHECK(field(dead, "reason") == "unmapped_status");
  CHECK(field(dead, "platform") == "zendesk");
  CHECK(nlohmann::json::parse(field(dead, "body"))["detail"]["id"] == "35436");
  CHECK(f.count("slawatch_bridge_mapping_failures_total", {{"platform", "zendesk"}, {"reason", "unmapped_status"}}) == 1);

  fixture g;
  const std::string with_email = R"({"timestamp":1757685600000,"webhookEvent":"jira:issue_created",
      "user":{"emailAddress":"someone@example.com"},"issue":{"key":"SD-1","fields":{"priority":{"name":"Blocker"}}}})";
  CHECK(g.post("jira", with_email).status == 422);
  const auto body = field(g.sink.written["slawatch:dead-letter"].at(0), "body");
  CHECK(body.find("someone@example.com") == std::string::npos);
  CHECK(body.find("SD-1") != std::string::npos);
}

TEST_CASE("ignored payloads are answered 200 and write nothing", "[bridge][handler]") {
  fixture f;
  const auto answer = f.post("zendesk", test::slurp(test::fixture_dir("zendesk") / "internal_note.json"));
  CHECK(answer.status == 200);
  CHECK(nlohmann::json::parse(answer.body)["reason"] == "internal note");
  CHECK(f.sink.written.empty());
}

TEST_CASE("too large is 413 before anything else; unknown or disabled platforms are 404", "[bridge][handler]") {
  fixture f;
  CHECK(f.post("zendesk", std::string(64 * 1024 + 1, ' '), false).status == 413);
  CHECK(f.count("slawatch_bridge_requests_total", {{"platform", "zendesk"}, {"result", "too_large"}}) == 1);
  CHECK(f.post("zammad", "{}", false).status == 404);
  CHECK(f.post("otrs", "{}", false).status == 404);
}

}  // namespace slawatch::bridge
