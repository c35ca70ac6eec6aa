// Helpdesk webhooks -> contract events (../shared/spec/events.md). Pure functions: the payload,
// its headers, the platform's mapping settings and the time of receipt in; events or the reason
// there are none out. No I/O, no clock, no logging.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bridge/signature.hpp"
#include "rules/event.hpp"
#include "rules/expected.hpp"

namespace slawatch::bridge {

/// The helpdesks the bridge understands; each has the path `/webhooks/<name>`.
enum class platform { zendesk, zammad, freshdesk, jira, servicenow };

/// `zendesk`, `zammad`, `freshdesk`, `jira`, `servicenow`.
const char* to_string(platform p);
std::optional<platform> parse_platform(std::string_view name);
/// All of them, in the order above.
const std::vector<platform>& all_platforms();

/// How one platform's values become ours. Keys of the value maps are compared ignoring ASCII
/// case (they are stored lower-cased); a value not in a map is handled as each map says.
struct mapping_settings {
  /// Prepended to the platform's ticket id: `zendesk:` + `35436` -> `zendesk:35436`.
  std::string case_id_prefix;
  /// Dotted path of the ticket id in the payload, e.g. `detail.id`, `issue.key`.
  std::string case_id_path;
  /// Their status -> ours (`open`, `pending`, `on_hold`, `resolved`, `closed`, or any status the
  /// rules name). `resolved` sends case.resolved, `closed` case.closed, leaving either for another
  /// status sends case.reopened. A status not listed is refused (422, unmapped_status).
  std::map<std::string, std::string> statuses;
  /// Their priority -> `P1`..`P4`. Not listed: refused (422, unmapped_priority); none set: left out.
  std::map<std::string, std::string> priorities;
  /// Their channel -> ours (`phone`, `email`, `chat`, `social`, `portal`). Not listed: left out.
  std::map<std::string, std::string> channels;
  /// Their group (id or name) -> our team. Not listed: the group as the platform gives it.
  std::map<std::string, std::string> teams;
  /// Zendesk: custom field id -> attribute name, applied on `ticket.custom_field_changed`.
  std::map<std::string, std::string> custom_fields;
  /// Freshdesk: satisfaction rating -> csat 1..5. Not listed: refused (422, unmapped_rating).
  std::map<std::string, std::string> ratings;
  /// Attribute name -> dotted path in the payload: set on every event when the path has a value
  /// (e.g. `customer_tier: issue.fields.customfield_10050.value`).
  std::map<std::string, std::string> attributes;
};

/// The stock mapping of a platform: what a fresh install of it sends (config/bridge.yaml lists
/// the same values, and a config file replaces a map as a whole).
mapping_settings default_mapping(platform p);

/// Why a payload gave no events; `reason` is a stable metric label value.
struct mapping_error {
  /// bad_json | not_an_object | missing_field | bad_timestamp | unknown_event | unmapped_status |
  /// unmapped_priority | unmapped_rating | bad_value
  std::string reason;
  std::string detail;  ///< for the 422 body and the dead-letter stream; names fields, never values
};

/// A payload understood: its events (in the order the platform implies), or none and why
/// (`ignored`, e.g. an internal note: not an error, the platform must not retry it).
struct mapping_result {
  std::vector<rules::event> events;
  std::string ignored;
};

/// One webhook as received.
struct webhook {
  std::string_view body;
  header_lookup header;
  /// When the bridge received it (UTC): the event time for payloads that carry none (Freshdesk).
  rules::instant received_at;
};

/// Maps one webhook of platform `p`. Event ids come from the platform's delivery or event id (or,
/// failing one, a digest of the body, which a retry repeats); several events from one webhook get
/// `#1`, `#2`, ... appended, so a retried delivery gives the same ids again.
rules::expected<mapping_result, mapping_error> map_webhook(platform p, const mapping_settings& settings,
                                                           const webhook& in);

/// Flat field/value pairs of one event for XADD, in the contract's names: `type`, `case_id`,
/// `ts`, `event_id` (when not empty), then the attributes in name order.
std::vector<std::pair<std::string, std::string>> to_stream_fields(const rules::event& e);

}  // namespace slawatch::bridge
