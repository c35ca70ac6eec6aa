// Zammad trigger webhooks: `{"ticket": {...}, "article": {...}}`, a snapshot of the ticket after
// the change that fired the trigger, with the new article if there is one. Zammad says neither
// what changed nor the state before, so a snapshot gives: case.created for the first article;
// otherwise the article's message (if public, by sender) and the ticket's state as a status event
// (the engine ignores a status it already has). A ticket that was closed before (`close_at` set)
// and is active again gives case.reopened, which the engine counts only if the case was resolved.
#include "bridge/mapping_detail.hpp"
#include "rules/time.hpp"

namespace slawatch::bridge::detail {

namespace {

/// Zammad sends some fields as names and, in custom payloads, as objects with a `name`.
std::string name_of(const json& ticket, const std::string& key) {
  auto named = text_of(at_path(ticket, key + ".name"));
  return named.empty() ? text_of(at_path(ticket, key)) : named;
}

}  // namespace

result map_zammad(const mapping_settings& s, const json& payload, const webhook& in) {
  const json* ticket = at_path(payload, "ticket");
  if (ticket == nullptr || !ticket->is_object()) return fail("missing_field", "no `ticket` object");
  const auto case_id = case_id_of(s, payload);
  if (!case_id) return fail("missing_field", "no ticket id at `" + s.case_id_path + "`");
  const json* article = at_path(payload, "article");
  const bool has_article = article != nullptr && article->is_object() && !text_of(at_path(*article, "id")).empty();

  std::vector<rules::event> events;
  auto add_ticket_attributes = [&](rules::event& e) -> std::optional<mapping_error> {
    if (auto err = set_priority(s, name_of(*ticket, "priority"), e)) return err;
    set_team(s, name_of(*ticket, "group"), e);
    return std::nullopt;
  };
  // Owner 1 is Zammad's system user: nobody owns the ticket.
  const auto owner = text_of(at_path(*ticket, "owner_id"));
  const bool owned = !owner.empty() && owner != "1";
  auto ours = map_status(s, name_of(*ticket, "state"));
  if (!ours) return result::failure(ours.error());

  const auto article_count = text_of(at_path(*ticket, "article_count"));
  const auto first_article_id = text_of(at_path(*ticket, "article_ids.0"));
  const bool first = has_article && (article_count == "1" || first_article_id == text_of(at_path(*article, "id")));
  if (first) {
    const auto created = rules::parse_iso8601(text_of(at_path(*ticket, "created_at")));
    if (!created) return fail("bad_timestamp", "`ticket.created_at` is missing or not ISO 8601");
    auto e = make_event(rules::event_type::case_created, *case_id, *created);
    e.attrs.set("status", *ours);
    if (auto err = add_ticket_attributes(e)) return result::failure(*err);
    set_channel(s, name_of(*ticket, "create_article_type"), e);
    events.push_back(std::move(e));
    if (owned) {
      auto a = make_event(rules::event_type::case_assigned, *case_id, *created);
      a.attrs.set("assignee", owner);
      events.push_back(std::move(a));
    }
  } else {
    const auto updated = rules::parse_iso8601(text_of(at_path(*ticket, "updated_at")));
    if (!updated) return fail("bad_timestamp", "`ticket.updated_at` is missing or not ISO 8601");
    if (has_article) {
      const json* internal = at_path(*article, "internal");
      const bool is_internal = internal != nullptr && internal->is_boolean() && internal->get<bool>();
      const auto sender = lower(name_of(*article, "sender"));
      if (!is_internal && (sender == "agent" || sender == "customer")) {
        const auto at = rules::parse_iso8601(text_of(at_path(*article, "created_at")));
        if (!at) return fail("bad_timestamp", "`article.created_at` is missing or not ISO 8601");
        events.push_back(make_event(sender == "agent" ? rules::event_type::message_agent
                                                      : rules::event_type::message_customer,
                                    *case_id, *at));
      }
    }
    const bool closed_before = !text_of(at_path(*ticket, "close_at")).empty() ||
                               !text_of(at_path(*ticket, "last_close_at")).empty();
    auto e = status_event(*ours, closed_before ? std::optional<std::string>{"resolved"} : std::nullopt);
    e.case_id = *case_id;
    e.ts = *updated;
    if (auto err = add_ticket_attributes(e)) return result::failure(*err);
    events.push_back(std::move(e));
    if (owned) {
      auto a = make_event(rules::event_type::case_assigned, *case_id, *updated);
      a.attrs.set("assignee", owner);
      events.push_back(std::move(a));
    }
  }
  const auto delivery = in.header("X-Zammad-Delivery");
  for (auto& e : events) e.event_id = delivery.empty() ? std::string{} : "zammad:" + delivery;
  return mapping_result{std::move(events), {}};
}

}  // namespace slawatch::bridge::detail
