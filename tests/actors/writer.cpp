// The writer's commands, built without a server.
#include <catch2/catch.hpp>

#include "actors/writer.hpp"
#include "rules/codec.hpp"
#include "tests/actors/resp.hpp"

using namespace slawatch;
using namespace slawatch::actors;

TEST_CASE("records go to the stream of their kind with id, case and JSON", "[writer]") {
  streams_config streams;
  rules::record r;
  r.type = rules::record::kind::notification;
  r.id = "CS-20260302-0001:first_response:1:breach:0";
  r.case_id = "CS-20260302-0001";
  r.metric = "first_response";
  r.notification_kind = "breach";
  CHECK(stream_for(streams, r) == "slawatch:notifications");
  const auto cmd = xadd_record(stream_for(streams, r), r, rules::encode_record_json(r));
  REQUIRE(cmd.size() == 11);
  CHECK(cmd[0] == "XADD");
  CHECK(cmd[1] == "slawatch:notifications");
  CHECK(cmd[2] == "*");
  CHECK(cmd[3] == "record");
  CHECK(cmd[4] == "notification");
  CHECK(cmd[6] == "CS-20260302-0001");
  CHECK(cmd[8] == r.id);
  CHECK(cmd[9] == "json");
  CHECK(cmd[10].find("\"kind\":\"breach\"") != std::string::npos);

  r.type = rules::record::kind::outcome;
  CHECK(stream_for(streams, r) == "slawatch:outcomes");
  r.type = rules::record::kind::audit;
  CHECK(stream_for(streams, r) == "slawatch:audit");
}

TEST_CASE("a dead letter keeps the original fields and adds where it came from and why", "[writer]") {
  dead_letter_msg d{{"events", "5-0"}, {{"type", "case.created"}, {"ts", "soon"}}, "bad_timestamp", "ts: not ISO 8601"};
  const auto cmd = xadd_dead_letter("dl", d);
  const redis_command expected{"XADD", "dl", "*", "type", "case.created", "ts", "soon", "source_stream", "events",
                               "source_id", "5-0", "dead_letter_reason", "bad_timestamp", "dead_letter_detail",
                               "ts: not ISO 8601"};
  CHECK(cmd == expected);
}

TEST_CASE("acknowledgements are grouped into one XACK per stream", "[writer]") {
  const auto cmds = xack_commands("g", {{"b", "1-0"}, {"a", "2-0"}, {"b", "3-0"}});
  REQUIRE(cmds.size() == 2);
  CHECK(cmds[0] == redis_command{"XACK", "a", "g", "2-0"});
  CHECK(cmds[1] == redis_command{"XACK", "b", "g", "1-0", "3-0"});
  CHECK(xack_commands("g", {}).empty());
}

TEST_CASE("a transaction writes for the partitions of its cases and acknowledged streams", "[writer][lease]") {
  streams_config streams;
  streams.partitions = 16;
  streams.input = {"in:0", "in:1", "in:2", "in:3", "in:4", "in:5", "in:6", "in:7",
                   "in:8", "in:9", "in:10", "in:11", "in:12", "in:13", "in:14", "in:15",
                   "other:0", "other:1", "other:2", "other:3", "other:4", "other:5", "other:6", "other:7",
                   "other:8", "other:9", "other:10", "other:11", "other:12", "other:13", "other:14", "other:15"};
  rules::record r;
  r.case_id = "CS-20250912-0042";  // partition 10 of 16 (README "Partitions")
  const std::vector<case_snapshot> snapshots{{"zendesk:35436", "bytes", true}};  // partition 0
  const std::vector<entry_ref> acks{{"in:3", "1-0"}, {"other:5", "2-0"}, {"unknown", "3-0"}};
  CHECK(partitions_written(streams, {r}, snapshots, acks) == std::set<std::uint32_t>{0, 3, 5, 10});
  streams.partitions = 0;
  CHECK(partitions_written(streams, {r}, snapshots, acks).empty());
}

TEST_CASE("the fence watches and reads the leases, and names the first one not held", "[writer][lease]") {
  CHECK(fence_commands({2, 9}) ==
        std::vector<redis_command>{{"WATCH", "{slawatch:p2}:lease", "{slawatch:p9}:lease"},
                                   {"MGET", "{slawatch:p2}:lease", "{slawatch:p9}:lease"}});
  auto all_mine = lease_not_held(test::parse_reply("*2\r\n$2\r\nme\r\n$2\r\nme\r\n").get(), {2, 9}, "me");
  REQUIRE(all_mine);
  CHECK_FALSE(*all_mine);
  auto taken = lease_not_held(test::parse_reply("*2\r\n$2\r\nme\r\n$5\r\nother\r\n").get(), {2, 9}, "me");
  REQUIRE(taken);
  CHECK(*taken == std::optional<std::uint32_t>{9});
  auto expired = lease_not_held(test::parse_reply("*2\r\n$-1\r\n$2\r\nme\r\n").get(), {2, 9}, "me");
  REQUIRE(expired);
  CHECK(*expired == std::optional<std::uint32_t>{2});
  CHECK_FALSE(lease_not_held(test::parse_reply("*1\r\n$2\r\nme\r\n").get(), {2, 9}, "me"));
  CHECK_FALSE(lease_not_held(test::parse_reply("-ERR loading\r\n").get(), {2}, "me"));
}

TEST_CASE("after a loss of Redis data the markers go with the transaction that saves the last case again",
          "[writer]") {
  writer_state st;
  const auto resave = [](const char* id) { return case_snapshot{id, "bytes", true, true}; };
  const auto queue = [&](case_snapshot s) {
    count_resave(st, s);
    st.snapshots[s.case_id] = s;
  };
  // Three cases held: one is saved again before the count arrives, then transactions are
  // written while the other two still come (each must leave the markers for the last one).
  queue(resave("CS-1"));
  expect_resaves(st, 3, {"{slawatch:p0}", "{slawatch:p1}"});
  CHECK(next_attempt(st).marker_tags.empty());
  queue(resave("CS-2"));
  CHECK(next_attempt(st).marker_tags.empty());
  queue(case_snapshot{"CS-9", "bytes", true, false});  // an ordinary save does not count
  CHECK(next_attempt(st).marker_tags.empty());
  queue(resave("CS-3"));
  const auto last = next_attempt(st);
  CHECK(last.marker_tags == std::vector<std::string>{"{slawatch:p0}", "{slawatch:p1}"});
  CHECK(last.snapshots.size() == 1);
  CHECK(next_attempt(st).marker_tags.empty());
}
