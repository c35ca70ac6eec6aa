// Case events of the contract (../shared/spec/events.md, "Case events").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rules/event_attributes.hpp"
#include "rules/match.hpp"
#include "rules/time.hpp"

namespace slawatch::rules {

enum class event_type {
  case_created,
  case_updated,
  case_assigned,
  case_status_changed,
  message_agent,
  message_customer,
  case_resolved,
  case_reopened,
  case_closed,
  csat_received,
  case_escalated,
};

/// `case.created`, `message.agent`, ...
const char* to_string(event_type t);
std::optional<event_type> parse_event_type(std::string_view text);

/// One decoded event. Everything that is not `type`, `case_id`, `ts` or `event_id` is an
/// attribute (values as text), including `csat`, `nps`, `level` and `reason`.
struct event {
  event_type type = event_type::case_updated;
  std::string case_id;
  instant ts;
  std::string event_id;  ///< empty when the source gave none
  event_attributes attrs;
};

/// The order the engine applies events in: by `ts`, then `event_id`, then type, then attributes.
/// A total order that depends only on the events, never on their arrival.
bool applies_before(const event& a, const event& b);

/// Attributes that are personal data: never stored, never logged, dropped on decoding.
/// Exactly: name, first_name, last_name, full_name, customer_name, requester_name, caller_name,
/// contact_name, agent_name, assignee_name, email, customer_email, requester_email,
/// contact_email, body, message, comment, description, subject, phone, phone_number; and any
/// name ending in `_email`, `_phone` or `_phone_number`. Names compare case-sensitively.
bool is_personal_attribute(std::string_view name);

}  // namespace slawatch::rules
