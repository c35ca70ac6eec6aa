// Alertmanager alerts (API v2, `POST /api/v2/alerts`) from notification records, and which audit
// records end them. Pure functions: no I/O, no clock (times are arguments).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "actors/messages.hpp"
#include "rules/engine.hpp"

namespace slawatch::actors {

/// What alerts say about a case: its priority (upper-case), team and channel attributes.
case_context context_of(const rules::attributes& attrs);

/// `SlaWarning`, `SlaBreach` or `SlaEscalation` for a notification kind (`warning`, `breach`,
/// `escalation`); `SlaNotification` for anything else.
const char* alert_name(const std::string& notification_kind);

/// The clock an alert belongs to: `case_id:metric:cycle`. Alerts of one clock end together.
std::string clock_key(const rules::record& r);

/// What an audit record ends: the alerts of one clock (`met`, `stopped_breached`, `cancelled`)
/// or every alert of the case (`resolved`, `closed`), including impact and manual escalations.
struct alert_scope {
  std::string case_id;
  std::string clock_key;  ///< empty: the whole case
};

/// The scope an audit record ends; nothing for other records and other audit actions.
std::optional<alert_scope> ended_by(const rules::record& r);

/// Whether `notification` (a notification record) falls in `scope`.
bool in_scope(const alert_scope& scope, const rules::record& notification);

/// `<api_base>/api/v1/cases/<case id>` with the id percent-encoded; empty when `api_base` is.
std::string case_url(const std::string& api_base, const std::string& case_id);

/// `1h 5m`, `42s`, `2d 3h`: a duration for people (largest two units).
std::string human_duration(std::chrono::seconds d);

/// One alert of API v2 as JSON text.
///
/// Labels: alertname, case_id, clock, cycle, priority, team, channel, level, severity,
/// receiver (absent ones are left out). Annotations: summary, due (ISO 8601 UTC), policy, late
/// (how late the clock is when the notification fires; for warnings how long is left) and
/// case_url. `starts_at` is the record's time; `ends_at` is when Alertmanager should consider
/// it resolved without hearing from us again: a few resend periods ahead while active, now
/// once resolved.
std::string alertmanager_alert(const rules::record& notification, const case_context& context,
                               const std::string& receiver, const std::string& severity,
                               const std::string& api_base, std::chrono::system_clock::time_point ends_at);

/// A JSON array of alerts (each from alertmanager_alert()): the body of `POST /api/v2/alerts`.
std::string alertmanager_body(const std::vector<std::string>& alerts);

}  // namespace slawatch::actors
