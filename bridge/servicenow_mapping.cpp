// ServiceNow: an incident record posted by an "after insert/update" business rule (README,
// "ServiceNow"), with the previous values of the fields that matter, because a business rule has
// `previous` and a receiver has not:
//   {"sys_id", "number", "operation": "insert"|"update", "sys_updated_on" (UTC, as getValue gives
//    it: `2025-09-12 14:03:00`), "sys_mod_count", "state", "hold_reason", "priority",
//    "assignment_group", "assigned_to", "contact_type", "comment_from": "customer"|"agent"|"",
//    "previous_state", "previous_hold_reason", "previous_priority", "previous_assignment_group",
//    "previous_assigned_to"}
#include "bridge/mapping_detail.hpp"
#include "rules/time.hpp"

namespace slawatch::bridge::detail {

namespace {

/// `3/1` (On Hold, Awaiting Caller) before `3`: the hold reason decides whether we wait on the
/// customer.
rules::expected<std::string, mapping_error> incident_status(const mapping_settings& s, const std::string& state,
                                                            const std::string& hold_reason) {
  if (!hold_reason.empty())
    if (auto ours = lookup(s.statuses, state + "/" + hold_reason)) return *ours;
  return map_status(s, state);
}

}  // namespace

result map_servicenow(const mapping_settings& s, const json& payload, const webhook&) {
  const auto case_id = case_id_of(s, payload);
  if (!case_id) return fail("missing_field", "no incident number at `" + s.case_id_path + "`");
  auto updated_on = text_of(at_path(payload, "sys_updated_on"));
  // getValue() gives UTC without a zone designator.
  if (updated_on.size() == 19) updated_on += "Z";
  const auto ts = rules::parse_iso8601(updated_on);
  if (!ts) return fail("bad_timestamp", "`sys_updated_on` is missing or not `YYYY-MM-DD HH:MM:SS`");
  auto field = [&](const char* name) { return text_of(at_path(payload, name)); };
  const auto operation = lower(field("operation"));
  const auto state = field("state");
  if (state.empty()) return fail("missing_field", "no `state`");
  auto status = incident_status(s, state, field("hold_reason"));
  if (!status) return result::failure(status.error());

  std::vector<rules::event> events;
  if (operation == "insert") {
    auto e = make_event(rules::event_type::case_created, *case_id, *ts);
    e.attrs.set("status", *status);
    if (auto err = set_priority(s, field("priority"), e)) return result::failure(*err);
    set_channel(s, field("contact_type"), e);
    set_team(s, field("assignment_group"), e);
    set_attr(e, "assignee", field("assigned_to"));
    set_attr(e, "category", field("category"));
    set_attr(e, "subcategory", field("subcategory"));
    events.push_back(std::move(e));
  } else if (operation == "update") {
    const auto comment_from = lower(field("comment_from"));
    if (comment_from == "customer" || comment_from == "agent")
      events.push_back(make_event(comment_from == "agent" ? rules::event_type::message_agent
                                                          : rules::event_type::message_customer,
                                  *case_id, *ts));
    if (state != field("previous_state") || field("hold_reason") != field("previous_hold_reason")) {
      std::optional<std::string> before;
      if (!field("previous_state").empty()) {
        auto b = incident_status(s, field("previous_state"), field("previous_hold_reason"));
        if (!b) return result::failure(b.error());
        before = *b;
      }
      auto e = status_event(*status, before);
      e.case_id = *case_id;
      e.ts = *ts;
      events.push_back(std::move(e));
    }
    if (field("priority") != field("previous_priority")) {
      auto e = make_event(rules::event_type::case_updated, *case_id, *ts);
      if (auto err = set_priority(s, field("priority"), e)) return result::failure(*err);
      if (!e.attrs.empty()) events.push_back(std::move(e));
    }
    const bool new_assignee = !field("assigned_to").empty() && field("assigned_to") != field("previous_assigned_to");
    const bool new_group =
        !field("assignment_group").empty() && field("assignment_group") != field("previous_assignment_group");
    if (new_assignee || new_group) {
      auto e = make_event(rules::event_type::case_assigned, *case_id, *ts);
      set_attr(e, "assignee", field("assigned_to"));
      set_team(s, field("assignment_group"), e);
      events.push_back(std::move(e));
    }
    if (events.empty()) return mapping_result{{}, "no change used for SLAs"};
  } else {
    return fail("unknown_event", "`operation` must be insert or update");
  }
  // sys_mod_count grows by one with every update of the record: with sys_id it names this update.
  const auto sys_id = field("sys_id");
  const auto mod_count = field("sys_mod_count");
  const std::string id = sys_id.empty() || mod_count.empty() ? std::string{} : "servicenow:" + sys_id + ":" + mod_count;
  for (auto& e : events) e.event_id = id;
  return mapping_result{std::move(events), {}};
}

}  // namespace slawatch::bridge::detail
