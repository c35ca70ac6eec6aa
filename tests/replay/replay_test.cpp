// The replay driver: decoding line by line, grouping by case, ordered byte-stable output and
// the summary numbers; and replays of the imported real logs.
#include "replay/replay.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "replay/import.hpp"
#include "rules/load.hpp"

using namespace slawatch;

namespace {

constexpr const char* test_rules = R"(policies:
  - name: p1
    match: {priority: P1}
    pause_on: [pending]
    clocks:
      first_response: {target: 15m}
      resolution: {target: 4h}
  - name: fallback
    clocks:
      first_response: {target: 1h}
      resolution: {target: 1d}
)";

rules::rule_set load(const std::string& yaml) {
  auto loaded = rules::load_rules(yaml, "rules.yaml");
  if (!loaded) {
    for (const auto& p : loaded.error()) UNSCOPED_INFO(rules::to_string(p));
  }
  REQUIRE(loaded);
  return *loaded;
}

// Case A (P1): first response in 10 minutes (met); resolved after 5 hours (breached).
// Case B (no priority): first response after 2 hours (breached); resolution still running.
const std::vector<std::string> sample_events{
    R"({"type":"case.created","case_id":"A","ts":"2025-09-12T10:00:00Z","event_id":"a1","priority":"P1"})",
    R"({"type":"case.created","case_id":"B","ts":"2025-09-12T10:00:00Z","event_id":"b1"})",
    R"({"type":"message.agent","case_id":"A","ts":"2025-09-12T10:10:00Z","event_id":"a2"})",
    R"({"type":"message.agent","case_id":"B","ts":"2025-09-12T12:00:00Z","event_id":"b2"})",
    R"({"type":"case.resolved","case_id":"A","ts":"2025-09-12T15:00:00Z","event_id":"a3"})",
};

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

struct replay_run {
  replay::replay_summary summary;
  std::string records;
  std::string diagnostics;
};

replay_run run(const std::string& input, const rules::rule_set& rules,
               std::optional<rules::instant> until = std::nullopt,
               const replay::replay_options& options = {}) {
  std::istringstream in(input);
  std::ostringstream records;
  std::ostringstream diagnostics;
  auto summary = replay::run_replay(in, rules, until, records, diagnostics, options);
  return {summary, records.str(), diagnostics.str()};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// The time a record line is ordered by: `stopped_at` of outcomes, `at` of the others.
std::string record_time(const std::string& line) {
  const auto json = nlohmann::json::parse(line);
  return json.value("record", "") == "outcome" ? json.at("stopped_at").get<std::string>()
                                               : json.at("at").get<std::string>();
}

std::size_t count_containing(const std::vector<std::string>& lines, const std::string& part) {
  return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [&](const auto& l) {
    return l.find(part) != std::string::npos;
  }));
}

}  // namespace

TEST_CASE("replay writes ordered records and counts adherence per clock and priority", "[replay]") {
  const auto rules = load(test_rules);
  const auto result = run(joined(sample_events), rules);
  const auto& s = result.summary;
  CHECK(s.lines == 5);
  CHECK(s.events == 5);
  CHECK(s.cases == 2);
  CHECK(s.bad_lines == 0);
  CHECK(s.duplicates == 0);
  REQUIRE(s.until);
  CHECK(rules::format_iso8601(*s.until) == "2025-09-12T15:00:00Z");
  CHECK(s.outcomes == 3);
  CHECK(s.breaches == 2);
  CHECK(s.adherence.at("first_response").at("P1").met == 1);
  CHECK(s.adherence.at("first_response").at("P1").breached == 0);
  CHECK(s.adherence.at("first_response").at("none").met == 0);
  CHECK(s.adherence.at("first_response").at("none").breached == 1);
  CHECK(s.adherence.at("resolution").at("P1").breached == 1);
  CHECK(s.adherence.at("resolution").count("none") == 0);

  const auto lines = lines_of(result.records);
  CHECK(lines.size() == s.records);
  CHECK(count_containing(lines, R"("record":"outcome")") == 3);
  CHECK(count_containing(lines, R"("record":"audit")") == 0);
  CHECK(count_containing(lines, R"("case_id":"A","metric":"resolution")") == 1);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    INFO(lines[i - 1] << "\n" << lines[i]);
    CHECK(record_time(lines[i - 1]) <= record_time(lines[i]));
  }

  CHECK(result.diagnostics.find("replay: 2 cases, 5 events from 5 lines, 0 bad lines, "
                                "0 duplicates, until 2025-09-12T15:00:00Z") != std::string::npos);
  CHECK(result.diagnostics.find("adherence first_response P1: 100.0% (1 met, 0 breached)") !=
        std::string::npos);
  CHECK(result.diagnostics.find("adherence first_response all: 50.0% (1 met, 1 breached)") !=
        std::string::npos);
}

TEST_CASE("replay output does not depend on the order of the input lines", "[replay]") {
  const auto rules = load(test_rules);
  const auto forward = run(joined(sample_events), rules);
  std::vector<std::string> reversed(sample_events.rbegin(), sample_events.rend());
  const auto backward = run(joined(reversed), rules);
  std::vector<std::string> rotated = sample_events;
  std::rotate(rotated.begin(), rotated.begin() + 2, rotated.end());
  const auto shifted = run(joined(rotated), rules);
  CHECK_FALSE(forward.records.empty());
  CHECK(forward.records == backward.records);
  CHECK(forward.records == shifted.records);
}

TEST_CASE("a bad line is reported with its number and the replay goes on", "[replay]") {
  const auto rules = load(test_rules);
  std::vector<std::string> lines = sample_events;
  lines.insert(lines.begin() + 2, "{not json");
  lines.insert(lines.begin() + 4, R"({"type":"case.created","case_id":"C","ts":"soon"})");
  lines.insert(lines.begin() + 5, "");
  const auto result = run(joined(lines), rules);
  CHECK(result.summary.lines == 8);
  CHECK(result.summary.bad_lines == 2);
  CHECK(result.summary.bad_lines_by_reason.at("bad_json") == 1);
  CHECK(result.summary.bad_lines_by_reason.at("bad_timestamp") == 1);
  CHECK(result.summary.events == 5);
  CHECK(result.summary.cases == 2);
  CHECK(result.diagnostics.find("line 3: bad_json: ") != std::string::npos);
  CHECK(result.diagnostics.find("line 5: bad_timestamp: ") != std::string::npos);
  CHECK(result.diagnostics.find("line 6") == std::string::npos);
  // The good lines give exactly the records they give alone.
  CHECK(result.records == run(joined(sample_events), rules).records);
}

TEST_CASE("duplicate events are applied once and counted", "[replay]") {
  const auto rules = load(test_rules);
  std::vector<std::string> lines = sample_events;
  lines.push_back(sample_events[2]);
  lines.push_back(sample_events[4]);
  const auto result = run(joined(lines), rules);
  CHECK(result.summary.duplicates == 2);
  CHECK(result.summary.events == 5);
  CHECK(result.records == run(joined(sample_events), rules).records);
}

TEST_CASE("replay until an earlier instant ignores later events", "[replay]") {
  const auto rules = load(test_rules);
  const auto early =
      run(joined(sample_events), rules, rules::parse_iso8601("2025-09-12T10:30:00Z"));
  REQUIRE(early.summary.until);
  CHECK(rules::format_iso8601(*early.summary.until) == "2025-09-12T10:30:00Z");
  CHECK(early.summary.outcomes == 1);
  CHECK(early.summary.breaches == 0);
  const auto lines = lines_of(early.records);
  for (const auto& line : lines) CHECK(record_time(line) <= "2025-09-12T10:30:00Z");
}

TEST_CASE("audit records are written only when asked for", "[replay]") {
  const auto rules = load(test_rules);
  replay::replay_options options;
  options.include_audit = true;
  const auto with_audit = run(joined(sample_events), rules, std::nullopt, options);
  const auto plain = run(joined(sample_events), rules);
  const auto lines = lines_of(with_audit.records);
  CHECK(count_containing(lines, R"("record":"audit")") > 0);
  CHECK(count_containing(lines, R"("record":"outcome")") == 3);
  CHECK(with_audit.summary.outcomes == plain.summary.outcomes);
  CHECK(with_audit.summary.records > plain.summary.records);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    CHECK(record_time(lines[i - 1]) <= record_time(lines[i]));
  }
}

TEST_CASE("progress lines appear only when asked for", "[replay]") {
  const auto rules = load(test_rules);
  replay::replay_options options;
  options.progress = true;
  options.progress_every = 2;
  const auto with_progress = run(joined(sample_events), rules, std::nullopt, options);
  CHECK(with_progress.diagnostics.find("progress: 2 lines") != std::string::npos);
  CHECK(with_progress.diagnostics.find("progress: 4 lines") != std::string::npos);
  const auto quiet = run(joined(sample_events), rules);
  CHECK(quiet.diagnostics.find("progress") == std::string::npos);
  CHECK(with_progress.records == quiet.records);
}

TEST_CASE("an empty replay writes no records", "[replay]") {
  const auto rules = load(test_rules);
  const auto result = run("\n\n", rules);
  CHECK(result.records.empty());
  CHECK(result.summary.cases == 0);
  CHECK(result.summary.lines == 2);
  CHECK_FALSE(result.summary.until);
  CHECK(result.diagnostics.find("replay: 0 cases") != std::string::npos);
}

TEST_CASE("replays of the imported real logs are byte-identical", "[replay][data]") {
  std::ifstream rules_file(std::string(SLAWATCH_SOURCE_DIR) + "/config/rules.yaml");
  REQUIRE(rules_file);
  std::stringstream rules_text;
  rules_text << rules_file.rdbuf();
  const auto rules = load(rules_text.str());

  // The first events of each log keep the test quick (cases at the cut are simply shorter);
  // full-log replays are the command-line tests' job.
  constexpr std::size_t max_events = 2000;
  const std::vector<std::pair<replay::import_format, const char*>> logs{
      {replay::import_format::servicenow, "uci-servicenow-incident-log/incident_event_log.csv.gz"},
      {replay::import_format::bpic2013, "bpic2013-volvo-incidents/bpic2013_incidents.csv.gz"},
      {replay::import_format::helpdesk,
       "helpdesk-italian-software-company/helpdesk_events_merged.csv.gz"},
  };
  for (const auto& [format, file] : logs) {
    INFO(file);
    auto in = replay::open_maybe_gzip(std::string(SLAWATCH_SHARED_DATA_DIR) + "/" + file);
    REQUIRE(in);
    std::ostringstream imported;
    REQUIRE(replay::import_csv(format, **in, imported));
    auto events = lines_of(imported.str());
    REQUIRE(events.size() > max_events);
    events.resize(max_events);

    const auto first = run(joined(events), rules);
    const auto second = run(joined(events), rules);
    std::reverse(events.begin(), events.end());
    const auto reversed = run(joined(events), rules);
    CHECK(first.summary.bad_lines == 0);
    CHECK(first.summary.events == max_events);
    CHECK(first.summary.outcomes > 0);
    CHECK(lines_of(first.records).size() == first.summary.records);
    CHECK(first.records == second.records);
    CHECK(first.records == reversed.records);
  }
}
