#include "bridge/config.hpp"

#include <catch2/catch.hpp>

#include "tests/bridge/fixture_support.hpp"

namespace slawatch::bridge {

TEST_CASE("the shipped config/bridge.yaml is valid and spells out the stock mappings", "[bridge][config]") {
  const auto file = std::string{SLAWATCH_SOURCE_DIR} + "/config/bridge.yaml";
  auto cfg = parse_bridge_config(test::slurp(file), file);
  if (!cfg)
    for (const auto& p : cfg.error()) FAIL(rules::to_string(p));
  REQUIRE(cfg);
  CHECK(cfg->listen_port == 8088);
  CHECK(cfg->input_stream == "slawatch:events");
  REQUIRE(cfg->platforms.size() == all_platforms().size());
  for (const auto p : all_platforms()) {
    INFO(to_string(p));
    const auto& pc = cfg->platforms.at(p);
    const auto stock = default_mapping(p);
    CHECK(pc.mapping.statuses == stock.statuses);
    CHECK(pc.mapping.priorities == stock.priorities);
    CHECK(pc.mapping.channels == stock.channels);
    CHECK(pc.mapping.ratings == stock.ratings);
    CHECK(pc.mapping.case_id_path == stock.case_id_path);
    CHECK(pc.mapping.case_id_prefix == stock.case_id_prefix);
    CHECK(pc.secret_file == std::string{SLAWATCH_SOURCE_DIR} + "/config/secrets/" + to_string(p));
  }
  CHECK(cfg->platforms.at(platform::zendesk).signature.scheme == signature_scheme::zendesk_hmac_sha256);
  CHECK(cfg->platforms.at(platform::zammad).signature.scheme == signature_scheme::hub_hmac_sha1);
  CHECK(cfg->platforms.at(platform::jira).signature.scheme == signature_scheme::hub_hmac_sha256);
  CHECK(cfg->platforms.at(platform::servicenow).signature.scheme == signature_scheme::shared_token);
}

TEST_CASE("config problems are all reported with line, column and key path", "[bridge][config]") {
  const std::string text =
      "listen: nowhere\n"
      "colour: blue\n"
      "platforms:\n"
      "  zendesk:\n"
      "    priorities: {urgent: P0}\n"
      "    attributes: {email: detail.requester_email}\n"
      "  jira:\n"
      "    token_header: X-Token\n"
      "  otrs: {}\n";
  auto cfg = parse_bridge_config(text, "bridge.yaml");
  REQUIRE_FALSE(cfg);
  std::vector<std::string> rendered;
  for (const auto& p : cfg.error()) rendered.push_back(rules::to_string(p));
  auto has = [&](const std::string& needle) {
    return std::any_of(rendered.begin(), rendered.end(),
                       [&](const std::string& r) { return r.find(needle) != std::string::npos; });
  };
  INFO(Catch::Detail::stringify(rendered));
  CHECK(has("bridge.yaml:1:9: listen: expected HOST:PORT"));
  CHECK(has("bridge.yaml:2:1: colour: unknown key"));
  CHECK(has("bridge.yaml:5:26: platforms.zendesk.priorities.urgent: must be one of P1, P2, P3, P4"));
  CHECK(has("platforms.zendesk.attributes.email: 'email' is personal data"));
  CHECK(has("platforms.zendesk: needs secret_file"));
  CHECK(has("platforms.jira.token_header: only Freshdesk and ServiceNow"));
  CHECK(has("bridge.yaml:9:3: platforms.otrs: unknown key"));
}

TEST_CASE("disabled platforms are left out; verify_signatures false needs no secret", "[bridge][config]") {
  auto cfg = parse_bridge_config(
      "platforms:\n  zendesk: {enabled: false}\n  jira: {verify_signatures: false}\n", "/etc/slawatch/bridge.yaml");
  REQUIRE(cfg);
  CHECK(cfg->platforms.count(platform::zendesk) == 0);
  REQUIRE(cfg->platforms.count(platform::jira) == 1);
  CHECK_FALSE(cfg->platforms.at(platform::jira).verify_signatures);
}

TEST_CASE("broken YAML is one problem at its place", "[bridge][config]") {
  auto cfg = parse_bridge_config("listen: [\n", "b.yaml");
  REQUIRE_FALSE(cfg);
  REQUIRE(cfg.error().size() == 1);
  CHECK(cfg.error()[0].file == "b.yaml");
  CHECK(cfg.error()[0].line >= 1);
}

}  // namespace slawatch::bridge
