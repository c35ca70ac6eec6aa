// Ingest's pure parts: the read command and what happens to each entry.
#include <catch2/catch.hpp>

#include "actors/ingest.hpp"

using namespace slawatch;
using namespace slawatch::actors;

TEST_CASE("XREADGROUP asks for COUNT entries, blocks, and names every stream then every id", "[ingest]") {
  const auto cmd = xreadgroup_command("g", "c1", 16, std::chrono::milliseconds{250}, {"a", "b"}, {">", "7-0"});
  const redis_command expected{"XREADGROUP", "GROUP", "g", "c1", "COUNT", "16", "BLOCK", "250",
                               "STREAMS", "a", "b", ">", "7-0"};
  CHECK(cmd == expected);
}

TEST_CASE("a good entry becomes an event for the router", "[ingest]") {
  stream_entry e{"events", "1-0",
                 {{"type", "case.created"}, {"case_id", "CS-20260302-0001"}, {"ts", "2026-03-02T09:00:00Z"},
                  {"priority", "P1"}},
                 false};
  auto routed = route_entry(e);
  REQUIRE(routed.event);
  CHECK_FALSE(routed.dead_letter);
  CHECK(routed.type == "case.created");
  CHECK(routed.event->event.case_id == "CS-20260302-0001");
  CHECK(routed.event->source.stream == "events");
  CHECK(routed.event->source.id == "1-0");
}

TEST_CASE("entries that cannot be applied become dead letters with a reason", "[ingest]") {
  auto bad_ts = route_entry({"events", "2-0", {{"type", "case.created"}, {"case_id", "X"}, {"ts", "soon"}}, false});
  REQUIRE(bad_ts.dead_letter);
  CHECK(bad_ts.dead_letter->reason == "bad_timestamp");
  CHECK(bad_ts.dead_letter->fields.size() == 3);
  CHECK(bad_ts.dead_letter->source.id == "2-0");
  CHECK(bad_ts.type == "case.created");

  auto unknown = route_entry({"events", "3-0", {{"type", "case.exploded"}, {"case_id", "X"}, {"ts", "2026-03-02T09:00:00Z"}}, false});
  REQUIRE(unknown.dead_letter);
  CHECK(unknown.dead_letter->reason == "unknown_type");
  CHECK(unknown.type == "unknown");

  auto missing = route_entry({"events", "4-0", {{"type", "case.created"}, {"ts", "2026-03-02T09:00:00Z"}}, false});
  REQUIRE(missing.dead_letter);
  CHECK(missing.dead_letter->reason == "missing_field");

  auto deleted = route_entry({"events", "5-0", {}, true});
  REQUIRE(deleted.dead_letter);
  CHECK(deleted.dead_letter->reason == "deleted");
}

TEST_CASE("the streams of a partition are that partition of every input", "[ingest]") {
  const std::vector<std::string> inputs{"a:0", "a:1", "a:2", "b:0", "b:1", "b:2"};
  CHECK(streams_of_partition(inputs, 3, 0) == std::vector<std::string>{"a:0", "b:0"});
  CHECK(streams_of_partition(inputs, 3, 2) == std::vector<std::string>{"a:2", "b:2"});
  CHECK(streams_of_partition({"x:0", "x:1"}, 2, 1) == std::vector<std::string>{"x:1"});
  CHECK(streams_of_partition({"plain"}, 0, 0) == std::vector<std::string>{"plain"});
}
