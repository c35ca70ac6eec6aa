// libFuzzer harness: the SLA engine on arbitrary event sequences, under the shipped rules
// (config/rules.yaml: business-hours calendars, holidays, pauses, warnings, escalations).
// The input is JSON Lines; lines the decoder refuses are skipped, the others become events of one
// case. A case actor runs evaluate() on whatever a ticketing platform sends, so besides "no crash,
// no sanitizer report" this checks what the engine promises (rules/engine.hpp):
//  - the same events added in the opposite order give the same records (order independence;
//    of events that reuse an event_id only the first is kept, since the engine keeps whichever
//    arrives first, by contract);
//  - records come sorted by record_before, with unique ids;
//  - with no new event, what was due at `now` is still due later (a record once written is never
//    contradicted by a later evaluation), and the next firing instant lies after `now`.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "rules/codec.hpp"
#include "rules/engine.hpp"
#include "rules/load.hpp"
#include "tests/fuzz/fuzz_checks.hpp"

namespace {

using namespace slawatch;

const rules::rule_set& shipped_rules() {
  static const rules::rule_set rules = [] {
    const std::string path = SLAWATCH_SOURCE_DIR "/config/rules.yaml";
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    auto loaded = rules::load_rules(text.str(), path);
    if (!loaded) fuzz::fail("config/rules.yaml does not load");
    return std::move(*loaded);
  }();
  return rules;
}

std::vector<std::string> ids_of(const rules::case_view& view) {
  std::vector<std::string> ids;
  for (const auto& r : view.records) ids.push_back(r.id);
  return ids;
}

void check_records(const rules::case_view& view, rules::instant now) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < view.records.size(); ++i) {
    if (!seen.insert(view.records[i].id).second) fuzz::fail("two records with the same id");
    if (i > 0 && rules::record_before(view.records[i], view.records[i - 1]))
      fuzz::fail("records out of order");
  }
  if (view.next_fire && *view.next_fire <= now) fuzz::fail("next firing instant not after now");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<rules::event> events;
  std::set<std::string> event_ids;
  for (std::size_t start = 0; start < input.size() && events.size() < 64;) {
    auto end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    auto decoded = rules::decode_event_json(input.substr(start, end - start));
    start = end + 1;
    if (!decoded || (!decoded->event_id.empty() && !event_ids.insert(decoded->event_id).second)) continue;
    decoded->case_id = "CS-20260101-0001";  // a case actor only sees its own case's events
    events.push_back(std::move(*decoded));
  }
  if (events.empty()) return 0;

  rules::case_events forward;
  rules::case_events backward;
  for (const auto& e : events) forward.add(e);
  for (auto it = events.rbegin(); it != events.rend(); ++it) backward.add(*it);

  rules::instant latest = events.front().ts;
  for (const auto& e : events) latest = std::max(latest, e.ts);
  const auto& rules = shipped_rules();
  std::vector<std::string> earlier;
  // Before the last event, at it, and as time passes with no news: an hour, a day, 40 days.
  for (const auto after : {std::chrono::seconds(-3600), std::chrono::seconds(0), std::chrono::seconds(3600),
                           std::chrono::seconds(86400), std::chrono::seconds(40 * 86400)}) {
    const auto now = latest + after;
    const auto view = rules::evaluate(forward, rules, now);
    check_records(view, now);
    const auto ids = ids_of(view);
    if (ids_of(rules::evaluate(backward, rules, now)) != ids)
      fuzz::fail("the same events in another order gave other records");
    if (after >= std::chrono::seconds(0)) {
      const std::set<std::string> now_due(ids.begin(), ids.end());
      for (const auto& id : earlier)
        if (now_due.count(id) == 0) fuzz::fail("a record due earlier is gone later, with no new event");
      earlier = ids;
    }
  }
  return 0;
}
