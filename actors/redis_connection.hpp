// One synchronous hiredis connection. Blocking: use it only from a thread of its own (a
// detached actor), never from an actor that others wait on. After any error the connection is
// unusable; throw it away and open a new one (with backoff, see `backoff`).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <hiredis/hiredis.h>

#include "actors/redis_reply.hpp"
#include "rules/expected.hpp"

namespace slawatch::actors {

/// Where and as whom to connect.
struct redis_endpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string user;      ///< ACL user; empty: `default`
  std::string password;  ///< empty: no AUTH
  int db = 0;
};

/// A command as its arguments, binary-safe.
using redis_command = std::vector<std::string>;

/// Appends `args` to `out` as the Redis protocol sends a command (RESP: an array of bulk strings).
void append_resp(std::string& out, const redis_command& args);

/// Not thread-safe: one owner at a time.
class redis_connection {
 public:
  /// Connects, authenticates and selects the database. `io_timeout` bounds every read and
  /// write on the socket (a blocking read must ask for less than this).
  static rules::expected<redis_connection, std::string> open(const redis_endpoint& where,
                                                             std::chrono::milliseconds io_timeout);

  /// Sends all commands in one pipeline and reads every reply, in order. Redis error replies
  /// are returned as replies; a failure means the connection broke and must be thrown away.
  rules::expected<std::vector<reply_ptr>, std::string> pipeline(const std::vector<redis_command>& commands);

  /// One command.
  rules::expected<reply_ptr, std::string> command(const redis_command& args);

 private:
  struct context_deleter {
    void operator()(redisContext* c) const noexcept { redisFree(c); }
  };
  explicit redis_connection(redisContext* c) : context_(c) {}
  std::unique_ptr<redisContext, context_deleter> context_;
};

/// Exponential backoff for reconnecting: 100 ms doubling up to 5 s; reset after a success.
class backoff {
 public:
  std::chrono::milliseconds next() {
    const auto d = delay_;
    delay_ = std::min(delay_ * 2, std::chrono::milliseconds{5000});
    return d;
  }
  void reset() { delay_ = std::chrono::milliseconds{100}; }

 private:
  std::chrono::milliseconds delay_{100};
};

}  // namespace slawatch::actors
