// Importers of real ticketing exports: CSV in, contract events out (JSON Lines, one per line).
//
// Three public logs are supported (their SOURCE.md files under shared/data describe them):
//   servicenow  UCI "Incident management process enriched event log" (incident_event_log.csv)
//   bpic2013    BPI Challenge 2013, Volvo IT incidents (bpic2013_incidents.csv)
//   helpdesk    Helpdesk of an Italian software company (helpdesk_events_merged.csv)
//
// Common to all three:
//   - case_id is the source id with the format as prefix: `servicenow:INC0000045`,
//     `bpic2013:1-364285768`, `helpdesk:3608` (the `Case ` of `Case 3608` is dropped).
//   - event_id is the source id, `#`, the 0-based row index within the case padded to 4 digits,
//     and `.k` for the k-th further event of the same row: `INC0000045#0003`, `INC0000045#0003.1`.
//     Events at the same `ts` therefore apply in file order.
//   - The first mapped row of a case gives `case.created` carrying the case attributes; later
//     changes of team or assignee give `case.assigned`, of other attributes `case.updated`.
//   - A state that means someone is working on the case or talking to the customer (ServiceNow
//     Active or Awaiting *, BPIC Accepted other than Assigned, helpdesk Take in charge / Wait /
//     Require upgrade / Schedule intervention) gives one `message.agent` the first time: the
//     logs hold no replies, so this is the proxy for the first response. A resolution without an
//     earlier proxy also gives it (the resolution is delivered to the customer).
//   - Waiting on the customer becomes status `pending`; waiting on others a distinct status
//     (`awaiting_vendor`, `awaiting_problem`, `awaiting_evidence`, `awaiting_implementation`,
//     `awaiting_upgrade`) that rules may or may not pause on.
//   - A resolved or closed case that becomes active again gives `case.reopened`, then
//     `case.status_changed` with its new status.
//   - People are never emitted: caller, opened/created/updated/resolved by, BPIC `owner` and
//     `owner_country`, helpdesk `Resource` and `customer`. ServiceNow `assigned_to` is emitted as
//     `assignee` because it is an opaque label (`Resolver 69`) and ownership changes matter.
//   - Every data row is counted: it gave events, or gave none because nothing the contract
//     carries changed (`no_change`, `duplicate_row`), or it could not be mapped (reason label).
//     rows == rows_with_events + sum(rows_without_events) + sum(unmapped).
//
// Per format (see import.cpp for the full tables):
//   servicenow  ts = sys_updated_at, `d/m/yyyy H:MM` with no zone, read as UTC (the zone is not
//               documented); case.created uses opened_at when it is not later than the first row.
//               priority `1 - Critical`..`4 - Low` -> P1..P4; channel from contact_type (Phone,
//               IVR -> phone; Email -> email; Self service, Direct opening -> portal); team =
//               assignment_group; category, subcategory. Closed carries the source's `made_sla`
//               and `close_code`. State `-100` is unmapped (`unknown_state`).
//   bpic2013    ts = timestamp_utc. priority from impact (Major P1, High P2, Medium P3, Low P4);
//               team = support_team; product. No channel (not in the log); org_line and
//               country describe the involved team's organisation, not the case, and are left out.
//               Completed/In Call and Completed/Resolved resolve, Completed/Closed and
//               Completed/Cancelled close; Unmatched is unmapped (`unknown_state`).
//   helpdesk    ts = `Complete Timestamp`, wall clock with no zone, read as Europe/Rome (an Italian
//               company; SOURCE.md says naive local time); a time in the spring-forward gap is
//               taken as the transition instant, a repeated autumn hour as its first occurrence.
//               priority is a guess from seriousness_2 (`Value 4` P1, `Value 3` P2, `Value 2` P3,
//               `Value 1` P4: the rarer the code, the more serious), the raw code is kept as
//               `seriousness`; team = workgroup; service_level, service_type, product,
//               responsible_section, support_section kept as they are. Create SW anomaly gives
//               `case.escalated` (reason `software anomaly`); the bug-tracker activities
//               (Resolve SW anomaly, RESOLVED, VERIFIED, INVALID, DUPLICATE) set `sw_anomaly`.
//               Exact repeats of the previous row of the ticket are `duplicate_row`.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/expected.hpp"

namespace slawatch::replay {

/// Reads CSV records (RFC 4180): fields separated by commas, optionally quoted with `"`, a
/// doubled quote inside quotes is one quote, quoted fields may span lines, CRLF or LF line ends.
/// Not thread-safe; reads from the stream it is given.
class csv_reader {
 public:
  explicit csv_reader(std::istream& in) : in_(in) {}

  /// Reads the next record into `fields` (cleared first). Returns false at the end of input.
  bool next(std::vector<std::string>& fields);

  /// 1-based line on which the record last returned by next() started.
  std::size_t line() const noexcept { return record_line_; }

  /// Whether the record last returned ended inside a quoted field (input cut short).
  bool unterminated() const noexcept { return unterminated_; }

 private:
  std::istream& in_;
  std::size_t next_line_ = 1;
  std::size_t record_line_ = 0;
  bool unterminated_ = false;
};

/// The exports `slawatch import` understands.
enum class import_format { servicenow, bpic2013, helpdesk };

/// `servicenow`, `bpic2013`, `helpdesk`: the names used on the command line.
const char* to_string(import_format f);
std::optional<import_format> parse_import_format(std::string_view name);

/// What an import read and wrote.
struct import_summary {
  std::size_t rows = 0;              ///< data rows read (the header and blank lines excluded)
  std::size_t rows_with_events = 0;  ///< rows that gave at least one event
  /// Valid rows that gave no event, by why: `no_change`, `duplicate_row`.
  std::map<std::string, std::size_t> rows_without_events;
  /// Rows that could not be mapped, by reason: `bad_row` (wrong number of fields or cut short),
  /// `missing_case_id`, `bad_timestamp`, `unknown_state`, `unknown_activity`.
  std::map<std::string, std::size_t> unmapped;
  std::size_t events = 0;                             ///< events written
  std::map<std::string, std::size_t> events_by_type;  ///< `case.created` -> count
  std::size_t cases = 0;                              ///< cases with at least one event

  std::size_t unmapped_rows() const;
  std::size_t rows_without_events_total() const;
};

/// Converts one export (its decompressed CSV text, header first) into contract events, written
/// to `events_jsonl` in file order, one JSON object per line. Fails only when the header lacks
/// a column the format needs; bad rows are counted in the summary and the import goes on.
rules::expected<import_summary, std::string> import_csv(import_format format, std::istream& csv,
                                                        std::ostream& events_jsonl);

/// The summary as a few human-readable lines (`import servicenow: 141712 rows, ...`).
void write_import_summary(std::ostream& out, import_format format, const import_summary& s);

/// Opens a file for reading; a gzip-compressed file (`.gz` or not) is decompressed on the fly,
/// any other file is read as it is. On failure returns why (`cannot open FILE: reason`).
rules::expected<std::unique_ptr<std::istream>, std::string> open_maybe_gzip(
    const std::string& path);

}  // namespace slawatch::replay
