#include "actors/case_json.hpp"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "rules/codec.hpp"

namespace slawatch::actors {

namespace {

using json = nlohmann::ordered_json;

json time_or_null(const std::optional<rules::instant>& t) {
  return t ? json(rules::format_iso8601(*t)) : json(nullptr);
}

std::string attribute(const rules::case_view& view, const char* name) {
  auto it = view.attrs.find(name);
  return it == view.attrs.end() ? std::string{} : it->second;
}

/// open, paused (open, and every running clock paused), resolved, closed, or unknown (no
/// `case.created` seen).
std::string case_state_of(const rules::case_view& view) {
  if (view.closed) return "closed";
  if (view.resolved) return "resolved";
  if (!view.open) return "unknown";
  bool any_running = false;
  bool any_paused = false;
  for (const auto& c : view.clocks) {
    if (c.stopped) continue;
    if (c.state == rules::clock_state::paused)
      any_paused = true;
    else
      any_running = true;
  }
  return any_paused && !any_running ? "paused" : "open";
}

bool late(const rules::clock_view& c) { return c.state == rules::clock_state::breached; }

}  // namespace

std::string sla_answer(const rules::case_view& view) {
  bool any_met = false;
  bool any_open = false;
  for (const auto& c : view.clocks) {
    if (late(c)) return "breached";
    if (c.state == rules::clock_state::met) any_met = true;
    if (!c.stopped) any_open = true;
  }
  if (any_open) return "pending";
  return any_met ? "met" : "none";
}

std::string case_detail_json(const case_detail& detail) {
  const auto& v = detail.view;
  json doc;
  doc["case_id"] = v.case_id;
  doc["state"] = case_state_of(v);
  doc["status"] = v.status;
  doc["policy"] = v.policy;
  doc["priority"] = attribute(v, "priority");
  doc["team"] = attribute(v, "team");
  doc["channel"] = attribute(v, "channel");
  doc["live"] = detail.live;
  doc["as_of"] = rules::format_iso8601(detail.as_of);
  doc["rules_version"] = detail.rules_version;

  int met = 0, breached = 0, running = 0, paused = 0;
  for (const auto& c : v.clocks) {
    if (late(c)) ++breached;
    if (c.state == rules::clock_state::met) ++met;
    if (c.state == rules::clock_state::running) ++running;
    if (c.state == rules::clock_state::paused) ++paused;
  }
  doc["sla"] = {{"answer", sla_answer(v)},
                {"clocks_met", met},
                {"clocks_breached", breached},
                {"clocks_running", running},
                {"clocks_paused", paused}};

  json clocks = json::array();
  for (const auto& c : v.clocks) {
    json ledger = json::array();
    for (const auto& e : c.ledger)
      ledger.push_back({{"from", rules::format_iso8601(e.from)},
                        {"to", rules::format_iso8601(e.to)},
                        {"counted", e.counted},
                        {"reason", e.reason},
                        {"seconds", e.seconds}});
    clocks.push_back({{"clock", rules::to_string(c.kind)},
                      {"cycle", c.cycle},
                      {"state", rules::to_string(c.state)},
                      {"policy", c.policy},
                      {"calendar", c.calendar},
                      {"target_seconds", c.target_seconds},
                      {"started_at", rules::format_iso8601(c.started_at)},
                      {"due_at", time_or_null(c.due_at)},
                      {"stopped_at", time_or_null(c.stopped_at)},
                      {"elapsed_seconds", c.elapsed_seconds},
                      {"paused_seconds", c.paused_seconds},
                      {"stopped", c.stopped},
                      {"ledger", std::move(ledger)}});
  }
  doc["clocks"] = std::move(clocks);

  std::vector<const rules::record*> audit;
  json notifications = json::array();
  for (const auto& r : v.records) {
    if (r.type == rules::record::kind::audit) audit.push_back(&r);
    if (r.type == rules::record::kind::notification)
      notifications.push_back(json::parse(rules::encode_record_json(r)));
  }
  for (const auto& r : detail.reload_audit) audit.push_back(&r);
  std::stable_sort(audit.begin(), audit.end(), [](const rules::record* a, const rules::record* b) {
    return rules::record_before(*a, *b);
  });
  json trail = json::array();
  for (const auto* r : audit) trail.push_back(json::parse(rules::encode_record_json(*r)));
  doc["audit"] = std::move(trail);
  doc["notifications"] = std::move(notifications);
  doc["reopen_count"] = v.reopen_count;
  doc["csat"] = v.csat ? json(*v.csat) : json(nullptr);
  doc["nps"] = v.nps ? json(*v.nps) : json(nullptr);
  return doc.dump();
}

std::string worklist_json(const worklist_reply& reply, rules::instant as_of) {
  json cases = json::array();
  for (const auto& s : reply.cases)
    cases.push_back(
        {{"case_id", s.case_id},
         {"policy", s.policy},
         {"status", s.status},
         {"priority", s.priority},
         {"team", s.team},
         {"at_risk", s.at_risk},
         {"breached", s.breached},
         {"next_due", time_or_null(s.next_due)},
         {"next_due_clock", s.next_due_clock.empty() ? json(nullptr) : json(s.next_due_clock)}});
  json doc;
  doc["as_of"] = rules::format_iso8601(as_of);
  doc["open"] = reply.open;
  doc["matched"] = reply.matched;
  doc["returned"] = reply.cases.size();
  doc["cases"] = std::move(cases);
  return doc.dump();
}

std::string human_seconds(std::int64_t seconds) {
  if (seconds < 0) return "-" + human_seconds(-seconds);
  const auto d = seconds / 86400, h = seconds % 86400 / 3600, m = seconds % 3600 / 60,
             s = seconds % 60;
  char out[64];
  if (d > 0)
    std::snprintf(out, sizeof out, "%lldd %lldh", static_cast<long long>(d),
                  static_cast<long long>(h));
  else if (h > 0)
    std::snprintf(out, sizeof out, "%lldh %02lldm", static_cast<long long>(h),
                  static_cast<long long>(m));
  else if (m > 0)
    std::snprintf(out, sizeof out, "%lldm %02llds", static_cast<long long>(m),
                  static_cast<long long>(s));
  else
    std::snprintf(out, sizeof out, "%llds", static_cast<long long>(s));
  return out;
}

namespace {

std::string text_or_dash(const json& v) {
  return v.is_string() && !v.get<std::string>().empty() ? v.get<std::string>() : "-";
}

std::string pad(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text + "  ";
}

/// Seconds between two ISO 8601 UTC texts (b - a); nothing when either is missing.
std::optional<std::int64_t> seconds_between(const json& a, const json& b) {
  if (!a.is_string() || !b.is_string()) return std::nullopt;
  auto ta = rules::parse_iso8601(a.get<std::string>());
  auto tb = rules::parse_iso8601(b.get<std::string>());
  if (!ta || !tb) return std::nullopt;
  return (*tb - *ta).count();
}

std::string clock_result(const json& c) {
  const auto state = c.value("state", "");
  if (state == "met") return "MET";
  if (state == "breached") return c.value("stopped", false) ? "BREACHED" : "BREACHED (running)";
  if (state == "cancelled") return "cancelled";
  return "-";
}

}  // namespace

rules::expected<std::string, std::string> case_text(std::string_view case_json) {
  using result = rules::expected<std::string, std::string>;
  json doc;
  try {
    doc = json::parse(case_json);
    if (!doc.is_object() || !doc.contains("case_id") || !doc["clocks"].is_array() ||
        !doc["audit"].is_array())
      return result::failure("not a case document");
    std::ostringstream out;
    const auto id = doc["case_id"].get<std::string>();
    const auto answer = doc["sla"].value("answer", "none");
    const auto& clocks = doc["clocks"];
    const auto name_of = [](const json& c) {
      return c.value("clock", "?") +
             (c.value("cycle", 1) > 1 ? " #" + std::to_string(c.value("cycle", 1)) : "");
    };
    if (answer == "breached") {
      out << "Case " << id << ": SLA BREACHED";
      std::string sep = " (";
      for (const auto& c : clocks) {
        if (c.value("state", "") != "breached") continue;
        const auto late = seconds_between(
            c["due_at"], c["stopped_at"].is_string() ? c["stopped_at"] : doc["as_of"]);
        out << sep << name_of(c) << (c.value("stopped", false) ? " stopped " : " still running, ")
            << (late ? human_seconds(*late) + " late" : std::string{"late"});
        sep = "; ";
      }
      out << (sep == "; " ? ")" : "") << '\n';
    } else if (answer == "met") {
      out << "Case " << id << ": SLA MET (" << doc["sla"].value("clocks_met", 0) << " clock"
          << (doc["sla"].value("clocks_met", 0) == 1 ? "" : "s") << " met in time)\n";
    } else if (answer == "pending") {
      out << "Case " << id << ": SLA PENDING, nothing late so far";
      std::optional<rules::instant> next;
      std::string next_clock;
      for (const auto& c : clocks) {
        if (c.value("stopped", false) || !c["due_at"].is_string()) continue;
        auto due = rules::parse_iso8601(c["due_at"].get<std::string>());
        if (due && (!next || *due < *next)) {
          next = due;
          next_clock = name_of(c);
        }
      }
      if (next)
        out << " (next due: " << next_clock << " at " << rules::format_iso8601(*next) << ")";
      out << '\n';
    } else {
      out << "Case " << id << ": no SLA clock\n";
    }
    out << "state " << doc.value("state", "?") << ", status " << doc.value("status", "?")
        << ", policy " << text_or_dash(doc["policy"]) << ", priority "
        << text_or_dash(doc["priority"]) << ", team " << text_or_dash(doc["team"]) << "; rules "
        << doc.value("rules_version", "?") << ", as of " << doc.value("as_of", "?") << "\n\n";

    out << pad("CLOCK", 18) << pad("STATE", 10) << pad("DUE", 20) << pad("STOPPED", 20)
        << pad("ELAPSED", 8) << pad("PAUSED", 8) << "RESULT\n";
    for (const auto& c : clocks)
      out << pad(name_of(c), 18) << pad(c.value("state", "?"), 10)
          << pad(text_or_dash(c["due_at"]), 20) << pad(text_or_dash(c["stopped_at"]), 20)
          << pad(human_seconds(c.value("elapsed_seconds", 0)), 8)
          << pad(human_seconds(c.value("paused_seconds", 0)), 8) << clock_result(c) << '\n';
    if (clocks.empty()) out << "(no clocks)\n";

    out << "\nTIMELINE\n";
    for (const auto& r : doc["audit"]) {
      std::string what = r.value("metric", "");
      if (r.value("cycle", 1) > 1) what += " #" + std::to_string(r.value("cycle", 1));
      out << pad(r.value("at", "?"), 20) << pad(what, 18) << pad(r.value("action", "?"), 14)
          << r.value("detail", "") << '\n';
    }
    if (doc["audit"].empty()) out << "(no audit records)\n";
    return out.str();
  } catch (const json::exception& e) {
    return result::failure(std::string{"not a case document: "} + e.what());
  }
}

std::string error_json(const std::string& message) { return json{{"error", message}}.dump(); }

}  // namespace slawatch::actors
