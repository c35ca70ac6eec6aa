// Event decoding (JSON Lines and stream fields), event and record encoding.
#include "rules/codec.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using namespace slawatch::rules;

namespace {

instant at(const char* text) { return *parse_iso8601(text); }

/// The reason label of a refused JSON line ("" when it was accepted).
std::string json_reason(const std::string& line) {
  const auto decoded = decode_event_json(line);
  return decoded ? std::string() : decoded.error().reason;
}

std::string fields_reason(const std::vector<std::pair<std::string, std::string>>& fields) {
  const auto decoded = decode_event_fields(fields);
  return decoded ? std::string() : decoded.error().reason;
}

/// A valid line with one extra `"key": value` member spliced in.
std::string with_member(const std::string& member) {
  return R"({"type":"case.updated","case_id":"CS-20250912-0042","ts":"2025-09-12T14:03:00Z",)" +
         member + "}";
}

}  // namespace

TEST_CASE("decodes a JSON event of the contract", "[codec]") {
  const auto decoded = decode_event_json(
      R"({"type":"case.created","case_id":"CS-20250912-0042","ts":"2025-09-12T16:03:00+02:00",)"
      R"("event_id":"zd-991","priority":"p1","channel":"EMAIL","team":"Billing EU",)"
      R"("status":"Open","legal_risk":true,"revenue_impact":25000,"tags":"vip,renewal"})");
  REQUIRE(decoded);
  CHECK(decoded->type == event_type::case_created);
  CHECK(decoded->case_id == "CS-20250912-0042");
  CHECK(decoded->ts == at("2025-09-12T14:03:00Z"));
  CHECK(decoded->event_id == "zd-991");
  const attributes expected_attrs{{"channel", "email"},  {"legal_risk", "true"},
                                  {"priority", "P1"},    {"revenue_impact", "25000"},
                                  {"status", "open"},    {"tags", "vip,renewal"},
                                  {"team", "Billing EU"}};
  CHECK(decoded->attrs == expected_attrs);
}

TEST_CASE("JSON numbers become text without a trailing .0 for integers", "[codec]") {
  const auto check_number = [](const std::string& json_number, const std::string& text) {
    const auto decoded = decode_event_json(with_member(R"("revenue_impact":)" + json_number));
    REQUIRE(decoded);
    CHECK(decoded->attrs.at("revenue_impact") == text);
  };
  check_number("25000", "25000");
  check_number("25000.0", "25000");
  check_number("12.5", "12.5");
  check_number("-3", "-3");
  check_number("0.1", "0.1");
  check_number("18446744073709551615", "18446744073709551615");

  const auto csat = decode_event_json(
      R"({"type":"csat.received","case_id":"c1","ts":"2025-09-12T14:03:00Z","csat":4.0,"nps":"09"})");
  REQUIRE(csat);
  CHECK(csat->attrs.at("csat") == "4");
  CHECK(csat->attrs.at("nps") == "9");
}

TEST_CASE("null and empty values mean the attribute is absent", "[codec]") {
  const auto decoded =
      decode_event_json(with_member(R"("team":null,"assignee":"","category":"x")"));
  REQUIRE(decoded);
  CHECK(decoded->attrs == attributes{{"category", "x"}});
  const auto no_id = decode_event_json(with_member(R"("event_id":null)"));
  REQUIRE(no_id);
  CHECK(no_id->event_id.empty());
}

TEST_CASE("personal attributes are dropped on decoding", "[codec]") {
  const auto decoded = decode_event_json(with_member(
      R"("customer_name":"Ada Lovelace","email":"ada@example.org","body":"my invoice...",)"
      R"("subject":"help","requester_email":"x@y.z","team":"billing")"));
  REQUIRE(decoded);
  CHECK(decoded->attrs == attributes{{"team", "billing"}});

  const auto from_fields = decode_event_fields({{"type", "message.customer"},
                                                {"case_id", "c1"},
                                                {"ts", "2025-09-12T14:03:00Z"},
                                                {"message", "please call me"},
                                                {"phone_number", "+1 555 0100"}});
  REQUIRE(from_fields);
  CHECK(from_fields->attrs.empty());
}

TEST_CASE("every decode error has its stable reason", "[codec]") {
  SECTION("bad_json") {
    CHECK(json_reason("{") == "bad_json");
    CHECK(json_reason("") == "bad_json");
    CHECK(json_reason("not json") == "bad_json");
    CHECK(json_reason(R"(["case.created"])") == "bad_json");
    CHECK(json_reason("42") == "bad_json");
  }
  SECTION("missing_field") {
    CHECK(json_reason(R"({"case_id":"c1","ts":"2025-09-12T14:03:00Z"})") == "missing_field");
    CHECK(json_reason(R"({"type":"case.created","ts":"2025-09-12T14:03:00Z"})") == "missing_field");
    CHECK(json_reason(R"({"type":"case.created","case_id":"c1"})") == "missing_field");
    CHECK(json_reason(R"({"type":"case.created","case_id":"","ts":"2025-09-12T14:03:00Z"})") ==
          "missing_field");
    CHECK(json_reason(R"({"type":"csat.received","case_id":"c1","ts":"2025-09-12T14:03:00Z"})") ==
          "missing_field");
  }
  SECTION("bad_timestamp") {
    CHECK(json_reason(R"({"type":"case.created","case_id":"c1","ts":"yesterday"})") ==
          "bad_timestamp");
    CHECK(json_reason(R"({"type":"case.created","case_id":"c1","ts":"2025-13-12T14:03:00Z"})") ==
          "bad_timestamp");
    CHECK(json_reason(R"({"type":"case.created","case_id":"c1","ts":1757685780})") ==
          "bad_timestamp");
  }
  SECTION("unknown_type") {
    CHECK(json_reason(R"({"type":"case.deleted","case_id":"c1","ts":"2025-09-12T14:03:00Z"})") ==
          "unknown_type");
    CHECK(json_reason(R"({"type":true,"case_id":"c1","ts":"2025-09-12T14:03:00Z"})") ==
          "unknown_type");
  }
  SECTION("bad_value") {
    CHECK(json_reason(with_member(R"("priority":"P5")")) == "bad_value");
    CHECK(json_reason(with_member(R"("priority":"high")")) == "bad_value");
    CHECK(json_reason(with_member(R"("channel":"fax")")) == "bad_value");
    CHECK(json_reason(with_member(R"("status":"   ")")) == "bad_value");
    CHECK(json_reason(with_member(R"("legal_risk":"maybe")")) == "bad_value");
    CHECK(json_reason(with_member(R"("revenue_impact":"lots")")) == "bad_value");
    CHECK(json_reason(with_member(R"("revenue_impact":"12 USD")")) == "bad_value");
    CHECK(json_reason(with_member(R"("csat":6)")) == "bad_value");
    CHECK(json_reason(with_member(R"("csat":0)")) == "bad_value");
    CHECK(json_reason(with_member(R"("csat":4.5)")) == "bad_value");
    CHECK(json_reason(with_member(R"("nps":11)")) == "bad_value");
    CHECK(json_reason(with_member(R"("nps":-1)")) == "bad_value");
    CHECK(json_reason(with_member(R"("level":0)")) == "bad_value");
    CHECK(json_reason(with_member(R"("level":"two")")) == "bad_value");
    CHECK(json_reason(with_member(R"("tags":["a","b"])")) == "bad_value");
    CHECK(json_reason(with_member(R"("extra":{"nested":1})")) == "bad_value");
    CHECK(json_reason(with_member(R"("event_id":"a\u0001b")")) == "bad_value");
    const std::string long_id(129, 'x');
    CHECK(json_reason(R"({"type":"case.created","case_id":")" + long_id +
                      R"(","ts":"2025-09-12T14:03:00Z"})") == "bad_value");
    CHECK(json_reason(R"({"type":"case.created","case_id":"a\tb","ts":"2025-09-12T14:03:00Z"})") ==
          "bad_value");
  }
  SECTION("oversize") {
    const std::string padding(max_event_bytes, 'x');
    CHECK(json_reason(with_member(R"("tags":")" + padding + "\"")) == "oversize");
    CHECK(fields_reason({{"type", "case.updated"},
                         {"case_id", "c1"},
                         {"ts", "2025-09-12T14:03:00Z"},
                         {"tags", padding}}) == "oversize");
  }
}

TEST_CASE("error details never repeat the offending value", "[codec]") {
  const auto decoded = decode_event_json(with_member(R"("channel":"ada@example.org")"));
  REQUIRE_FALSE(decoded);
  CHECK(decoded.error().detail.find("ada") == std::string::npos);
  CHECK(decoded.error().detail.find("channel") != std::string::npos);
}

TEST_CASE("the largest accepted case id is 128 printable characters", "[codec]") {
  const std::string id(128, 'x');
  const auto decoded = decode_event_json(R"({"type":"case.created","case_id":")" + id +
                                         R"(","ts":"2025-09-12T14:03:00Z"})");
  REQUIRE(decoded);
  CHECK(decoded->case_id == id);
}

TEST_CASE("decodes Redis stream fields like JSON", "[codec]") {
  const auto decoded = decode_event_fields({{"type", "case.status_changed"},
                                            {"case_id", "CS-20250912-0042"},
                                            {"ts", "2025-09-12T14:03:00Z"},
                                            {"event_id", "e-7"},
                                            {"status", "Pending"},
                                            {"csat", "5"}});
  REQUIRE(decoded);
  CHECK(decoded->type == event_type::case_status_changed);
  CHECK(decoded->event_id == "e-7");
  CHECK(decoded->attrs == attributes{{"csat", "5"}, {"status", "pending"}});

  CHECK(fields_reason({{"case_id", "c1"}, {"ts", "2025-09-12T14:03:00Z"}}) == "missing_field");
  CHECK(fields_reason({{"type", "x"}, {"case_id", "c1"}, {"ts", "2025-09-12T14:03:00Z"}}) ==
        "unknown_type");
  CHECK(fields_reason({{"type", "case.created"}, {"case_id", "c1"}, {"ts", "2025-09-12"}}) ==
        "bad_timestamp");
  CHECK(fields_reason({{"type", "case.created"},
                       {"case_id", "c1"},
                       {"ts", "2025-09-12T14:03:00Z"},
                       {"priority", "urgent"}}) == "bad_value");
  CHECK(fields_reason({{"type", "csat.received"},
                       {"case_id", "c1"},
                       {"ts", "2025-09-12T14:03:00Z"},
                       {"csat", "4.0"}}) == "bad_value");
}

TEST_CASE("encoded events decode to the same event", "[codec]") {
  event original;
  original.type = event_type::case_escalated;
  original.case_id = "servicenow:INC0000045";
  original.ts = at("2016-02-29T01:23:00Z");
  original.event_id = "INC0000045#0003";
  original.attrs = {{"level", "2"}, {"reason", "vendor \"needed\"\n"}, {"priority", "P2"}};
  const std::string line = encode_event_json(original);
  CHECK(
      line ==
      R"({"type":"case.escalated","case_id":"servicenow:INC0000045","ts":"2016-02-29T01:23:00Z",)"
      R"("event_id":"INC0000045#0003","level":"2","priority":"P2","reason":"vendor \"needed\"\n"})");
  const auto decoded = decode_event_json(line);
  REQUIRE(decoded);
  CHECK(decoded->type == original.type);
  CHECK(decoded->case_id == original.case_id);
  CHECK(decoded->ts == original.ts);
  CHECK(decoded->event_id == original.event_id);
  CHECK(decoded->attrs == original.attrs);
  CHECK(encode_event_json(*decoded) == line);

  event bare;
  bare.type = event_type::case_closed;
  bare.case_id = "c1";
  bare.ts = at("2025-01-01T00:00:00Z");
  CHECK(encode_event_json(bare) ==
        R"({"type":"case.closed","case_id":"c1","ts":"2025-01-01T00:00:00Z"})");
}

TEST_CASE("event encoding escapes text as JSON and keeps UTF-8", "[codec]") {
  event e;
  e.type = event_type::case_updated;
  e.case_id = "c1";
  e.ts = at("2025-01-01T00:00:00Z");
  e.attrs = {{"a", "tab\there \x01 back\\slash"},
             {"b", "Bj\xc3\xb6rn \xe2\x82\xac \xf0\x9f\x98\x80"},
             {"c", "bad \xff\xc3 end \xed\xa0\x80"}};
  const std::string line = encode_event_json(e);
  CHECK(line.find(R"("a":"tab\there \u0001 back\\slash")") != std::string::npos);
  CHECK(line.find("\"b\":\"Bj\xc3\xb6rn \xe2\x82\xac \xf0\x9f\x98\x80\"") != std::string::npos);
  // Each byte that is not valid UTF-8 becomes U+FFFD, so the line is always valid JSON.
  CHECK(line.find(
            "\"c\":\"bad \xef\xbf\xbd\xef\xbf\xbd end \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"") !=
        std::string::npos);
  const auto decoded = decode_event_json(line);
  REQUIRE(decoded);
  CHECK(decoded->attrs.at("a") == e.attrs.at("a"));
  CHECK(decoded->attrs.at("b") == e.attrs.at("b"));
}

TEST_CASE("outcome records encode with the contract's keys in order", "[codec]") {
  record r;
  r.type = record::kind::outcome;
  r.id = "CS-1/resolution/1/outcome";
  r.case_id = "CS-1";
  r.metric = "resolution";
  r.cycle = 2;
  r.policy = "p1-site-down";
  r.target_seconds = 14400;
  r.started_at = at("2025-09-12T14:00:00Z");
  r.due_at = at("2025-09-12T18:00:00Z");
  r.at = at("2025-09-12T19:30:05Z");
  r.elapsed_seconds = 18000;
  r.paused_seconds = 605;
  r.met = false;
  CHECK(encode_record_json(r) ==
        R"({"record":"outcome","id":"CS-1/resolution/1/outcome","case_id":"CS-1",)"
        R"("metric":"resolution","cycle":2,"policy":"p1-site-down","target_seconds":14400,)"
        R"("started_at":"2025-09-12T14:00:00Z","due_at":"2025-09-12T18:00:00Z",)"
        R"("stopped_at":"2025-09-12T19:30:05Z","elapsed_seconds":18000,"paused_seconds":605,)"
        R"("outcome":"breached"})");
  r.met = true;
  CHECK(encode_record_json(r).find(R"("outcome":"met"})") != std::string::npos);
}

TEST_CASE("notification records encode with threshold and reason when they apply", "[codec]") {
  record r;
  r.type = record::kind::notification;
  r.id = "n1";
  r.case_id = "CS-1";
  r.metric = "first_response";
  r.cycle = 1;
  r.policy = "default";
  r.notification_kind = "warning";
  r.level = 1;
  r.threshold_bp = 5000;
  r.due_at = at("2025-09-12T14:15:00Z");
  r.at = at("2025-09-12T14:07:30Z");
  r.notify = {"team-supervisor", "on-call"};
  CHECK(encode_record_json(r) ==
        R"({"record":"notification","id":"n1","case_id":"CS-1","kind":"warning",)"
        R"("metric":"first_response","cycle":1,"level":1,"due_at":"2025-09-12T14:15:00Z",)"
        R"("at":"2025-09-12T14:07:30Z","policy":"default","notify":["team-supervisor","on-call"],)"
        R"("threshold_percent":50})");

  r.threshold_bp = 1250;
  CHECK(encode_record_json(r).find(R"("threshold_percent":12.5})") != std::string::npos);

  r.notification_kind = "breach";
  r.level = 0;
  r.notify.clear();
  CHECK(encode_record_json(r) ==
        R"({"record":"notification","id":"n1","case_id":"CS-1","kind":"breach",)"
        R"("metric":"first_response","cycle":1,"level":0,"due_at":"2025-09-12T14:15:00Z",)"
        R"("at":"2025-09-12T14:07:30Z","policy":"default","notify":[]})");

  r.notification_kind = "escalation";
  r.metric = "impact";
  r.level = 2;
  r.reason = "revenue";
  CHECK(encode_record_json(r) ==
        R"({"record":"notification","id":"n1","case_id":"CS-1","kind":"escalation",)"
        R"("metric":"impact","cycle":1,"level":2,"due_at":"2025-09-12T14:15:00Z",)"
        R"("at":"2025-09-12T14:07:30Z","policy":"default","notify":[],"reason":"revenue"})");
}

TEST_CASE("audit records encode with their action and detail", "[codec]") {
  record r;
  r.type = record::kind::audit;
  r.id = "a1";
  r.case_id = "CS-1";
  r.at = at("2025-09-12T14:10:00Z");
  r.action = "paused";
  r.metric = "resolution";
  r.cycle = 1;
  r.detail = "status pending";
  CHECK(encode_record_json(r) ==
        R"({"record":"audit","id":"a1","case_id":"CS-1","at":"2025-09-12T14:10:00Z",)"
        R"("action":"paused","metric":"resolution","cycle":1,"detail":"status pending"})");
}

TEST_CASE("record encoding is one line even for awkward text", "[codec]") {
  record r;
  r.type = record::kind::audit;
  r.case_id = "CS-1";
  r.detail = "line one\nline two \"quoted\" \xff";
  const std::string line = encode_record_json(r);
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.find(R"(line one\nline two \"quoted\")") != std::string::npos);
}

TEST_CASE("contract case ids are CS-YYYYMMDD-####", "[codec]") {
  CHECK(is_contract_case_id("CS-20250912-0042"));
  CHECK(is_contract_case_id("CS-20250912-123456"));
  CHECK_FALSE(is_contract_case_id("CS-20250912-042"));
  CHECK_FALSE(is_contract_case_id("CS-20251312-0042"));
  CHECK_FALSE(is_contract_case_id("cs-20250912-0042"));
  CHECK_FALSE(is_contract_case_id("CS-2025091-00042"));
  CHECK_FALSE(is_contract_case_id("servicenow:INC0000045"));
  CHECK_FALSE(is_contract_case_id(""));
}

namespace {

/// encode_record_json() as an nlohmann::ordered_json tree would write it: the reference the
/// hand-written encoder must match byte for byte.
std::string record_json_by_tree(const record& r) {
  nlohmann::ordered_json out;
  const auto time = [](instant t) { return format_iso8601(t); };
  switch (r.type) {
    case record::kind::outcome:
      out["record"] = "outcome";
      out["id"] = r.id;
      out["case_id"] = r.case_id;
      out["metric"] = r.metric;
      out["cycle"] = r.cycle;
      out["policy"] = r.policy;
      out["target_seconds"] = r.target_seconds;
      out["started_at"] = time(r.started_at);
      out["due_at"] = time(r.due_at);
      out["stopped_at"] = time(r.at);
      out["elapsed_seconds"] = r.elapsed_seconds;
      out["paused_seconds"] = r.paused_seconds;
      out["outcome"] = r.met ? "met" : "breached";
      break;
    case record::kind::notification:
      out["record"] = "notification";
      out["id"] = r.id;
      out["case_id"] = r.case_id;
      out["kind"] = r.notification_kind;
      out["metric"] = r.metric;
      out["cycle"] = r.cycle;
      out["level"] = r.level;
      out["due_at"] = time(r.due_at);
      out["at"] = time(r.at);
      out["policy"] = r.policy;
      out["notify"] = r.notify;
      if (r.notification_kind == "warning") {
        if (r.threshold_bp % 100 == 0) {
          out["threshold_percent"] = r.threshold_bp / 100;
        } else {
          out["threshold_percent"] = static_cast<double>(r.threshold_bp) / 100.0;
        }
      }
      if (!r.reason.empty()) out["reason"] = r.reason;
      break;
    case record::kind::audit:
      out["record"] = "audit";
      out["id"] = r.id;
      out["case_id"] = r.case_id;
      out["at"] = time(r.at);
      out["action"] = r.action;
      out["metric"] = r.metric;
      out["cycle"] = r.cycle;
      out["detail"] = r.detail;
      break;
  }
  return out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

TEST_CASE("records encode byte for byte as a JSON tree would, whatever their text", "[codec]") {
  // Quotes, backslashes, control characters, DEL, valid multi-byte UTF-8, invalid and truncated
  // sequences (from stream fields, which are not checked for UTF-8), and empty text.
  const std::vector<std::string> texts{
      "",           "plain",         "say \"hi\"",      "back\\slash",  "tab\there",
      "line\nbreak", std::string("nul\0in", 6), "\x7f" "del", "caf\xc3\xa9", "\xe2\x82\xac euro",
      "\xf0\x9f\x98\x80", "bad \xff byte", "cut \xe2\x82", "\xe2\x82" "A", "\xc3", "\xed\xa0\x80",
      "\xf4\x90\x80\x80", "\x01\x1f"};
  for (const auto kind : {record::kind::outcome, record::kind::notification, record::kind::audit}) {
    for (const auto& text : texts) {
      record r;
      r.type = kind;
      r.id = "CS-1:" + text;
      r.case_id = "CS-1";
      r.at = at("2025-09-12T14:10:00Z");
      r.started_at = at("1970-01-01T00:00:00Z");
      r.due_at = at("2025-09-12T18:00:00Z");
      r.metric = text;
      r.cycle = -3;
      r.policy = text;
      r.target_seconds = 9007199254740993;
      r.elapsed_seconds = -1;
      r.paused_seconds = 0;
      r.met = text.size() % 2 == 0;
      r.notification_kind = text.empty() ? "warning" : "escalation";
      r.level = 7;
      r.threshold_bp = static_cast<std::int64_t>(text.size()) * 333;
      r.notify = {text, "on-call", text};
      r.reason = text;
      r.action = text;
      r.detail = text;
      INFO("text of " << text.size() << " bytes, record kind " << static_cast<int>(kind));
      CHECK(encode_record_json(r) == record_json_by_tree(r));
      r.notification_kind = "warning";
      CHECK(encode_record_json(r) == record_json_by_tree(r));
    }
  }
}
