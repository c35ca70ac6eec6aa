// The replay driver: contract events (JSON Lines) in, SLA records (JSON Lines) out, evaluated
// under a rules file as of one instant. What `slawatch replay` runs.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>

#include "rules/model.hpp"
#include "rules/time.hpp"

namespace slawatch::replay {

struct replay_options {
  bool include_audit = false;  ///< write audit records too (outcomes and notifications always)
  /// Write a progress line to diagnostics every `progress_every` input lines. The caller decides
  /// (the CLI sets it when stderr is a terminal): an ostream cannot tell whether it is one.
  bool progress = false;
  std::size_t progress_every = 100'000;
};

/// Stopped clocks of one metric and priority.
struct adherence_count {
  std::size_t met = 0;
  std::size_t breached = 0;
};

/// What a replay read and wrote; the numbers the diagnostics summary prints.
struct replay_summary {
  std::size_t lines = 0;      ///< input lines, blank ones included
  std::size_t events = 0;     ///< events decoded and kept (duplicates not counted)
  std::size_t bad_lines = 0;  ///< lines that did not decode
  std::map<std::string, std::size_t> bad_lines_by_reason;  ///< decode_error::reason -> lines
  std::size_t duplicates = 0;  ///< events dropped as duplicates of one already held
  std::size_t cases = 0;
  std::optional<rules::instant> until;  ///< the instant evaluated at; none without events
  std::size_t records = 0;              ///< records written
  std::size_t outcomes = 0;             ///< outcome records
  std::size_t breaches = 0;             ///< outcome records with outcome `breached`
  std::map<std::string, std::size_t> notifications;  ///< by kind: warning, breach, escalation
  /// From outcome records: metric -> case priority at `until` (`none` if it has none) -> counts.
  std::map<std::string, std::map<std::string, adherence_count>> adherence;
};

/// Reads events, one JSON object per line, and writes the records of every case as of `until`
/// (default: the latest event `ts`), one JSON object per line, ordered by rules::record_before.
/// A line that does not decode is reported on `diagnostics` with its line number and skipped.
/// Ends by writing the summary (write_replay_summary) to `diagnostics`. The records written are
/// byte-identical for the same input, rules and `until`, whatever order the lines come in.
replay_summary run_replay(std::istream& events_jsonl, const rules::rule_set& rules,
                          std::optional<rules::instant> until, std::ostream& records_out,
                          std::ostream& diagnostics, const replay_options& options = {});

/// The summary as text: counts, then one adherence line per metric and priority,
/// `adherence first_response P1: 92.5% (37 met, 3 breached)`.
void write_replay_summary(std::ostream& out, const replay_summary& s);

}  // namespace slawatch::replay
