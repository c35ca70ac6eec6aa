// The Redis protocol encoding of commands, checked byte for byte without a server.
#include <catch2/catch.hpp>

#include "actors/redis_connection.hpp"

using namespace slawatch::actors;

TEST_CASE("commands are encoded as RESP arrays of bulk strings, binary-safe", "[redis]") {
  std::string out;
  append_resp(out, {"SET", "k", std::string{"a\r\n\0b", 5}});
  CHECK(out == std::string{"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\na\r\n\0b\r\n", 31});
  append_resp(out, {"PING"});
  CHECK(out.substr(31) == "*1\r\n$4\r\nPING\r\n");
  std::string empty;
  append_resp(empty, {"GET", ""});
  CHECK(empty == "*2\r\n$3\r\nGET\r\n$0\r\n\r\n");
}
