// Jira (Service Management) webhooks: `{"webhookEvent", "timestamp" (ms since the epoch),
// "issue", "changelog" | "comment"}`. The delivery id is the `X-Atlassian-Webhook-Identifier`
// header, unchanged across retries.
#include "bridge/mapping_detail.hpp"
#include "rules/time.hpp"

namespace slawatch::bridge::detail {

result map_jira(const mapping_settings& s, const json& payload, const webhook& in) {
  const auto kind = text_of(at_path(payload, "webhookEvent"));
  if (kind.empty()) return fail("missing_field", "no `webhookEvent`");
  const json* issue = at_path(payload, "issue");
  if (issue == nullptr || !issue->is_object()) return fail("missing_field", "no `issue` object");
  const auto case_id = case_id_of(s, payload);
  if (!case_id) return fail("missing_field", "no issue key at `" + s.case_id_path + "`");
  const json* millis = at_path(payload, "timestamp");
  if (millis == nullptr || !millis->is_number_integer()) return fail("bad_timestamp", "no integer `timestamp`");
  const rules::instant ts{std::chrono::floor<std::chrono::seconds>(std::chrono::milliseconds{millis->get<std::int64_t>()})};

  std::vector<rules::event> events;
  if (kind == "jira:issue_created") {
    auto e = make_event(rules::event_type::case_created, *case_id, ts);
    if (const auto status = text_of(at_path(*issue, "fields.status.name")); !status.empty()) {
      auto ours = map_status(s, status);
      if (!ours) return result::failure(ours.error());
      e.attrs.set("status", *ours);
    }
    if (auto err = set_priority(s, text_of(at_path(*issue, "fields.priority.name")), e)) return result::failure(*err);
    set_attr(e, "assignee", text_of(at_path(*issue, "fields.assignee.accountId")));
    set_attr(e, "tags", text_of(at_path(*issue, "fields.labels")));
    events.push_back(std::move(e));
  } else if (kind == "jira:issue_updated") {
    const json* items = at_path(payload, "changelog.items");
    if (items == nullptr || !items->is_array()) return mapping_result{{}, "no changelog"};
    for (const auto& item : *items) {
      const auto field = lower(text_of(at_path(item, "field")));
      if (field == "status") {
        auto now_status = map_status(s, text_of(at_path(item, "toString")));
        if (!now_status) return result::failure(now_status.error());
        std::optional<std::string> before;
        if (const auto from = text_of(at_path(item, "fromString")); !from.empty()) {
          auto b = map_status(s, from);
          if (!b) return result::failure(b.error());
          before = *b;
        }
        auto e = status_event(*now_status, before);
        e.case_id = *case_id;
        e.ts = ts;
        events.push_back(std::move(e));
      } else if (field == "assignee") {
        // Jira Cloud puts the account id in `to`; `toString` is the display name and never read.
        const auto account = text_of(at_path(item, "to"));
        if (account.empty()) continue;
        auto e = make_event(rules::event_type::case_assigned, *case_id, ts);
        e.attrs.set("assignee", account);
        events.push_back(std::move(e));
      } else if (field == "priority") {
        auto e = make_event(rules::event_type::case_updated, *case_id, ts);
        if (auto err = set_priority(s, text_of(at_path(item, "toString")), e)) return result::failure(*err);
        if (!e.attrs.empty()) events.push_back(std::move(e));
      }
    }
    if (events.empty()) return mapping_result{{}, "no change used for SLAs"};
  } else if (kind == "comment_created") {
    const json* comment = at_path(payload, "comment");
    if (comment == nullptr || !comment->is_object()) return fail("missing_field", "no `comment` object");
    // JSM marks internal comments `jsdPublic: false`; comments of other projects have no flag.
    const json* is_public = at_path(*comment, "jsdPublic");
    if (is_public != nullptr && is_public->is_boolean() && !is_public->get<bool>())
      return mapping_result{{}, "internal comment"};
    const auto author = text_of(at_path(*comment, "author.accountId"));
    const bool from_customer = lower(text_of(at_path(*comment, "author.accountType"))) == "customer" ||
                               (!author.empty() && author == text_of(at_path(*issue, "fields.reporter.accountId")));
    events.push_back(make_event(from_customer ? rules::event_type::message_customer : rules::event_type::message_agent,
                                *case_id, ts));
  } else {
    return mapping_result{{}, "webhook event not used for SLAs"};
  }
  const auto delivery = in.header("X-Atlassian-Webhook-Identifier");
  for (auto& e : events) e.event_id = delivery.empty() ? std::string{} : "jira:" + delivery;
  return mapping_result{std::move(events), {}};
}

}  // namespace slawatch::bridge::detail
