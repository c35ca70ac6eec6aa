#include "bridge/mapping.hpp"

#include <catch2/catch.hpp>

#include "rules/codec.hpp"
#include "tests/bridge/fixture_support.hpp"

namespace slawatch::bridge {
namespace {

using test::header_map;

const rules::instant received_at = *rules::parse_iso8601("2025-09-12T18:00:00Z");

std::vector<std::string> encoded(const mapping_result& r) {
  std::vector<std::string> out;
  for (const auto& e : r.events) out.push_back(rules::encode_event_json(e));
  return out;
}

rules::expected<mapping_result, mapping_error> map_text(platform p, const std::string& body,
                                                         const header_map& headers = {},
                                                         const mapping_settings* settings = nullptr) {
  const auto s = settings ? *settings : default_mapping(p);
  return map_webhook(p, s, webhook{body, headers.lookup(), received_at});
}

// Words from the fixtures' personal-looking fields: none may reach an event.
const std::vector<std::string> personal_words{"Example Requester", "Example Agent", "example.com",
                                              "must never reach", "Example reply", "Example follow-up",
                                              "Example subject", "Example description", "Example body"};

}  // namespace

TEST_CASE("every platform's fixtures map to the expected contract events", "[bridge][mapping]") {
  for (const auto p : all_platforms()) {
    const std::string name = to_string(p);
    for (const auto& payload : test::payloads(name)) {
      const auto stem = payload.parent_path() / payload.stem();
      INFO(name << " fixture " << payload.filename().string());
      const auto headers = test::read_headers(stem.string() + ".headers");
      auto mapped = map_text(p, test::slurp(payload), headers);
      const std::filesystem::path error_file = stem.string() + ".error";
      if (std::filesystem::exists(error_file)) {
        REQUIRE_FALSE(mapped);
        CHECK(mapped.error().reason == test::lines_of(test::slurp(error_file)).at(0));
        for (const auto& word : personal_words) CHECK(mapped.error().detail.find(word) == std::string::npos);
        continue;
      }
      REQUIRE(mapped);
      const auto expected = test::lines_of(test::slurp(stem.string() + ".expected.jsonl"));
      CHECK(encoded(*mapped) == expected);
      if (expected.empty()) CHECK_FALSE(mapped->ignored.empty());
      for (const auto& line : encoded(*mapped))
        for (const auto& word : personal_words) CHECK(line.find(word) == std::string::npos);
      // What the bridge writes must read back as the same events through the daemon's decoder.
      for (const auto& e : mapped->events) {
        auto back = rules::decode_event_fields(to_stream_fields(e));
        REQUIRE(back);
        CHECK(rules::encode_event_json(*back) == rules::encode_event_json(e));
      }
    }
  }
}

TEST_CASE("each platform has the five-step ticket story among its fixtures", "[bridge][mapping]") {
  // The e2e script posts these in order; keep them present for every platform.
  for (const auto p : all_platforms())
    for (const char* step : {"01_created", "02_agent_reply", "03_pending", "04_customer_reply"})
      CHECK(std::filesystem::exists(test::fixture_dir(to_string(p)) / (std::string{step} + ".json")));
}

TEST_CASE("bodies that are not JSON objects are refused with a reason", "[bridge][mapping]") {
  for (const auto p : all_platforms()) {
    auto not_json = map_text(p, "{\"ticket\": ");
    REQUIRE_FALSE(not_json);
    CHECK(not_json.error().reason == "bad_json");
    auto array = map_text(p, "[1, 2]");
    REQUIRE_FALSE(array);
    CHECK(array.error().reason == "not_an_object");
    auto empty = map_text(p, "{}");
    REQUIRE_FALSE(empty);
    CHECK(empty.error().reason == "missing_field");
  }
}

TEST_CASE("zendesk: non-ticket events and unused ticket events are ignored, not refused", "[bridge][mapping]") {
  auto user = map_text(platform::zendesk,
                       R"({"type":"zen:event-type:user.created","id":"u1","time":"2025-09-12T14:00:00Z","detail":{"id":"7"}})");
  REQUIRE(user);
  CHECK(user->events.empty());
  CHECK(user->ignored == "not a ticket event");
  auto subject = map_text(platform::zendesk,
                          R"({"type":"zen:event-type:ticket.subject_changed","id":"s1","time":"2025-09-12T14:00:00Z",
                              "detail":{"id":"7"},"event":{"current":"x","previous":"y"}})");
  REQUIRE(subject);
  CHECK(subject->events.empty());
}

TEST_CASE("zendesk: a bad time or a missing comment flag is refused", "[bridge][mapping]") {
  auto bad_time = map_text(platform::zendesk,
                           R"({"type":"zen:event-type:ticket.created","id":"e","time":"yesterday","detail":{"id":"7"}})");
  REQUIRE_FALSE(bad_time);
  CHECK(bad_time.error().reason == "bad_timestamp");
  auto no_flag = map_text(platform::zendesk,
                          R"({"type":"zen:event-type:ticket.comment_added","id":"e","time":"2025-09-12T14:00:00Z",
                              "detail":{"id":"7"},"event":{"comment":{"author":{"is_staff":true}}}})");
  REQUIRE_FALSE(no_flag);
  CHECK(no_flag.error().reason == "missing_field");
}

TEST_CASE("zendesk: mapped custom fields become attributes, others are ignored", "[bridge][mapping]") {
  auto s = default_mapping(platform::zendesk);
  s.custom_fields = {{"360005555", "customer_tier"}};
  const std::string body = R"({"type":"zen:event-type:ticket.custom_field_changed","id":"cf1",
      "time":"2025-09-12T14:00:00Z","detail":{"id":"7"},
      "event":{"current":"gold","previous":"silver","custom_field":{"id":360005555,"title":"Tier","type":"tagger"}}})";
  auto mapped = map_text(platform::zendesk, body, {}, &s);
  REQUIRE(mapped);
  REQUIRE(mapped->events.size() == 1);
  CHECK(rules::encode_event_json(mapped->events[0]) ==
        R"({"type":"case.updated","case_id":"zendesk:7","ts":"2025-09-12T14:00:00Z","event_id":"cf1","customer_tier":"gold"})");
  s.custom_fields.clear();
  auto unmapped = map_text(platform::zendesk, body, {}, &s);
  REQUIRE(unmapped);
  CHECK(unmapped->events.empty());
  CHECK(unmapped->ignored == "custom field not mapped");
}

TEST_CASE("configured attribute paths, team names and case id prefixes apply", "[bridge][mapping]") {
  auto s = default_mapping(platform::jira);
  s.case_id_prefix = "";
  s.attributes = {{"customer_tier", "issue.fields.customfield_10050.value"}, {"revenue_impact", "issue.fields.customfield_10051"}};
  const std::string body = R"({"timestamp":1757685600000,"webhookEvent":"jira:issue_created",
      "issue":{"key":"SD-7","fields":{"status":{"name":"Open"},"priority":{"name":"Highest"},
      "customfield_10050":{"value":"gold"},"customfield_10051":25000}}})";
  auto mapped = map_text(platform::jira, body, {}, &s);
  REQUIRE(mapped);
  REQUIRE(mapped->events.size() == 1);
  const auto& e = mapped->events[0];
  CHECK(e.case_id == "SD-7");
  CHECK(e.attrs.at("customer_tier") == "gold");
  CHECK(e.attrs.at("revenue_impact") == "25000");
  CHECK(e.attrs.at("priority") == "P1");
  // No delivery header: the id is a digest of the body, the same for a retry of it.
  auto again = map_text(platform::jira, body, {}, &s);
  REQUIRE(again);
  CHECK(again->events[0].event_id == e.event_id);
  CHECK(e.event_id.rfind("jira:body:", 0) == 0);

  auto z = default_mapping(platform::zendesk);
  z.teams = {{"98738", "billing"}};
  auto team = map_text(platform::zendesk,
                       R"({"type":"zen:event-type:ticket.group_assignment_changed","id":"g","time":"2025-09-12T14:00:00Z",
                           "detail":{"id":"7"},"event":{"current":98738}})",
                       {}, &z);
  REQUIRE(team);
  CHECK(team->events.at(0).attrs.at("team") == "billing");
}

TEST_CASE("unknown priorities are refused; a missing priority is left out", "[bridge][mapping]") {
  auto odd = map_text(platform::jira, R"({"timestamp":1757685600000,"webhookEvent":"jira:issue_created",
      "issue":{"key":"SD-7","fields":{"priority":{"name":"Blocker"}}}})");
  REQUIRE_FALSE(odd);
  CHECK(odd.error().reason == "unmapped_priority");
  auto none = map_text(platform::jira, R"({"timestamp":1757685600000,"webhookEvent":"jira:issue_created",
      "issue":{"key":"SD-7","fields":{"priority":null}}})");
  REQUIRE(none);
  CHECK(none->events.at(0).attrs.count("priority") == 0);
}

TEST_CASE("freshdesk: the simple body's triggered_event is read when no event is named", "[bridge][mapping]") {
  const std::string body = R"({"freshdesk_webhook":{"ticket_id":4211,"ticket_status":"Pending",
      "ticket_priority":"Low","triggered_event":"{Status:{from:Resolved,to:Pending}}"}})";
  auto mapped = map_text(platform::freshdesk, body);
  REQUIRE(mapped);
  REQUIRE(mapped->events.size() == 1);
  const auto& e = mapped->events[0];
  CHECK(e.type == rules::event_type::case_reopened);
  CHECK(e.attrs.at("status") == "pending");
  // Without a time in the body the time of receipt stands in, and is part of the event id.
  CHECK(e.ts == received_at);
  CHECK(e.event_id.find("2025-09-12T18:00:00Z") != std::string::npos);
  auto unknown = map_text(platform::freshdesk, R"({"freshdesk_webhook":{"ticket_id":1,"triggered_event":"{x:y}"}})");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().reason == "unknown_event");
}

TEST_CASE("servicenow: an unknown operation and an unmapped state are refused", "[bridge][mapping]") {
  auto op = map_text(platform::servicenow,
                     R"({"number":"INC1","operation":"delete","sys_updated_on":"2025-09-12 14:00:00","state":"2"})");
  REQUIRE_FALSE(op);
  CHECK(op.error().reason == "unknown_event");
  auto state = map_text(platform::servicenow,
                        R"({"number":"INC1","operation":"insert","sys_updated_on":"2025-09-12 14:00:00","state":"42"})");
  REQUIRE_FALSE(state);
  CHECK(state.error().reason == "unmapped_status");
}

TEST_CASE("platform names round-trip", "[bridge][mapping]") {
  for (const auto p : all_platforms()) CHECK(parse_platform(to_string(p)) == p);
  CHECK_FALSE(parse_platform("otrs"));
}

}  // namespace slawatch::bridge
