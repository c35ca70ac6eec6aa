#include "bridge/mapping.hpp"

#include <algorithm>
#include <cctype>

#include <openssl/sha.h>

#include "bridge/mapping_detail.hpp"

namespace slawatch::bridge {

namespace detail {

const json* at_path(const json& root, std::string_view dotted) {
  const json* node = &root;
  while (!dotted.empty()) {
    const auto dot = dotted.find('.');
    const std::string part{dotted.substr(0, dot)};
    dotted = dot == std::string_view::npos ? std::string_view{} : dotted.substr(dot + 1);
    if (node->is_object()) {
      auto it = node->find(part);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else if (node->is_array() && !part.empty() &&
               std::all_of(part.begin(), part.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      const auto index = std::stoul(part);
      if (index >= node->size()) return nullptr;
      node = &(*node)[index];
    } else {
      return nullptr;
    }
  }
  return node;
}

std::string text_of(const json* v) {
  if (v == nullptr || v->is_null() || v->is_object()) return {};
  if (v->is_string()) return v->get<std::string>();
  if (v->is_array()) {
    std::string joined;
    for (const auto& item : *v) {
      const auto t = text_of(&item);
      if (t.empty()) continue;
      if (!joined.empty()) joined += ',';
      joined += t;
    }
    return joined;
  }
  return v->dump();
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::optional<std::string> lookup(const std::map<std::string, std::string>& map, const std::string& key) {
  auto it = map.find(lower(key));
  if (it == map.end()) return std::nullopt;
  return it->second;
}

rules::event status_event(const std::string& now_status, const std::optional<std::string>& before_status) {
  rules::event e;
  const bool was_done = before_status && (*before_status == "resolved" || *before_status == "closed");
  if (now_status == "resolved")
    e.type = rules::event_type::case_resolved;
  else if (now_status == "closed")
    e.type = rules::event_type::case_closed;
  else if (was_done)
    e.type = rules::event_type::case_reopened;
  else
    e.type = rules::event_type::case_status_changed;
  e.attrs.set("status", now_status);
  return e;
}

rules::expected<std::string, mapping_error> map_status(const mapping_settings& s, const std::string& theirs) {
  if (auto ours = lookup(s.statuses, theirs)) return *ours;
  // The status names no person; it goes into the reason so the operator can add it to the map.
  return rules::expected<std::string, mapping_error>::failure(
      {"unmapped_status", "status '" + theirs + "' is not in the platform's statuses map"});
}

std::optional<mapping_error> set_priority(const mapping_settings& s, const std::string& theirs, rules::event& e) {
  if (theirs.empty()) return std::nullopt;
  auto ours = lookup(s.priorities, theirs);
  if (!ours) return mapping_error{"unmapped_priority", "priority '" + theirs + "' is not in the platform's priorities map"};
  e.attrs.set("priority", *ours);
  return std::nullopt;
}

void set_channel(const mapping_settings& s, const std::string& theirs, rules::event& e) {
  if (theirs.empty()) return;
  if (auto ours = lookup(s.channels, theirs)) e.attrs.set("channel", *ours);
}

void set_team(const mapping_settings& s, const std::string& theirs, rules::event& e) {
  if (theirs.empty()) return;
  auto ours = lookup(s.teams, theirs);
  e.attrs.set("team", ours ? *ours : theirs);
}

void set_attr(rules::event& e, const std::string& name, const std::string& value) {
  if (!value.empty()) e.attrs.set(name, value);
}

rules::event make_event(rules::event_type type, const std::string& case_id, rules::instant ts) {
  rules::event e;
  e.type = type;
  e.case_id = case_id;
  e.ts = ts;
  return e;
}

std::optional<std::string> case_id_of(const mapping_settings& s, const json& payload) {
  const auto id = text_of(at_path(payload, s.case_id_path));
  if (id.empty()) return std::nullopt;
  return s.case_id_prefix + id;
}

std::string body_digest(std::string_view body) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest);
  return hex_encode(std::string_view(reinterpret_cast<const char*>(digest), 8));
}

}  // namespace detail

namespace {

using map = std::map<std::string, std::string>;

// Priorities as each platform ships them, highest first.
const map servicenow_priorities{{"1", "P1"}, {"2", "P2"}, {"3", "P3"}, {"4", "P4"}, {"5", "P4"},
                                {"1 - critical", "P1"}, {"2 - high", "P2"}, {"3 - moderate", "P3"},
                                {"4 - low", "P4"}, {"5 - planning", "P4"}};

}  // namespace

const char* to_string(platform p) {
  switch (p) {
    case platform::zendesk:
      return "zendesk";
    case platform::zammad:
      return "zammad";
    case platform::freshdesk:
      return "freshdesk";
    case platform::jira:
      return "jira";
    case platform::servicenow:
      return "servicenow";
  }
  return "unknown";
}

const std::vector<platform>& all_platforms() {
  static const std::vector<platform> all{platform::zendesk, platform::zammad, platform::freshdesk, platform::jira,
                                         platform::servicenow};
  return all;
}

std::optional<platform> parse_platform(std::string_view name) {
  for (const auto p : all_platforms())
    if (name == to_string(p)) return p;
  return std::nullopt;
}

mapping_settings default_mapping(platform p) {
  mapping_settings s;
  s.case_id_prefix = std::string{to_string(p)} + ":";
  switch (p) {
    case platform::zendesk:
      s.case_id_path = "detail.id";
      // Event-driven webhooks send statuses and priorities in capitals; keys are case-folded.
      s.statuses = {{"new", "open"},        {"open", "open"},         {"pending", "pending"},
                    {"hold", "on_hold"},    {"solved", "resolved"},   {"closed", "closed"}};
      s.priorities = {{"urgent", "P1"}, {"high", "P2"}, {"normal", "P3"}, {"low", "P4"}};
      s.channels = {{"web", "portal"},           {"web_form", "portal"}, {"mobile", "portal"},
                    {"help_center", "portal"},   {"email", "email"},     {"voice", "phone"},
                    {"phone", "phone"},          {"chat", "chat"},       {"native_messaging", "chat"},
                    {"messaging", "chat"},       {"sms", "chat"},        {"twitter", "social"},
                    {"facebook", "social"},      {"instagram_dm", "social"}, {"whatsapp", "social"}};
      break;
    case platform::zammad:
      s.case_id_path = "ticket.number";
      s.statuses = {{"new", "open"},         {"open", "open"},     {"pending reminder", "pending"},
                    {"pending close", "pending"}, {"closed", "resolved"}, {"merged", "closed"},
                    {"removed", "closed"}};
      s.priorities = {{"3 high", "P2"}, {"2 normal", "P3"}, {"1 low", "P4"}};
      s.channels = {{"email", "email"}, {"phone", "phone"},  {"web", "portal"},  {"chat", "chat"},
                    {"sms", "chat"},     {"telegram personal-message", "chat"},  {"twitter status", "social"},
                    {"twitter direct-message", "social"}, {"facebook feed post", "social"}};
      break;
    case platform::freshdesk:
      s.case_id_path = "freshdesk_webhook.ticket_id";
      // Codes as the API sends them and names as the placeholders render them.
      s.statuses = {{"2", "open"},        {"3", "pending"},   {"4", "resolved"},   {"5", "closed"},
                    {"open", "open"},     {"pending", "pending"}, {"resolved", "resolved"}, {"closed", "closed"},
                    {"waiting on customer", "pending"}, {"waiting on third party", "on_hold"}};
      s.priorities = {{"4", "P1"}, {"3", "P2"}, {"2", "P3"}, {"1", "P4"},
                      {"urgent", "P1"}, {"high", "P2"}, {"medium", "P3"}, {"low", "P4"}};
      s.channels = {{"1", "email"},  {"2", "portal"}, {"3", "phone"},  {"7", "chat"},  {"9", "portal"},
                    {"10", "email"}, {"email", "email"}, {"portal", "portal"}, {"phone", "phone"},
                    {"chat", "chat"}, {"feedback widget", "portal"}, {"outbound email", "email"},
                    {"twitter", "social"}, {"facebook", "social"}, {"whatsapp", "social"}};
      // Freshdesk's 7-point survey answers (API `ratings`), and its classic 3-point survey.
      s.ratings = {{"103", "5"}, {"102", "5"}, {"101", "4"}, {"100", "3"}, {"-101", "2"}, {"-102", "1"},
                   {"-103", "1"}, {"extremely happy", "5"}, {"very happy", "5"}, {"happy", "4"},
                   {"neutral", "3"}, {"unhappy", "2"}, {"very unhappy", "1"}, {"extremely unhappy", "1"},
                   {"awesome", "5"}, {"not good", "1"}};
      break;
    case platform::jira:
      s.case_id_path = "issue.key";
      // Jira Service Management's stock service-project workflow.
      s.statuses = {{"open", "open"},          {"waiting for support", "open"}, {"in progress", "open"},
                    {"work in progress", "open"}, {"escalated", "open"},       {"to do", "open"},
                    {"waiting for customer", "pending"}, {"pending", "pending"}, {"waiting for approval", "on_hold"},
                    {"resolved", "resolved"}, {"done", "resolved"},    {"closed", "closed"},
                    {"canceled", "closed"},   {"cancelled", "closed"}, {"declined", "closed"}};
      s.priorities = {{"highest", "P1"}, {"high", "P2"}, {"medium", "P3"}, {"low", "P4"}, {"lowest", "P4"}};
      break;
    case platform::servicenow:
      s.case_id_path = "number";
      // Incident states (getValue): 1 New, 2 In Progress, 3 On Hold, 6 Resolved, 7 Closed,
      // 8 Canceled. On Hold with hold reason 1 (Awaiting Caller) waits on the customer: `3/1`.
      s.statuses = {{"1", "open"},     {"2", "open"},     {"3", "on_hold"}, {"3/1", "pending"},
                    {"6", "resolved"}, {"7", "closed"},   {"8", "closed"},
                    {"new", "open"},   {"in progress", "open"}, {"on hold", "on_hold"},
                    {"on hold/awaiting caller", "pending"}, {"resolved", "resolved"}, {"closed", "closed"},
                    {"canceled", "closed"}};
      s.priorities = servicenow_priorities;
      s.channels = {{"phone", "phone"}, {"email", "email"}, {"self-service", "portal"}, {"chat", "chat"},
                    {"virtual_agent", "chat"}, {"walk-in", "phone"}, {"social", "social"}};
      break;
  }
  return s;
}

rules::expected<mapping_result, mapping_error> map_webhook(platform p, const mapping_settings& settings,
                                                           const webhook& in) {
  using detail::json;
  json payload = json::parse(in.body.begin(), in.body.end(), nullptr, false);
  if (payload.is_discarded()) return detail::fail("bad_json", "the body is not JSON");
  if (!payload.is_object()) return detail::fail("not_an_object", "the body is JSON but not an object");
  auto mapped = [&] {
    switch (p) {
      case platform::zendesk:
        return detail::map_zendesk(settings, payload, in);
      case platform::zammad:
        return detail::map_zammad(settings, payload, in);
      case platform::freshdesk:
        return detail::map_freshdesk(settings, payload, in);
      case platform::jira:
        return detail::map_jira(settings, payload, in);
      case platform::servicenow:
        break;
    }
    return detail::map_servicenow(settings, payload, in);
  }();
  if (!mapped) return mapped;
  auto& events = mapped->events;
  for (std::size_t i = 0; i < events.size(); ++i) {
    auto& e = events[i];
    if (e.event_id.empty()) e.event_id = std::string{to_string(p)} + ":body:" + detail::body_digest(in.body);
    if (events.size() > 1) e.event_id += "#" + std::to_string(i + 1);
    for (const auto& [name, path] : settings.attributes) detail::set_attr(e, name, detail::text_of(detail::at_path(payload, path)));
  }
  return mapped;
}

std::vector<std::pair<std::string, std::string>> to_stream_fields(const rules::event& e) {
  std::vector<std::pair<std::string, std::string>> fields;
  fields.emplace_back("type", rules::to_string(e.type));
  fields.emplace_back("case_id", e.case_id);
  fields.emplace_back("ts", rules::format_iso8601(e.ts));
  if (!e.event_id.empty()) fields.emplace_back("event_id", e.event_id);
  for (const auto& [name, value] : e.attrs) fields.emplace_back(name, value);
  return fields;
}

}  // namespace slawatch::bridge
