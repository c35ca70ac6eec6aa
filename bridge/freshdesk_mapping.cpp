// Freshdesk automation-rule webhooks. Freshdesk sends what the rule's author writes: the simple
// body (`{"freshdesk_webhook": {"ticket_id", "ticket_status", ..., "triggered_event"}}`) or a
// custom JSON body with placeholders. Each rule is about one event ("Reply is sent", "Customer
// replies", "Status is changed", ...), so the README's bodies name it in `event`; without one,
// the simple body's `triggered_event` (`{Status:{from:Open,to:Pending}}`) is read.
#include "bridge/mapping_detail.hpp"
#include "rules/time.hpp"

namespace slawatch::bridge::detail {

namespace {

struct inferred {
  std::string event;
  std::string status_before;
};

/// `{ticket_action:created}`, `{status:{from:open,to:pending}}`, `{priority:{...}}`,
/// `{note_type:private}` as the simple body's `triggered_event` renders them.
std::optional<inferred> read_triggered_event(const std::string& text) {
  const auto t = lower(text);
  if (t.find("ticket_action:created") != std::string::npos) return inferred{"created", {}};
  // `status:{from:<before>,to:<after>}`: only <before> is needed, <after> is ticket_status.
  constexpr std::string_view status_from = "status:{from:";
  if (const auto at = t.find(status_from); at != std::string::npos) {
    const auto start = at + status_from.size();
    const auto end = t.find_first_of(",}", start);
    return inferred{"status", t.substr(start, end == std::string::npos ? std::string::npos : end - start)};
  }
  if (t.find("priority:") != std::string::npos) return inferred{"priority", {}};
  if (t.find("note_type:private") != std::string::npos) return inferred{"private_note", {}};
  return std::nullopt;
}

}  // namespace

result map_freshdesk(const mapping_settings& s, const json& payload, const webhook& in) {
  const json* fields = at_path(payload, "freshdesk_webhook");
  if (fields == nullptr || !fields->is_object()) fields = &payload;
  const auto case_id = case_id_of(s, payload);
  if (!case_id) return fail("missing_field", "no ticket id at `" + s.case_id_path + "`");
  // Freshdesk's placeholders carry no reliable event time: the time of receipt stands in unless
  // the rule's body sends `ticket_updated_at` in ISO 8601.
  rules::instant ts = in.received_at;
  if (const auto given = text_of(at_path(*fields, "ticket_updated_at")); !given.empty()) {
    const auto parsed = rules::parse_iso8601(given);
    if (!parsed) return fail("bad_timestamp", "`ticket_updated_at` is not ISO 8601");
    ts = *parsed;
  }
  std::string event = lower(text_of(at_path(*fields, "event")));
  std::string status_before = text_of(at_path(*fields, "ticket_previous_status"));
  if (event.empty()) {
    const auto guess = read_triggered_event(text_of(at_path(*fields, "triggered_event")));
    if (!guess) return fail("unknown_event", "no `event` and no `triggered_event` the bridge knows");
    event = guess->event;
    if (status_before.empty()) status_before = guess->status_before;
  }

  auto status = [&]() -> rules::expected<std::string, mapping_error> {
    return map_status(s, text_of(at_path(*fields, "ticket_status")));
  };
  std::vector<rules::event> events;
  if (event == "created" || event == "updated") {
    auto e = make_event(event == "created" ? rules::event_type::case_created : rules::event_type::case_updated,
                        *case_id, ts);
    if (const auto theirs = text_of(at_path(*fields, "ticket_status")); !theirs.empty()) {
      auto ours = status();
      if (!ours) return result::failure(ours.error());
      e.attrs.set("status", *ours);
    }
    if (auto err = set_priority(s, text_of(at_path(*fields, "ticket_priority")), e)) return result::failure(*err);
    set_channel(s, text_of(at_path(*fields, "ticket_source")), e);
    set_team(s, text_of(at_path(*fields, "ticket_group_name")), e);
    set_attr(e, "assignee", text_of(at_path(*fields, "ticket_agent_id")));
    set_attr(e, "tags", text_of(at_path(*fields, "ticket_tags")));
    events.push_back(std::move(e));
  } else if (event == "agent_reply" || event == "customer_reply") {
    events.push_back(make_event(event == "agent_reply" ? rules::event_type::message_agent
                                                       : rules::event_type::message_customer,
                                *case_id, ts));
  } else if (event == "private_note") {
    return mapping_result{{}, "internal note"};
  } else if (event == "status" || event == "reopened") {
    auto ours = status();
    if (!ours) return result::failure(ours.error());
    std::optional<std::string> before;
    if (event == "reopened") before = "resolved";
    if (!status_before.empty()) {
      auto b = map_status(s, status_before);
      if (!b) return result::failure(b.error());
      before = *b;
    }
    auto e = status_event(*ours, before);
    e.case_id = *case_id;
    e.ts = ts;
    events.push_back(std::move(e));
  } else if (event == "priority") {
    auto e = make_event(rules::event_type::case_updated, *case_id, ts);
    if (auto err = set_priority(s, text_of(at_path(*fields, "ticket_priority")), e)) return result::failure(*err);
    if (e.attrs.empty()) return fail("missing_field", "no `ticket_priority`");
    events.push_back(std::move(e));
  } else if (event == "assigned") {
    auto e = make_event(rules::event_type::case_assigned, *case_id, ts);
    set_attr(e, "assignee", text_of(at_path(*fields, "ticket_agent_id")));
    set_team(s, text_of(at_path(*fields, "ticket_group_name")), e);
    if (e.attrs.empty()) return mapping_result{{}, "unassigned"};
    events.push_back(std::move(e));
  } else if (event == "satisfaction") {
    const auto rating = text_of(at_path(*fields, "satisfaction_rating"));
    if (rating.empty()) return fail("missing_field", "no `satisfaction_rating`");
    auto csat = lookup(s.ratings, rating);
    if (!csat) return fail("unmapped_rating", "rating '" + rating + "' is not in the platform's ratings map");
    auto e = make_event(rules::event_type::csat_received, *case_id, ts);
    e.attrs.set("csat", *csat);
    events.push_back(std::move(e));
  } else {
    return fail("unknown_event", "`event` is '" + event +
                                     "'; expected created, updated, agent_reply, customer_reply, private_note, "
                                     "status, reopened, priority, assigned or satisfaction");
  }
  // Freshdesk sends no delivery id. The rule's `event_id`, if it sends one; else a digest of the
  // body (map_webhook), which a retry repeats, when the body has a time that tells two events
  // apart; else the digest and the time of receipt, since two replies to one ticket can have the
  // same body: a retry may then be applied twice (harmless to SLA clocks) but no event is lost.
  std::string id = text_of(at_path(*fields, "event_id"));
  if (!id.empty())
    id = "freshdesk:" + id;
  else if (text_of(at_path(*fields, "ticket_updated_at")).empty())
    id = "freshdesk:body:" + body_digest(in.body) + ":" + rules::format_iso8601(in.received_at);
  for (auto& e : events) e.event_id = id;
  return mapping_result{std::move(events), {}};
}

}  // namespace slawatch::bridge::detail
