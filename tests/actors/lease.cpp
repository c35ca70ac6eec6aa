// Lease commands and the decoding of their replies (from protocol bytes, no server).
#include "actors/lease.hpp"

#include <catch2/catch.hpp>

#include "tests/actors/resp.hpp"

using namespace slawatch;
using namespace slawatch::actors;
using test::bulk;
using test::parse_reply;

namespace {

std::vector<reply_ptr> replies_of(const std::vector<std::string>& each) {
  std::vector<reply_ptr> out;
  for (const auto& bytes : each) out.push_back(parse_reply(bytes));
  return out;
}

}  // namespace

TEST_CASE("a lease is acquired with SET NX PX under the partition's hash tag", "[lease]") {
  CHECK(acquire_lease_command(7, "host-a-12", std::chrono::seconds{10}) ==
        redis_command{"SET", "{slawatch:p7}:lease", "host-a-12", "NX", "PX", "10000"});
  auto taken = decode_acquired(parse_reply("+OK\r\n").get());
  REQUIRE(taken);
  CHECK(*taken);
  auto held = decode_acquired(parse_reply("$-1\r\n").get());
  REQUIRE(held);
  CHECK_FALSE(*held);
  auto error = decode_acquired(parse_reply("-READONLY You can't write against a read only replica.\r\n").get());
  REQUIRE_FALSE(error);
  CHECK(error.error().find("READONLY") != std::string::npos);
  CHECK_FALSE(decode_acquired(parse_reply(":1\r\n").get()));
}

TEST_CASE("renewal compares the holder and names lease and marker of one partition", "[lease]") {
  const auto cmd = renew_lease_command(3, "b", std::chrono::milliseconds{2000});
  REQUIRE(cmd.size() == 7);
  CHECK(cmd[0] == "EVAL");
  CHECK(cmd[1].find("PEXPIRE") != std::string::npos);
  CHECK(cmd[2] == "2");
  CHECK(cmd[3] == "{slawatch:p3}:lease");
  CHECK(cmd[4] == "{slawatch:p3}:marker");
  CHECK(cmd[5] == "b");
  CHECK(cmd[6] == "2000");
  CHECK(*decode_renewal(parse_reply(":1\r\n").get()) == renewal::renewed);
  CHECK(*decode_renewal(parse_reply(":2\r\n").get()) == renewal::retaken_after_data_loss);
  CHECK(*decode_renewal(parse_reply(":0\r\n").get()) == renewal::lost);
  CHECK_FALSE(decode_renewal(parse_reply(":7\r\n").get()));
  CHECK_FALSE(decode_renewal(parse_reply("-NOSCRIPT no script\r\n").get()));
}

TEST_CASE("release deletes the lease only for its holder", "[lease]") {
  const auto cmd = release_lease_command(15, "c");
  REQUIRE(cmd.size() == 5);
  CHECK(cmd[0] == "EVAL");
  CHECK(cmd[1].find("DEL") != std::string::npos);
  CHECK(cmd[1].find("ARGV[1]") != std::string::npos);
  CHECK(cmd[2] == "1");
  CHECK(cmd[3] == "{slawatch:p15}:lease");
  CHECK(cmd[4] == "c");
}

TEST_CASE("the heartbeat announces this instance, forgets expired ones and counts the live", "[lease]") {
  const std::chrono::system_clock::time_point now{std::chrono::milliseconds{1700000000123}};
  const auto cmds = heartbeat_commands("a", now, std::chrono::seconds{10});
  CHECK(cmds == std::vector<redis_command>{{"ZADD", "slawatch:instances", "1700000010123", "a"},
                                           {"ZREMRANGEBYSCORE", "slawatch:instances", "-inf", "1700000000123"},
                                           {"ZCARD", "slawatch:instances"}});
  CHECK(*decode_live_instances(replies_of({":0\r\n", ":1\r\n", ":3\r\n"})) == 3u);
  CHECK_FALSE(decode_live_instances(replies_of({":1\r\n", ":0\r\n"})));
  CHECK_FALSE(decode_live_instances(replies_of({"-OOM command not allowed\r\n", ":0\r\n", ":3\r\n"})));
  CHECK_FALSE(decode_live_instances(replies_of({":1\r\n", ":0\r\n", "+QUEUED\r\n"})));
}

TEST_CASE("lease holders split into this instance's partitions, others' and free ones", "[lease]") {
  CHECK(lease_holder_commands(3) ==
        std::vector<redis_command>{{"GET", "{slawatch:p0}:lease"}, {"GET", "{slawatch:p1}:lease"},
                                   {"GET", "{slawatch:p2}:lease"}});
  auto holders = decode_lease_holders(replies_of({bulk("me"), "$-1\r\n", bulk("other-7"), bulk("me")}), "me");
  REQUIRE(holders);
  CHECK(holders->owned == std::set<std::uint32_t>{0, 3});
  CHECK(holders->by_others == std::map<std::uint32_t, std::string>{{2, "other-7"}});
  auto wrong = decode_lease_holders(replies_of({"$-1\r\n", "-WRONGTYPE Operation against a key\r\n"}), "me");
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().find("partition 1") != std::string::npos);
}

TEST_CASE("partitions are listed for logs by number", "[lease]") {
  CHECK(partition_list({0, 3, 15}) == "0 3 15");
  CHECK(partition_list({}).empty());
}
