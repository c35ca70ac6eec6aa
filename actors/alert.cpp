#include "actors/alert.hpp"

#include <cctype>

#include <date/date.h>
#include <nlohmann/json.hpp>

#include "rules/time.hpp"

namespace slawatch::actors {

namespace {

/// RFC 3339 UTC with milliseconds, as Alertmanager reads it.
std::string rfc3339(std::chrono::system_clock::time_point t) {
  return date::format("%FT%TZ", std::chrono::floor<std::chrono::milliseconds>(t));
}

}  // namespace

case_context context_of(const rules::attributes& attrs) {
  case_context out;
  const auto value = [&](const char* name) {
    auto it = attrs.find(name);
    return it == attrs.end() ? std::string{} : it->second;
  };
  out.priority = value("priority");
  for (auto& c : out.priority) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  out.team = value("team");
  out.channel = value("channel");
  return out;
}

const char* alert_name(const std::string& notification_kind) {
  if (notification_kind == "warning") return "SlaWarning";
  if (notification_kind == "breach") return "SlaBreach";
  if (notification_kind == "escalation") return "SlaEscalation";
  return "SlaNotification";
}

std::string clock_key(const rules::record& r) {
  return r.case_id + ":" + r.metric + ":" + std::to_string(r.cycle);
}

std::optional<alert_scope> ended_by(const rules::record& r) {
  if (r.type != rules::record::kind::audit) return std::nullopt;
  if (r.action == "met" || r.action == "stopped_breached" || r.action == "cancelled")
    return alert_scope{r.case_id, clock_key(r)};
  if (r.action == "resolved" || r.action == "closed") return alert_scope{r.case_id, ""};
  return std::nullopt;
}

bool in_scope(const alert_scope& scope, const rules::record& notification) {
  if (notification.case_id != scope.case_id) return false;
  return scope.clock_key.empty() || clock_key(notification) == scope.clock_key;
}

std::string case_url(const std::string& api_base, const std::string& case_id) {
  if (api_base.empty()) return {};
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out = api_base;
  while (!out.empty() && out.back() == '/') out.pop_back();
  out += "/api/v1/cases/";
  for (const char c : case_id) {
    const auto b = static_cast<unsigned char>(c);
    if (std::isalnum(b) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += hex[b >> 4];
      out += hex[b & 15];
    }
  }
  return out;
}

std::string human_duration(std::chrono::seconds d) {
  std::int64_t s = d.count() < 0 ? -d.count() : d.count();
  const std::int64_t parts[] = {s / 86400, s % 86400 / 3600, s % 3600 / 60, s % 60};
  const char* units[] = {"d", "h", "m", "s"};
  std::string out;
  int shown = 0;
  for (int i = 0; i < 4 && shown < 2; ++i) {
    if (parts[i] == 0) {
      if (shown > 0) break;  // `1h` rather than `1h 0m`
      continue;
    }
    out += (out.empty() ? "" : " ") + std::to_string(parts[i]) + units[i];
    ++shown;
  }
  return out.empty() ? "0s" : out;
}

std::string alertmanager_alert(const rules::record& n, const case_context& context, const std::string& receiver,
                               const std::string& severity, const std::string& api_base,
                               std::chrono::system_clock::time_point ends_at) {
  nlohmann::json labels = {
      {"alertname", alert_name(n.notification_kind)},
      {"case_id", n.case_id},
      {"clock", n.metric},
      {"cycle", std::to_string(n.cycle)},
      {"level", std::to_string(n.level)},
      {"receiver", receiver},
  };
  // Alertmanager treats an empty label as absent; leaving it out says the same more plainly.
  for (const auto& [name, value] : {std::pair<const char*, const std::string*>{"priority", &context.priority},
                                    {"team", &context.team},
                                    {"channel", &context.channel},
                                    {"severity", &severity}})
    if (!value->empty()) labels[name] = *value;

  const auto late = n.at - n.due_at;
  std::string how_late;
  if (n.notification_kind == "warning")
    how_late = "due in " + human_duration(n.due_at - n.at);
  else
    how_late = late.count() <= 0 ? "at its due time" : human_duration(late) + " late";

  std::string what;
  if (n.notification_kind == "warning")
    what = "reached " + std::to_string(n.threshold_bp / 100) + "% of its target";
  else if (n.notification_kind == "breach")
    what = "breached its SLA";
  else
    what = "escalated to level " + std::to_string(n.level) + (n.reason.empty() ? "" : " (" + n.reason + ")");
  const std::string priority = context.priority.empty() ? "" : context.priority + " ";
  const std::string url = case_url(api_base, n.case_id);

  nlohmann::json annotations = {
      {"summary", priority + "case " + n.case_id + ": " + n.metric + " " + what},
      {"due", rules::format_iso8601(n.due_at)},
      {"policy", n.policy},
      {"late", how_late},
      {"notification_id", n.id},
  };
  if (!url.empty()) annotations["case_url"] = url;

  nlohmann::json alert = {
      {"labels", labels},
      {"annotations", annotations},
      {"startsAt", rfc3339(std::chrono::system_clock::time_point{n.at})},
      {"endsAt", rfc3339(ends_at)},
  };
  if (!url.empty()) alert["generatorURL"] = url;
  return alert.dump();
}

std::string alertmanager_body(const std::vector<std::string>& alerts) {
  std::string out = "[";
  for (const auto& a : alerts) out += (out.size() > 1 ? "," : "") + a;
  return out + "]";
}

}  // namespace slawatch::actors
