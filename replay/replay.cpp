// The replay driver: decode every line, group events by case, evaluate each case once at
// `until`, and write the records in the contract's order.
#include "replay/replay.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <istream>
#include <ostream>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "rules/codec.hpp"
#include "rules/engine.hpp"

namespace slawatch::replay {

namespace {

bool is_blank(const std::string& line) {
  return std::all_of(line.begin(), line.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

std::string percent_text(const adherence_count& c) {
  const std::size_t total = c.met + c.breached;
  if (total == 0) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%",
                100.0 * static_cast<double>(c.met) / static_cast<double>(total));
  return text;
}

void count_record(replay_summary& s, const rules::record& r, const std::string& priority) {
  if (r.type == rules::record::kind::outcome) {
    ++s.outcomes;
    adherence_count& counts = s.adherence[r.metric][priority];
    if (r.met) {
      ++counts.met;
    } else {
      ++counts.breached;
      ++s.breaches;
    }
  } else if (r.type == rules::record::kind::notification) {
    ++s.notifications[r.notification_kind];
  }
}

}  // namespace

replay_summary run_replay(std::istream& events_jsonl, const rules::rule_set& rules,
                          std::optional<rules::instant> until, std::ostream& records_out,
                          std::ostream& diagnostics, const replay_options& options) {
  replay_summary summary;
  std::unordered_map<std::string, rules::case_events> cases;
  std::optional<rules::instant> latest;

  std::string line;
  while (std::getline(events_jsonl, line)) {
    ++summary.lines;
    if (options.progress && options.progress_every > 0 &&
        summary.lines % options.progress_every == 0) {
      diagnostics << "progress: " << summary.lines << " lines, " << cases.size() << " cases\n";
    }
    if (is_blank(line)) continue;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto decoded = rules::decode_event_json(line);
    if (!decoded) {
      ++summary.bad_lines;
      ++summary.bad_lines_by_reason[decoded.error().reason];
      diagnostics << "line " << summary.lines << ": " << decoded.error().reason << ": "
                  << decoded.error().detail << '\n';
      continue;
    }
    if (!latest || decoded->ts > *latest) latest = decoded->ts;
    const std::string case_id = decoded->case_id;
    if (cases[case_id].add(std::move(*decoded))) {
      ++summary.events;
    } else {
      ++summary.duplicates;
    }
  }
  summary.cases = cases.size();
  summary.until = until ? until : latest;

  if (summary.until) {
    // Cases in id order and a stable sort: the output never depends on hash-map order.
    std::vector<const std::pair<const std::string, rules::case_events>*> ordered;
    ordered.reserve(cases.size());
    for (const auto& entry : cases) ordered.push_back(&entry);
    std::sort(ordered.begin(), ordered.end(),
              [](const auto* a, const auto* b) { return a->first < b->first; });

    rules::evaluate_options evaluation;
    evaluation.with_ledger = false;
    evaluation.with_audit = options.include_audit;
    // Each record is encoded as soon as its case is evaluated; only a small key per record is
    // sorted. The order is rules::record_before's: a case's records come out of evaluate()
    // already in that order, and cases are taken in case id order, so (at, case rank, position
    // in the case) orders the lines exactly as a stable sort of the records themselves would.
    struct line_key {
      rules::instant at;
      std::uint32_t case_rank;
      std::uint32_t position;
      std::uint32_t offset;  // into lines[case_rank]
      std::uint32_t length;  // with the line break
    };
    std::vector<line_key> keys;
    // One buffer per case: appending to a single buffer of every line would copy it over and
    // over as it grows.
    std::vector<std::string> lines(ordered.size());
    std::uint32_t case_rank = 0;
    for (const auto* entry : ordered) {
      rules::case_view view = rules::evaluate(entry->second, rules, *summary.until, evaluation);
      const auto priority = view.attrs.find("priority");
      const std::string priority_label =
          priority == view.attrs.end() ? std::string("none") : priority->second;
      std::uint32_t position = 0;
      std::string& text = lines[case_rank];
      text.reserve(view.records.size() * 320);  // records run to about 300 bytes
      for (const auto& r : view.records) {
        if (r.type == rules::record::kind::audit && !options.include_audit) continue;
        count_record(summary, r, priority_label);
        const auto offset = static_cast<std::uint32_t>(text.size());
        rules::append_record_json(text, r);
        text += '\n';
        keys.push_back({r.at, case_rank, position++, offset, static_cast<std::uint32_t>(text.size()) - offset});
      }
      ++case_rank;
    }
    std::sort(keys.begin(), keys.end(), [](const line_key& a, const line_key& b) {
      return std::tie(a.at, a.case_rank, a.position) < std::tie(b.at, b.case_rank, b.position);
    });
    for (const auto& k : keys)
      records_out.write(lines[k.case_rank].data() + k.offset, static_cast<std::streamsize>(k.length));
    summary.records = keys.size();
  }
  write_replay_summary(diagnostics, summary);
  return summary;
}

void write_replay_summary(std::ostream& out, const replay_summary& s) {
  out << "replay: " << s.cases << " cases, " << s.events << " events from " << s.lines << " lines, "
      << s.bad_lines << " bad lines, " << s.duplicates << " duplicates";
  if (s.until) out << ", until " << rules::format_iso8601(*s.until);
  out << '\n';
  if (!s.bad_lines_by_reason.empty()) {
    out << "bad lines:";
    for (const auto& [reason, count] : s.bad_lines_by_reason) out << ' ' << reason << ' ' << count;
    out << '\n';
  }
  out << "records: " << s.records << " (" << s.outcomes << " outcomes, " << s.breaches
      << " breached";
  for (const auto& [kind, count] : s.notifications) out << ", " << count << ' ' << kind;
  out << ")\n";
  for (const auto& [metric, by_priority] : s.adherence) {
    adherence_count all;
    for (const auto& [priority, counts] : by_priority) {
      out << "adherence " << metric << ' ' << priority << ": " << percent_text(counts) << " ("
          << counts.met << " met, " << counts.breached << " breached)\n";
      all.met += counts.met;
      all.breached += counts.breached;
    }
    out << "adherence " << metric << " all: " << percent_text(all) << " (" << all.met << " met, "
        << all.breached << " breached)\n";
  }
}

}  // namespace slawatch::replay
