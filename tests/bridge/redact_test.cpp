#include "bridge/redact.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/bridge/fixture_support.hpp"

namespace slawatch::bridge {

TEST_CASE("personal data is removed from every fixture, structure and ids stay", "[bridge][redact]") {
  for (const char* platform : {"zendesk", "zammad", "freshdesk", "jira", "servicenow"}) {
    for (const auto& file : test::payloads(platform)) {
      INFO(file.string());
      const auto redacted = redact_personal(test::slurp(file));
      REQUIRE_FALSE(redacted.empty());
      for (const char* word : {"Example Requester", "Example Agent", "example.com", "Example reply", "Example body",
                               "Example subject", "Example description", "Example follow-up", "Example note",
                               "Example internal", "Example title", "Example summary"})
        CHECK(redacted.find(word) == std::string::npos);
    }
  }
  const auto kept = nlohmann::json::parse(redact_personal(
      R"({"ticket":{"id":81,"state":"open","owner":{"email":"a@b.example","id":5},"note":"x","total":3,"internal":false},
          "cc":["c@d.example"],"to":"somebody","reply_to_id":7})"));
  CHECK(kept["ticket"]["id"] == 81);
  CHECK(kept["ticket"]["state"] == "open");
  CHECK(kept["ticket"]["owner"]["id"] == 5);
  CHECK(kept["ticket"]["owner"]["email"] == "[removed]");
  CHECK(kept["ticket"]["note"] == "[removed]");
  CHECK(kept["ticket"]["total"] == 3);
  CHECK(kept["ticket"]["internal"] == false);
  CHECK(kept["cc"] == "[removed]");
  CHECK(kept["to"] == "[removed]");
  CHECK(kept["reply_to_id"] == 7);
}

TEST_CASE("a body that is not JSON is not kept at all", "[bridge][redact]") {
  CHECK(redact_personal("name=Example Requester&email=x@example.com").empty());
}

}  // namespace slawatch::bridge
