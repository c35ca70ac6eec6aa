// The case API's documents: the JSON shape of a case and of the worklist, the text of
// `slawatch case`, and the small parsers of the API (bearer token, limit, loopback).
#include "actors/case_json.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "actors/case_actor.hpp"
#include "actors/case_api.hpp"
#include "actors/config.hpp"
#include "rules/load.hpp"

using namespace slawatch;
using namespace slawatch::actors;
using nlohmann::json;

namespace {

const char* rules_text =
    "version: j1\n"
    "calendars: {always: {timezone: UTC, hours: 24/7}}\n"
    "policies:\n"
    "  - name: p1\n"
    "    match: {priority: P1}\n"
    "    calendar: always\n"
    "    pause_on: [pending]\n"
    "    clocks: {first_response: {target: 15m}, resolution: {target: 4h}}\n"
    "  - name: fallback\n"
    "    clocks: {first_response: {target: 24h}}\n";

rules::instant at(const char* text) { return *rules::parse_iso8601(text); }

rules::event event(rules::event_type type, const char* ts, const char* id,
                   rules::attributes attrs = {}) {
  rules::event e;
  e.type = type;
  e.case_id = "CS-20260302-0001";
  e.ts = at(ts);
  e.event_id = id;
  e.attrs = std::move(attrs);
  return e;
}

/// A P1 case: created 09:00, pending 09:05-09:20, agent reply 09:30 (first response 25 min of
/// which 15 paused: 10 counted, met), still open at 10:00.
case_detail sample_detail(const char* now = "2026-03-02T10:00:00Z") {
  auto loaded = rules::load_rules(rules_text, "j.yaml");
  REQUIRE(loaded);
  case_archive archive;
  archive.case_id = "CS-20260302-0001";
  archive.events.add(event(rules::event_type::case_created, "2026-03-02T09:00:00Z", "a",
                           {{"priority", "P1"}, {"team", "billing"}, {"customer_id", "c0ffee"}}));
  archive.events.add(event(rules::event_type::case_status_changed, "2026-03-02T09:05:00Z", "b",
                           {{"status", "pending"}}));
  archive.events.add(event(rules::event_type::case_status_changed, "2026-03-02T09:20:00Z", "c",
                           {{"status", "open"}}));
  archive.events.add(event(rules::event_type::message_agent, "2026-03-02T09:30:00Z", "d"));
  return detail_of(archive, *loaded, at(now), true);
}

}  // namespace

TEST_CASE("a case document has its clocks, ledgers and audit trail with ISO 8601 UTC times",
          "[case_json]") {
  const auto doc = json::parse(case_detail_json(sample_detail()));
  CHECK(doc["case_id"] == "CS-20260302-0001");
  CHECK(doc["state"] == "open");
  CHECK(doc["policy"] == "p1");
  CHECK(doc["priority"] == "P1");
  CHECK(doc["team"] == "billing");
  CHECK(doc["as_of"] == "2026-03-02T10:00:00Z");
  CHECK(doc["rules_version"] == "j1");
  CHECK(doc["live"] == true);
  CHECK(doc["sla"]["answer"] == "pending");
  CHECK(doc.dump().find("c0ffee") == std::string::npos);  // no customer attributes

  REQUIRE(doc["clocks"].size() == 2);
  const auto& fr = doc["clocks"][0];
  CHECK(fr["clock"] == "first_response");
  CHECK(fr["state"] == "met");
  CHECK(fr["started_at"] == "2026-03-02T09:00:00Z");
  CHECK(fr["due_at"] == "2026-03-02T09:30:00Z");
  CHECK(fr["stopped_at"] == "2026-03-02T09:30:00Z");
  CHECK(fr["elapsed_seconds"] == 15 * 60);
  CHECK(fr["paused_seconds"] == 15 * 60);
  CHECK(fr["target_seconds"] == 15 * 60);
  REQUIRE(fr["ledger"].is_array());
  REQUIRE(fr["ledger"].size() >= 3);
  CHECK(fr["ledger"][0]["from"] == "2026-03-02T09:00:00Z");
  CHECK(fr["ledger"][0]["counted"] == true);
  CHECK(fr["ledger"][1]["reason"] == "paused:pending");
  const auto& res = doc["clocks"][1];
  CHECK(res["clock"] == "resolution");
  CHECK(res["state"] == "running");
  CHECK(res["stopped_at"].is_null());

  REQUIRE(doc["audit"].is_array());
  REQUIRE_FALSE(doc["audit"].empty());
  std::string previous;
  for (const auto& r : doc["audit"]) {
    CHECK(r["record"] == "audit");
    const auto when = r["at"].get<std::string>();
    CHECK(rules::parse_iso8601(when));
    CHECK(when.back() == 'Z');
    CHECK(previous <= when);  // in time order
    previous = when;
  }
}

TEST_CASE("the SLA answer: pending, met, breached", "[case_json]") {
  CHECK(sla_answer(sample_detail().view) == "pending");

  auto loaded = rules::load_rules(rules_text, "j.yaml");
  REQUIRE(loaded);
  case_archive late;
  late.case_id = "CS-20260302-0002";
  late.events.add(
      event(rules::event_type::case_created, "2026-03-02T09:00:00Z", "a", {{"priority", "P1"}}));
  late.events.add(event(rules::event_type::message_agent, "2026-03-02T09:20:00Z", "b"));
  const auto breached = detail_of(late, *loaded, at("2026-03-02T09:30:00Z"), false);
  CHECK(sla_answer(breached.view) == "breached");
  const auto text = case_text(case_detail_json(breached));
  REQUIRE(text);
  CHECK(text->rfind("Case CS-20260302-0001: SLA BREACHED (first_response stopped 5m 00s late)",
                    0) == 0);

  case_archive done;
  done.case_id = "CS-20260302-0003";
  done.events.add(
      event(rules::event_type::case_created, "2026-03-02T09:00:00Z", "a", {{"priority", "P1"}}));
  done.events.add(event(rules::event_type::message_agent, "2026-03-02T09:10:00Z", "b"));
  done.events.add(event(rules::event_type::case_resolved, "2026-03-02T10:00:00Z", "c"));
  done.events.add(event(rules::event_type::case_closed, "2026-03-02T10:00:00Z", "d"));
  const auto met = detail_of(done, *loaded, at("2026-03-02T11:00:00Z"), false);
  CHECK(sla_answer(met.view) == "met");
  const auto doc = json::parse(case_detail_json(met));
  CHECK(doc["state"] == "closed");
  CHECK(doc["live"] == false);
  const auto met_text = case_text(case_detail_json(met));
  REQUIRE(met_text);
  CHECK(met_text->rfind("Case CS-20260302-0001: SLA MET (2 clocks met in time)", 0) == 0);
}

TEST_CASE("slawatch case prints the answer, a clock table and the timeline", "[case_json]") {
  const auto text = case_text(case_detail_json(sample_detail()));
  REQUIRE(text);
  CHECK(text->rfind(
            "Case CS-20260302-0001: SLA PENDING, nothing late so far (next due: resolution at "
            "2026-03-02T13:15:00Z)\n",
            0) == 0);
  CHECK(text->find("state open, status open, policy p1, priority P1, team billing; rules j1") !=
        std::string::npos);
  CHECK(text->find("first_response      met         2026-03-02T09:30:00Z  2026-03-02T09:30:00Z  "
                   "15m 00s   15m 00s   MET") != std::string::npos);
  CHECK(text->find("\nTIMELINE\n2026-03-02T09:00:00Z") != std::string::npos);
  CHECK_FALSE(case_text("{\"error\":\"x\"}"));
  CHECK_FALSE(case_text("not json"));
}

TEST_CASE("a worklist document lists its cases with due times", "[case_json]") {
  worklist_reply reply;
  reply.open = 7;
  reply.matched = 1;
  case_summary s;
  s.case_id = "CS-20260302-0001";
  s.policy = "p1";
  s.status = "open";
  s.priority = "P1";
  s.team = "billing";
  s.at_risk = true;
  s.next_due = at("2026-03-02T09:15:00Z");
  s.next_due_clock = "first_response";
  reply.cases.push_back(s);
  const auto doc = json::parse(worklist_json(reply, at("2026-03-02T09:10:00Z")));
  CHECK(doc["as_of"] == "2026-03-02T09:10:00Z");
  CHECK(doc["open"] == 7);
  CHECK(doc["matched"] == 1);
  CHECK(doc["returned"] == 1);
  CHECK(doc["cases"][0]["case_id"] == "CS-20260302-0001");
  CHECK(doc["cases"][0]["next_due"] == "2026-03-02T09:15:00Z");
  CHECK(doc["cases"][0]["at_risk"] == true);
  CHECK(json::parse(error_json("no such case"))["error"] == "no such case");
}

TEST_CASE("durations for people", "[case_json]") {
  CHECK(human_seconds(0) == "0s");
  CHECK(human_seconds(45) == "45s");
  CHECK(human_seconds(750) == "12m 30s");
  CHECK(human_seconds(7500) == "2h 05m");
  CHECK(human_seconds(3 * 86400 + 4 * 3600 + 5) == "3d 4h");
  CHECK(human_seconds(-90) == "-1m 30s");
}

TEST_CASE("the API's bearer token, worklist limit and loopback test", "[case_api]") {
  CHECK(bearer_token_matches("Bearer s3cret", "s3cret"));
  CHECK_FALSE(bearer_token_matches("Bearer s3cre", "s3cret"));
  CHECK_FALSE(bearer_token_matches("Bearer s3creT", "s3cret"));
  CHECK_FALSE(bearer_token_matches("s3cret", "s3cret"));
  CHECK_FALSE(bearer_token_matches("", "s3cret"));
  CHECK_FALSE(bearer_token_matches("Bearer ", ""));

  CHECK(parse_worklist_limit("") == std::optional<std::size_t>{1000});
  CHECK(parse_worklist_limit("5") == std::optional<std::size_t>{5});
  CHECK_FALSE(parse_worklist_limit("0"));
  CHECK_FALSE(parse_worklist_limit("10001"));
  CHECK_FALSE(parse_worklist_limit("5x"));

  CHECK(is_loopback_listen("127.0.0.1:9465"));
  CHECK(is_loopback_listen("127.1.2.3:9465"));
  CHECK(is_loopback_listen("localhost:9465"));
  CHECK(is_loopback_listen("[::1]:9465"));
  CHECK_FALSE(is_loopback_listen("0.0.0.0:9465"));
  CHECK_FALSE(is_loopback_listen("10.0.0.5:9465"));
  CHECK_FALSE(is_loopback_listen(":9465"));
}

TEST_CASE("the case API needs a token file to listen beyond loopback", "[config]") {
  auto refused =
      parse_config("rules: r.yaml\napi:\n  listen: 0.0.0.0:9465\n", "/etc/slawatch/slawatch.yaml");
  REQUIRE_FALSE(refused);
  REQUIRE(refused.error().size() == 1);
  CHECK(
      rules::to_string(refused.error()[0]).find("/etc/slawatch/slawatch.yaml:3:11: api.listen:") ==
      0);
  CHECK(rules::to_string(refused.error()[0]).find("needs a bearer token") != std::string::npos);

  auto with_token = parse_config("rules: r.yaml\napi: {listen: 0.0.0.0:9465, token_file: token}\n",
                                 "/etc/slawatch/slawatch.yaml");
  REQUIRE(with_token);
  CHECK(with_token->api.listen == "0.0.0.0:9465");
  CHECK(with_token->api.token_file == "/etc/slawatch/token");

  auto defaults = parse_config("rules: r.yaml\n", "/etc/slawatch/slawatch.yaml");
  REQUIRE(defaults);
  CHECK(defaults->api.listen == "127.0.0.1:9465");
  CHECK(defaults->api.token_file.empty());
}
