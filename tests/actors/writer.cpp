// The writer's commands, built without a server.
#include <catch2/catch.hpp>

#include "actors/writer.hpp"

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
  const auto cmd = xadd_record(stream_for(streams, r), r);
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
