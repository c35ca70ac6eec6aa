// Zendesk event-driven webhooks: `{"type": "zen:event-type:ticket.<what>", "id", "time",
// "detail": {ticket fields}, "event": {what changed}}`, one per change.
#include "bridge/mapping_detail.hpp"
#include "rules/time.hpp"

namespace slawatch::bridge::detail {

namespace {

constexpr std::string_view ticket_prefix = "zen:event-type:ticket.";

}  // namespace

result map_zendesk(const mapping_settings& s, const json& payload, const webhook&) {
  const auto type = text_of(at_path(payload, "type"));
  if (type.empty()) return fail("missing_field", "no `type` (expected zen:event-type:ticket.*)");
  if (type.compare(0, ticket_prefix.size(), ticket_prefix) != 0)
    return mapping_result{{}, "not a ticket event"};
  const std::string what = type.substr(ticket_prefix.size());
  const json* detail = at_path(payload, "detail");
  if (detail == nullptr || !detail->is_object()) return fail("missing_field", "no `detail` object");
  const auto case_id = case_id_of(s, payload);
  if (!case_id) return fail("missing_field", "no ticket id at `" + s.case_id_path + "`");
  const auto ts = rules::parse_iso8601(text_of(at_path(payload, "time")));
  if (!ts) return fail("bad_timestamp", "`time` is missing or not ISO 8601");
  const json empty = json::object();
  const json* change = at_path(payload, "event");
  if (change == nullptr || !change->is_object()) change = &empty;

  auto finish = [&](rules::event e) {
    e.case_id = *case_id;
    e.ts = *ts;
    e.event_id = text_of(at_path(payload, "id"));
    return mapping_result{{std::move(e)}, {}};
  };

  if (what == "created") {
    auto e = make_event(rules::event_type::case_created, *case_id, *ts);
    const auto status = text_of(at_path(*detail, "status"));
    if (!status.empty()) {
      auto ours = map_status(s, status);
      if (!ours) return result::failure(ours.error());
      e.attrs.set("status", *ours);
    }
    if (auto err = set_priority(s, text_of(at_path(*detail, "priority")), e)) return result::failure(*err);
    set_channel(s, text_of(at_path(*detail, "via.channel")), e);
    set_team(s, text_of(at_path(*detail, "group_id")), e);
    set_attr(e, "assignee", text_of(at_path(*detail, "assignee_id")));
    set_attr(e, "tags", text_of(at_path(*detail, "tags")));
    return finish(std::move(e));
  }
  if (what == "status_changed") {
    const auto current = text_of(at_path(*change, "current"));
    if (current.empty()) return fail("missing_field", "no `event.current` status");
    auto now_status = map_status(s, current);
    if (!now_status) return result::failure(now_status.error());
    std::optional<std::string> before;
    if (const auto previous = text_of(at_path(*change, "previous")); !previous.empty()) {
      auto ours = map_status(s, previous);
      if (!ours) return result::failure(ours.error());
      before = *ours;
    }
    return finish(status_event(*now_status, before));
  }
  if (what == "priority_changed") {
    auto e = make_event(rules::event_type::case_updated, *case_id, *ts);
    if (auto err = set_priority(s, text_of(at_path(*change, "current")), e)) return result::failure(*err);
    if (e.attrs.empty()) return mapping_result{{}, "priority removed"};
    return finish(std::move(e));
  }
  if (what == "agent_assignment_changed" || what == "group_assignment_changed") {
    const auto current = text_of(at_path(*change, "current"));
    if (current.empty()) return mapping_result{{}, "unassigned"};
    auto e = make_event(rules::event_type::case_assigned, *case_id, *ts);
    if (what == "agent_assignment_changed")
      e.attrs.set("assignee", current);
    else
      set_team(s, current, e);
    return finish(std::move(e));
  }
  if (what == "comment_added") {
    const json* is_public = at_path(*change, "comment.is_public");
    const json* is_staff = at_path(*change, "comment.author.is_staff");
    if (is_public == nullptr || !is_public->is_boolean())
      return fail("missing_field", "no boolean `event.comment.is_public`");
    if (!is_public->get<bool>()) return mapping_result{{}, "internal note"};
    if (is_staff == nullptr || !is_staff->is_boolean())
      return fail("missing_field", "no boolean `event.comment.author.is_staff`");
    return finish(make_event(is_staff->get<bool>() ? rules::event_type::message_agent
                                                   : rules::event_type::message_customer,
                             *case_id, *ts));
  }
  if (what == "custom_field_changed") {
    const auto field_id = text_of(at_path(*change, "custom_field.id"));
    if (field_id.empty()) return fail("missing_field", "no `event.custom_field.id`");
    auto attribute = lookup(s.custom_fields, field_id);
    if (!attribute) return mapping_result{{}, "custom field not mapped"};
    const auto value = text_of(at_path(*change, "current"));
    if (value.empty()) return mapping_result{{}, "custom field cleared"};
    auto e = make_event(rules::event_type::case_updated, *case_id, *ts);
    e.attrs.set(*attribute, value);
    return finish(std::move(e));
  }
  return mapping_result{{}, "ticket event not used for SLAs"};
}

}  // namespace slawatch::bridge::detail
