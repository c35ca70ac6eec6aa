// Metrics: buckets from the rules, bounded labels, and the exposition of what was counted.
#include <catch2/catch.hpp>

#include <prometheus/text_serializer.h>

#include "actors/metrics.hpp"
#include "rules/load.hpp"

using namespace slawatch;
using namespace slawatch::actors;

namespace {

rules::rule_set rules_with_targets() {
  auto loaded = rules::load_rules(
      "version: v7\n"
      "policies:\n"
      "  - name: p1\n"
      "    match: {priority: P1}\n"
      "    clocks: {first_response: {target: 15m}, resolution: {target: 4h}}\n"
      "  - name: fallback\n"
      "    clocks: {first_response: {target: 1h}}\n",
      "m.yaml");
  REQUIRE(loaded);
  return *loaded;
}

std::string exposition(const metrics& m) {
  return prometheus::TextSerializer{}.Serialize(m.registry()->Collect());
}

}  // namespace

TEST_CASE("histogram buckets surround the targets of the rules", "[metrics]") {
  const auto rs = rules_with_targets();
  const auto fr = buckets_around_targets(rs, rules::clock_kind::first_response);
  for (double b : {225.0, 450.0, 675.0, 900.0, 1350.0, 1800.0, 3600.0, 5400.0, 7200.0}) {
    INFO(b);
    CHECK(std::find(fr.begin(), fr.end(), b) != fr.end());
  }
  CHECK(std::is_sorted(fr.begin(), fr.end()));
  CHECK(std::adjacent_find(fr.begin(), fr.end()) == fr.end());
}

TEST_CASE("NPS categories", "[metrics]") {
  CHECK(nps_category(10) == "promoter");
  CHECK(nps_category(9) == "promoter");
  CHECK(nps_category(8) == "passive");
  CHECK(nps_category(7) == "passive");
  CHECK(nps_category(0) == "detractor");
  CHECK(nps_category(6) == "detractor");
  CHECK(nps_category(11).empty());
  CHECK(nps_category(-1).empty());
}

TEST_CASE("labels are bounded: odd priorities, empty values, too many teams", "[metrics]") {
  metrics m{"1.0", rules_with_targets()};
  CHECK(m.labels_of({{"priority", "p2"}}, "p1", "open").priority == "P2");
  CHECK(m.labels_of({{"priority", "urgent"}}, "p1", "open").priority == "other");
  CHECK(m.labels_of({}, "", "").priority == "none");
  CHECK(m.labels_of({}, "", "").team == "none");
  for (std::size_t i = 0; i < max_label_values; ++i) m.labels_of({{"team", "t" + std::to_string(i)}}, "p", "s");
  CHECK(m.labels_of({{"team", "t0"}}, "p", "s").team == "t0");
  CHECK(m.labels_of({{"team", "one-too-many"}}, "p", "s").team == "other");
  CHECK(m.labels_of({{"channel", std::string(100, 'x')}}, "p", "s").channel == "other");
}

TEST_CASE("outcomes, notifications and surveys show up in the exposition", "[metrics]") {
  metrics m{"1.2.3", rules_with_targets()};
  const auto labels = m.labels_of({{"priority", "P1"}, {"team", "network"}, {"channel", "phone"}}, "p1", "open");
  rules::record outcome;
  outcome.type = rules::record::kind::outcome;
  outcome.metric = "first_response";
  outcome.elapsed_seconds = 600;
  outcome.met = false;
  m.record_emitted(labels, outcome);
  rules::record breach;
  breach.type = rules::record::kind::notification;
  breach.notification_kind = "breach";
  breach.metric = "first_response";
  m.record_emitted(labels, breach);
  m.csat_response(5);
  m.nps_response(3);
  m.open_cases(labels).Increment();
  const auto text = exposition(m);
  CHECK(text.find("slawatch_build_info{version=\"1.2.3\"} 1") != std::string::npos);
  CHECK(text.find("slawatch_rules_info{version=\"v7\"} 1") != std::string::npos);
  CHECK(text.find("slawatch_sla_outcomes_total{channel=\"phone\",metric=\"first_response\",outcome=\"breached\","
                  "policy=\"p1\",priority=\"P1\",team=\"network\"} 1") != std::string::npos);
  CHECK(text.find("slawatch_first_response_seconds_bucket{policy=\"p1\",priority=\"P1\",le=\"675\"} 1") !=
        std::string::npos);
  CHECK(text.find("slawatch_first_response_seconds_bucket{policy=\"p1\",priority=\"P1\",le=\"450\"} 0") !=
        std::string::npos);
  CHECK(text.find("slawatch_notifications_total{kind=\"breach\",level=\"0\",metric=\"first_response\","
                  "priority=\"P1\"} 1") != std::string::npos);
  CHECK(text.find("slawatch_csat_responses_total{score=\"5\"} 1") != std::string::npos);
  CHECK(text.find("slawatch_nps_responses_total{category=\"detractor\"} 1") != std::string::npos);
  CHECK(text.find("slawatch_open_cases{priority=\"P1\",status=\"open\"} 1") != std::string::npos);
}
