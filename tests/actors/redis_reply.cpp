// Redis replies decoded from protocol bytes, without a server.
#include <catch2/catch.hpp>

#include "actors/redis_reply.hpp"

#include "tests/actors/resp.hpp"

using namespace slawatch::actors;
using test::parse_reply;

TEST_CASE("an XREADGROUP reply gives the entries of every stream in order", "[redis_reply]") {
  const std::string bytes =
      "*2\r\n"
      "*2\r\n$6\r\nevents\r\n*2\r\n"
      "*2\r\n$3\r\n1-0\r\n*4\r\n$4\r\ntype\r\n$12\r\ncase.created\r\n$7\r\ncase_id\r\n$16\r\nCS-20250912-0042\r\n"
      "*2\r\n$3\r\n1-1\r\n*2\r\n$2\r\nts\r\n$0\r\n\r\n"
      "*2\r\n$5\r\nother\r\n*1\r\n"
      "*2\r\n$3\r\n7-0\r\n*2\r\n$1\r\na\r\n$4\r\nb\r\nc\r\n";
  auto reply = parse_reply(bytes);
  auto entries = decode_stream_read(reply.get());
  REQUIRE(entries);
  REQUIRE(entries->size() == 3);
  CHECK((*entries)[0].stream == "events");
  CHECK((*entries)[0].id == "1-0");
  REQUIRE((*entries)[0].fields.size() == 2);
  CHECK((*entries)[0].fields[0] == std::make_pair(std::string{"type"}, std::string{"case.created"}));
  CHECK((*entries)[0].fields[1].second == "CS-20250912-0042");
  CHECK((*entries)[1].fields[0] == std::make_pair(std::string{"ts"}, std::string{}));
  CHECK((*entries)[2].stream == "other");
  // Binary-safe: a value holding CR LF survives.
  CHECK((*entries)[2].fields[0].second == "b\r\nc");
}

TEST_CASE("a timed-out blocking read is no entries, not an error", "[redis_reply]") {
  auto reply = parse_reply("*-1\r\n");
  auto entries = decode_stream_read(reply.get());
  REQUIRE(entries);
  CHECK(entries->empty());
}

TEST_CASE("a pending entry deleted from its stream is marked deleted", "[redis_reply]") {
  auto reply = parse_reply("*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n5-0\r\n*-1\r\n");
  auto entries = decode_stream_read(reply.get());
  REQUIRE(entries);
  REQUIRE(entries->size() == 1);
  CHECK((*entries)[0].deleted);
  CHECK((*entries)[0].fields.empty());
}

TEST_CASE("error replies and wrong shapes are reported, not decoded", "[redis_reply]") {
  auto nogroup = parse_reply("-NOGROUP No such key 'events' or consumer group 'g'\r\n");
  auto a = decode_stream_read(nogroup.get());
  REQUIRE_FALSE(a);
  CHECK(a.error().rfind("NOGROUP", 0) == 0);
  CHECK(is_error_reply(nogroup.get(), "NOGROUP"));
  CHECK_FALSE(is_error_reply(nogroup.get(), "BUSYGROUP"));

  auto odd_fields = parse_reply("*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n5-0\r\n*1\r\n$1\r\nx\r\n");
  CHECK_FALSE(decode_stream_read(odd_fields.get()));

  auto integer = parse_reply(":3\r\n");
  CHECK_FALSE(decode_stream_read(integer.get()));
}

TEST_CASE("XPENDING summary and integer replies", "[redis_reply]") {
  auto summary = parse_reply("*4\r\n:2\r\n$3\r\n1-0\r\n$3\r\n2-0\r\n*1\r\n*2\r\n$1\r\nc\r\n$1\r\n2\r\n");
  auto count = decode_pending_count(summary.get());
  REQUIRE(count);
  CHECK(*count == 2);

  auto empty = parse_reply("*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n");
  auto zero = decode_pending_count(empty.get());
  REQUIRE(zero);
  CHECK(*zero == 0);

  auto acked = parse_reply(":5\r\n");
  REQUIRE(decode_integer(acked.get()));
  CHECK(*decode_integer(acked.get()) == 5);
  auto status = parse_reply("+OK\r\n");
  CHECK_FALSE(decode_integer(status.get()));
  CHECK(reply_text(status.get()) == "OK");
}
