// Case event types, the order events apply in, and which attributes are personal data.
//
// Personal attributes (dropped when an event is decoded, so they are never stored or logged):
//   exact names   name, first_name, last_name, full_name, customer_name, requester_name,
//                 caller_name, contact_name, agent_name, assignee_name,
//                 email, customer_email, requester_email, contact_email,
//                 body, message, comment, description, subject,
//                 phone, phone_number
//   by suffix     `_email`, `_phone`, `_phone_number` (e.g. `cc_email`, `mobile_phone`)
// Names are compared exactly (attribute names are case-sensitive everywhere).  `assignee` and
// `customer_id` are not on the list: platforms send opaque agent labels and UUIDs there, and the
// engine needs them to see ownership changes.
#include "rules/event.hpp"

#include <algorithm>
#include <array>
#include <tuple>

namespace slawatch::rules {

namespace {

struct event_type_name {
  event_type type;
  const char* name;
};

// In enum order; the names are the contract's (../shared/spec/events.md).
constexpr std::array<event_type_name, 11> event_type_names{{
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
}};

constexpr std::array<std::string_view, 21> personal_names{
    "name",           "first_name",     "last_name",       "full_name",     "customer_name",
    "requester_name", "caller_name",    "contact_name",    "agent_name",    "assignee_name",
    "email",          "customer_email", "requester_email", "contact_email", "body",
    "message",        "comment",        "description",     "subject",       "phone",
    "phone_number"};

constexpr std::array<std::string_view, 3> personal_suffixes{"_email", "_phone", "_phone_number"};

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

const char* to_string(event_type t) {
  for (const auto& entry : event_type_names) {
    if (entry.type == t) return entry.name;
  }
  return "unknown";
}

std::optional<event_type> parse_event_type(std::string_view text) {
  for (const auto& entry : event_type_names) {
    if (text == entry.name) return entry.type;
  }
  return std::nullopt;
}

bool applies_before(const event& a, const event& b) {
  // Attributes last, lexicographically by (name, value) pairs (as std::map compares), so two events
  // that differ only in their attributes still have a fixed order.
  return std::tie(a.ts, a.event_id, a.type, a.attrs) < std::tie(b.ts, b.event_id, b.type, b.attrs);
}

bool is_personal_attribute(std::string_view name) {
  if (std::find(personal_names.begin(), personal_names.end(), name) != personal_names.end()) {
    return true;
  }
  return std::any_of(personal_suffixes.begin(), personal_suffixes.end(),
                     [name](std::string_view suffix) { return ends_with(name, suffix); });
}

}  // namespace slawatch::rules
