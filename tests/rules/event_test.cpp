// Event type names, the order events apply in, and the personal-attribute list.
#include "rules/event.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

using namespace slawatch::rules;

namespace {

instant at(const char* text) { return *parse_iso8601(text); }

event make_event(event_type type, const char* ts, std::string event_id = {},
                 attributes attrs = {}) {
  event e;
  e.type = type;
  e.case_id = "CS-20250912-0042";
  e.ts = at(ts);
  e.event_id = std::move(event_id);
  e.attrs = std::move(attrs);
  return e;
}

}  // namespace

TEST_CASE("event type names are the contract's and parse back", "[event]") {
  const std::vector<std::pair<event_type, const char*>> names{
      {event_type::case_created, "case.created"},
      {event_type::case_updated, "case.updated"},
      {event_type::case_assigned, "case.assigned"},
      {event_type::case_status_changed, "case.status_changed"},
      {event_type::message_agent, "message.agent"},
      {event_type::message_customer, "message.customer"},
      {event_type::case_resolved, "case.resolved"},
      {event_type::case_reopened, "case.reopened"},
      {event_type::case_closed, "case.closed"},
      {event_type::csat_received, "csat.received"},
      {event_type::case_escalated, "case.escalated"},
  };
  for (const auto& [type, name] : names) {
    CHECK(std::string(to_string(type)) == name);
    REQUIRE(parse_event_type(name).has_value());
    CHECK(*parse_event_type(name) == type);
  }
}

TEST_CASE("unknown event type names are refused", "[event]") {
  CHECK_FALSE(parse_event_type("").has_value());
  CHECK_FALSE(parse_event_type("case.Created").has_value());
  CHECK_FALSE(parse_event_type("case_created").has_value());
  CHECK_FALSE(parse_event_type("case.created ").has_value());
  CHECK_FALSE(parse_event_type("message").has_value());
}

TEST_CASE("events apply by ts, then event_id, then type, then attributes", "[event]") {
  const event early = make_event(event_type::case_closed, "2025-09-12T14:00:00Z", "z");
  const event late = make_event(event_type::case_created, "2025-09-12T14:00:01Z", "a");
  CHECK(applies_before(early, late));
  CHECK_FALSE(applies_before(late, early));

  const event id_a = make_event(event_type::case_closed, "2025-09-12T14:00:00Z", "a");
  const event id_b = make_event(event_type::case_created, "2025-09-12T14:00:00Z", "b");
  CHECK(applies_before(id_a, id_b));
  CHECK_FALSE(applies_before(id_b, id_a));

  const event created = make_event(event_type::case_created, "2025-09-12T14:00:00Z", "x");
  const event agent = make_event(event_type::message_agent, "2025-09-12T14:00:00Z", "x");
  CHECK(applies_before(created, agent));
  CHECK_FALSE(applies_before(agent, created));

  const event p1 =
      make_event(event_type::case_updated, "2025-09-12T14:00:00Z", "", {{"priority", "P1"}});
  const event p2 =
      make_event(event_type::case_updated, "2025-09-12T14:00:00Z", "", {{"priority", "P2"}});
  CHECK(applies_before(p1, p2));
  CHECK_FALSE(applies_before(p2, p1));

  // Irreflexive: identical events are equivalent.
  CHECK_FALSE(applies_before(p1, p1));
}

TEST_CASE("sorting by applies_before does not depend on arrival order", "[event]") {
  std::vector<event> events{
      make_event(event_type::case_resolved, "2025-09-12T16:00:00Z", "4"),
      make_event(event_type::message_agent, "2025-09-12T14:10:00Z", "2"),
      make_event(event_type::case_created, "2025-09-12T14:00:00Z", "1"),
      make_event(event_type::case_status_changed, "2025-09-12T14:10:00Z", "3",
                 {{"status", "pending"}}),
  };
  std::vector<event> reversed(events.rbegin(), events.rend());
  std::sort(events.begin(), events.end(), applies_before);
  std::sort(reversed.begin(), reversed.end(), applies_before);
  REQUIRE(events.size() == reversed.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    CHECK(events[i].event_id == reversed[i].event_id);
    CHECK(events[i].event_id == std::to_string(i + 1));
  }
}

TEST_CASE("names, e-mail addresses and message bodies are personal", "[event]") {
  for (const char* name :
       {"name", "customer_name", "requester_name", "email", "customer_email", "requester_email",
        "body", "message", "comment", "description", "subject", "phone_number", "phone",
        "first_name", "cc_email", "mobile_phone"}) {
    INFO(name);
    CHECK(is_personal_attribute(name));
  }
}

TEST_CASE("case attributes of the contract are not personal", "[event]") {
  for (const char* name : {"priority",       "channel",      "customer_id",    "customer_tier",
                           "team",           "assignee",     "category",       "subcategory",
                           "status",         "jurisdiction", "revenue_impact", "legal_risk",
                           "parent_case_id", "tags",         "csat",           "nps",
                           "level",          "reason",       "email_count",    "Name"}) {
    INFO(name);
    CHECK_FALSE(is_personal_attribute(name));
  }
}
