// Pieces the platform mappings share (bridge/*_mapping.cpp). Not part of the bridge's interface.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "bridge/mapping.hpp"

namespace slawatch::bridge::detail {

using json = nlohmann::json;
using result = rules::expected<mapping_result, mapping_error>;

inline result fail(std::string reason, std::string detail) {
  return result::failure(mapping_error{std::move(reason), std::move(detail)});
}

/// The value at a dotted path (`issue.fields.status.name`; a numeric part indexes an array);
/// nullptr when any part is missing.
const json* at_path(const json& root, std::string_view dotted);

/// Text of a scalar: strings as they are, numbers and booleans as JSON writes them; empty for
/// null. Arrays of scalars are joined with commas (tags). Objects give empty text.
std::string text_of(const json* v);
inline std::string text_of(const json& v) { return text_of(&v); }

std::string lower(std::string s);

/// `map[lower(key)]`, or nothing.
std::optional<std::string> lookup(const std::map<std::string, std::string>& map, const std::string& key);

/// The event of a status transition: case.resolved / case.closed for those statuses,
/// case.reopened when `before` was one of them, else case.status_changed; `status` attribute set.
rules::event status_event(const std::string& now_status, const std::optional<std::string>& before_status);

/// Our status for theirs, or the unmapped_status error text.
rules::expected<std::string, mapping_error> map_status(const mapping_settings& s, const std::string& theirs);

/// Sets `priority` from theirs when given; unknown -> unmapped_priority.
std::optional<mapping_error> set_priority(const mapping_settings& s, const std::string& theirs, rules::event& e);

/// Sets `channel` when theirs is mapped; `team` from the team map or as given. Empty input: nothing.
void set_channel(const mapping_settings& s, const std::string& theirs, rules::event& e);
void set_team(const mapping_settings& s, const std::string& theirs, rules::event& e);

/// An attribute only when the value is not empty.
void set_attr(rules::event& e, const std::string& name, const std::string& value);

/// A fresh event of `type` for the webhook's case at `ts`.
rules::event make_event(rules::event_type type, const std::string& case_id, rules::instant ts);

/// The case id: prefix + the value at `case_id_path`; nothing when that is missing or empty.
std::optional<std::string> case_id_of(const mapping_settings& s, const json& payload);

/// First 16 hex digits of SHA-256(body): an event id for platforms that send none, repeated by a
/// retry of the same delivery.
std::string body_digest(std::string_view body);

/// Platform mappings: events with case ids, ts and types; event ids are settled by map_webhook.
result map_zendesk(const mapping_settings& s, const json& payload, const webhook& in);
result map_zammad(const mapping_settings& s, const json& payload, const webhook& in);
result map_freshdesk(const mapping_settings& s, const json& payload, const webhook& in);
result map_jira(const mapping_settings& s, const json& payload, const webhook& in);
result map_servicenow(const mapping_settings& s, const json& payload, const webhook& in);

}  // namespace slawatch::bridge::detail
