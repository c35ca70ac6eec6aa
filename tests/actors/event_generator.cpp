// The generator: deterministic per seed, contract-valid events, realistic lifecycles.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "actors/event_generator.hpp"
#include "rules/codec.hpp"

using namespace slawatch;
using namespace slawatch::actors;

namespace {
const auto t0 = std::chrono::system_clock::time_point{date::sys_days{date::March / 2 / 2026}} + std::chrono::hours{9};
}

TEST_CASE("the same seed gives the same events", "[event_generator]") {
  event_generator a{42, 20};
  event_generator b{42, 20};
  event_generator c{43, 20};
  bool differs = false;
  for (int i = 0; i < 200; ++i) {
    const auto now = t0 + std::chrono::seconds{i};
    const auto x = a.next(now);
    CHECK(x == b.next(now));
    differs = differs || x != c.next(now);
  }
  CHECK(differs);
}

TEST_CASE("every generated event decodes, with contract case ids and no duplicate event ids",
          "[event_generator]") {
  event_generator gen{7, 50};
  std::set<std::string> event_ids;
  std::map<std::string, int> types;
  for (int i = 0; i < 5000; ++i) {
    const auto fields = gen.next(t0 + std::chrono::seconds{i / 10});
    auto decoded = rules::decode_event_fields(fields);
    REQUIRE(decoded);
    CHECK(rules::is_contract_case_id(decoded->case_id));
    CHECK(decoded->case_id.rfind("CS-20260302-", 0) == 0);
    CHECK(event_ids.insert(decoded->event_id).second);
    ++types[rules::to_string(decoded->type)];
    if (decoded->type == rules::event_type::case_created) {
      const auto& customer = decoded->attrs.at("customer_id");
      CHECK(customer.size() == 36);
      CHECK(customer[14] == '4');
    }
  }
  // Every kind of event the brief names shows up in a few thousand events.
  for (const char* t : {"case.created", "case.assigned", "message.agent", "message.customer", "case.status_changed",
                        "case.resolved", "case.closed", "csat.received"}) {
    INFO(t);
    CHECK(types[t] > 0);
  }
  CHECK(types["case.created"] == static_cast<int>(gen.cases_created()));
  // Most cases that were created got as far as being resolved in 5000 steps over 50 open cases.
  CHECK(types["case.resolved"] > types["case.created"] / 2);
}

TEST_CASE("the open case count can change while generating", "[event_generator]") {
  event_generator gen{5, 10};
  for (int i = 0; i < 200; ++i) gen.next(t0 + std::chrono::seconds{i});
  CHECK(gen.open_now() <= 10);
  gen.set_open_cases(100);
  for (int i = 200; i < 2000 && gen.open_now() < 50; ++i) gen.next(t0 + std::chrono::seconds{i});
  CHECK(gen.open_now() >= 50);
  CHECK(gen.open_now() <= 100);
  gen.set_open_cases(5);
  for (int i = 2000; i < 20000 && gen.open_now() > 5; ++i) gen.next(t0 + std::chrono::seconds{i});
  CHECK(gen.open_now() <= 5);
}
