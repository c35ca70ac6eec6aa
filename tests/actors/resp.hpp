// Redis replies from protocol bytes for the tests of pure reply decoders: no server needed.
#pragma once

#include <string>

#include <hiredis/hiredis.h>

#include <catch2/catch.hpp>

#include "actors/redis_reply.hpp"

namespace slawatch::actors::test {

/// Feeds RESP bytes to a hiredis reader and returns the one reply they hold.
inline reply_ptr parse_reply(const std::string& bytes) {
  redisReader* reader = redisReaderCreate();
  REQUIRE(redisReaderFeed(reader, bytes.data(), bytes.size()) == REDIS_OK);
  void* reply = nullptr;
  REQUIRE(redisReaderGetReply(reader, &reply) == REDIS_OK);
  redisReaderFree(reader);
  REQUIRE(reply != nullptr);
  return reply_ptr{static_cast<redisReply*>(reply)};
}

/// `s` as a RESP bulk string.
inline std::string bulk(const std::string& s) { return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n"; }

}  // namespace slawatch::actors::test
