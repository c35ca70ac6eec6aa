// The set of written record ids a case keeps, as hashes.
#include "actors/emitted_ids.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "rules/partition.hpp"

using slawatch::actors::emitted_ids;

TEST_CASE("an id is written once: the second insert says so", "[emitted]") {
  emitted_ids ids;
  CHECK(ids.empty());
  CHECK(ids.insert("CS-1:first_response:1:outcome"));
  CHECK_FALSE(ids.insert("CS-1:first_response:1:outcome"));
  CHECK(ids.insert("CS-1:first_response:1:breach:0"));
  CHECK(ids.size() == 2);
  CHECK(ids.contains("CS-1:first_response:1:breach:0"));
  CHECK_FALSE(ids.contains("CS-1:first_response:2:breach:0"));
  CHECK(ids.hashes().front() < ids.hashes().back());
  CHECK(emitted_ids::hash_of("CS-1:first_response:1:outcome") ==
        slawatch::rules::fnv1a_64("CS-1:first_response:1:outcome"));
}

TEST_CASE("the ids of a long-lived case do not collide", "[emitted]") {
  // The shapes the engine writes, for many clocks, cycles and levels of one case.
  emitted_ids ids;
  std::size_t inserted = 0;
  for (const char* metric : {"triage", "first_response", "next_reply", "periodic_update", "resolution"})
    for (int cycle = 1; cycle <= 200; ++cycle) {
      const std::string base = std::string{"servicenow:INC0012345:"} + metric + ":" + std::to_string(cycle);
      for (const std::string suffix :
           {":outcome", ":breach:0", ":warning:1", ":warning:2", ":escalation:1", ":escalation:2"}) {
        CHECK(ids.insert(base + suffix));
        ++inserted;
      }
      CHECK(ids.insert(std::string{"servicenow:INC0012345:audit:paused:"} + metric + ":" +
                       std::to_string(cycle) + ":2026-03-02T09:00:00Z"));
      ++inserted;
    }
  CHECK(ids.size() == inserted);
}

TEST_CASE("hashes read back from a snapshot are kept in order, once", "[emitted]") {
  emitted_ids ids;
  CHECK(ids.insert_hash(30));
  CHECK(ids.insert_hash(10));
  CHECK_FALSE(ids.insert_hash(30));
  CHECK(ids.insert_hash(20));
  CHECK(ids.hashes() == std::vector<std::uint64_t>{10, 20, 30});
}
