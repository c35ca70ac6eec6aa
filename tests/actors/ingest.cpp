// Ingest's pure parts: the read command and what happens to each entry.
#include <catch2/catch.hpp>

#include "actors/ingest.hpp"

#include "tests/actors/resp.hpp"

using namespace slawatch;
using namespace slawatch::actors;

TEST_CASE("XREADGROUP asks for COUNT entries, blocks, and names every stream then every id", "[ingest]") {
  const auto cmd = xreadgroup_command("g", "c1", 16, std::chrono::milliseconds{250}, {"a", "b"}, {">", "7-0"});
  const redis_command expected{"XREADGROUP", "GROUP", "g", "c1", "COUNT", "16", "BLOCK", "250",
                               "STREAMS", "a", "b", ">", "7-0"};
  CHECK(cmd == expected);
}

TEST_CASE("a fenced read names the leases, then the streams they fence, then consumer, group, count, ids",
          "[ingest]") {
  const auto cmd = fenced_read_command("g", "c1", 16, {"{slawatch:p0}:lease", "{slawatch:p3}:lease"},
                                       {"events:0", "events:3"}, {">", ">"});
  REQUIRE(cmd.size() == 12);
  CHECK(cmd[0] == "EVAL");
  CHECK(cmd[1].find("LEASELOST") != std::string::npos);
  CHECK(cmd[1].find("XREADGROUP") != std::string::npos);
  CHECK(cmd[1].find("BLOCK") == std::string::npos);  // a script cannot block
  const redis_command rest(cmd.begin() + 2, cmd.end());
  CHECK(rest == redis_command{"4", "{slawatch:p0}:lease", "{slawatch:p3}:lease", "events:0", "events:3", "c1", "g",
                              "16", ">", ">"});
}

TEST_CASE("a fenced read's reply gives the entries and each stream's last ID; a lost lease is an error",
          "[ingest]") {
  using test::bulk;
  using test::parse_reply;
  const std::string entries = "*1\r\n*2\r\n" + bulk("events:3") + "*2\r\n" + "*2\r\n" + bulk("5-0") + "*2\r\n" +
                              bulk("type") + bulk("case.created") + "*2\r\n" + bulk("6-0") + "$-1\r\n";
  auto read = decode_fenced_read(parse_reply("*2\r\n" + entries + "*2\r\n" + bulk("0-0") + bulk("6-0")).get());
  REQUIRE(read);
  REQUIRE(read->entries.size() == 2);
  CHECK(read->entries[0].stream == "events:3");
  CHECK(read->entries[0].fields == entry_fields{{"type", "case.created"}});
  CHECK(read->entries[1].deleted);
  CHECK(read->last_ids == std::vector<std::string>{"0-0", "6-0"});

  auto none = decode_fenced_read(parse_reply("*2\r\n*0\r\n*1\r\n" + bulk("9-1")).get());
  REQUIRE(none);
  CHECK(none->entries.empty());
  CHECK(none->last_ids == std::vector<std::string>{"9-1"});

  auto lost = decode_fenced_read(parse_reply("-LEASELOST events:3\r\n").get());
  REQUIRE_FALSE(lost);
  CHECK(lost.error() == "LEASELOST events:3");
  CHECK_FALSE(decode_fenced_read(parse_reply("*1\r\n*0\r\n").get()));
}

TEST_CASE("the wait after an empty fenced read takes nothing: XREAD after the last IDs seen", "[ingest]") {
  CHECK(xread_wait_command(std::chrono::milliseconds{250}, {"a", "b"}, {"0-0", "6-0"}) ==
        redis_command{"XREAD", "COUNT", "1", "BLOCK", "250", "STREAMS", "a", "b", "0-0", "6-0"});
}

TEST_CASE("a fenced claim names lease and stream as keys, then XAUTOCLAIM's arguments", "[ingest]") {
  const auto cmd = fenced_claim_command("{slawatch:p2}:lease", "events:2", "g", "c1", std::chrono::milliseconds{0},
                                        "0-0", 128);
  REQUIRE(cmd.size() == 10);
  CHECK(cmd[1].find("XAUTOCLAIM") != std::string::npos);
  CHECK(cmd[1].find("LEASELOST") != std::string::npos);
  const redis_command rest(cmd.begin() + 2, cmd.end());
  CHECK(rest == redis_command{"2", "{slawatch:p2}:lease", "events:2", "c1", "g", "0", "0-0", "128"});
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
