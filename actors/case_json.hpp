// The case API's JSON documents (actors/case_api.hpp serves them; `slawatch case` reads them).
// Pure functions: values in, text out. Every time is ISO 8601 UTC (`YYYY-MM-DDTHH:MM:SSZ`).
#pragma once

#include <string>
#include <string_view>

#include "actors/messages.hpp"
#include "rules/expected.hpp"

namespace slawatch::actors {

/// The SLA answer for a case: `breached` if any clock breached (still running past its due time
/// or stopped late), else `met` if every clock stopped in time (cancelled ones aside) and at least
/// one did, else `pending` (clocks still running, none late) or `none` (no clocks).
std::string sla_answer(const rules::case_view& view);

/// `GET /api/v1/cases/{id}` of a found case: `case_id`, `state` (open | paused | resolved |
/// closed), `status`, `policy`, `priority`, `team`, `channel`, `live`, `as_of`, `rules_version`,
/// `sla` ({answer, clocks_met, clocks_breached, clocks_running, clocks_paused}), `clocks` (kind,
/// cycle, state, policy, calendar, target_seconds, started_at, due_at, stopped_at,
/// elapsed_seconds, paused_seconds, stopped, ledger [{from, to, counted, reason, seconds}]),
/// `audit` (the audit records as written to the audit stream, in time order, reload records
/// included), `notifications` (warnings, breaches, escalations due so far), `reopen_count`,
/// `csat`, `nps` (null when absent). No customer attributes.
std::string case_detail_json(const case_detail& detail);

/// `GET /api/v1/cases?...`: {as_of, open, matched, returned, cases: [{case_id, policy, status,
/// priority, team, at_risk, breached, next_due, next_due_clock}]}.
std::string worklist_json(const worklist_reply& reply, rules::instant as_of);

/// `slawatch case`: a case document (case_detail_json()) for a person. The SLA answer first
/// (MET, BREACHED with which clock and how late, PENDING with the next due time), then the case's
/// state, a table of the clocks and the timeline of its audit trail. Fails on text that is not
/// such a document.
rules::expected<std::string, std::string> case_text(std::string_view case_json);

/// `3d 4h`, `2h 05m`, `12m 30s`, `45s`: a duration in seconds for people (negative: `-` first).
std::string human_seconds(std::int64_t seconds);

/// A JSON error document: {"error": message}.
std::string error_json(const std::string& message);

}  // namespace slawatch::actors
