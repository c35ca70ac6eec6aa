#include "actors/redis_connection.hpp"

#include <sys/time.h>

namespace slawatch::actors {

namespace {

timeval to_timeval(std::chrono::milliseconds d) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(d.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((d.count() % 1000) * 1000);
  return tv;
}

}  // namespace

void append_resp(std::string& out, const redis_command& args) {
  out += '*';
  out += std::to_string(args.size());
  out += "\r\n";
  for (const auto& arg : args) {
    out += '$';
    out += std::to_string(arg.size());
    out += "\r\n";
    out += arg;
    out += "\r\n";
  }
}

rules::expected<redis_connection, std::string> redis_connection::open(
    const redis_endpoint& where, std::chrono::milliseconds io_timeout) {
  using result = rules::expected<redis_connection, std::string>;
  redisContext* raw = redisConnectWithTimeout(where.host.c_str(), where.port, to_timeval(io_timeout));
  if (raw == nullptr) return result::failure("cannot allocate a Redis context");
  redis_connection conn{raw};
  const std::string address = where.host + ":" + std::to_string(where.port);
  if (raw->err != 0) return result::failure("cannot connect to " + address + ": " + raw->errstr);
  if (redisSetTimeout(raw, to_timeval(io_timeout)) != REDIS_OK)
    return result::failure("cannot set the socket timeout for " + address);
  std::vector<redis_command> setup;
  if (!where.password.empty()) {
    if (where.user.empty())
      setup.push_back({"AUTH", where.password});
    else
      setup.push_back({"AUTH", where.user, where.password});
  }
  if (where.db != 0) setup.push_back({"SELECT", std::to_string(where.db)});
  if (!setup.empty()) {
    auto replies = conn.pipeline(setup);
    if (!replies) return result::failure(replies.error());
    for (const auto& r : *replies)
      if (r->type == REDIS_REPLY_ERROR)
        return result::failure("Redis at " + address + " refused the connection setup: " + reply_text(r.get()));
  }
  return conn;
}

rules::expected<std::vector<reply_ptr>, std::string> redis_connection::pipeline(
    const std::vector<redis_command>& commands) {
  using result = rules::expected<std::vector<reply_ptr>, std::string>;
  redisContext* c = context_.get();
  // The whole pipeline encoded once, in a buffer of the right size, and handed to hiredis in one
  // piece: appending command by command grew its output buffer step by step (a megabyte of
  // snapshots copied again and again; 10 % of the daemon's CPU under ingest).
  std::size_t size = 0;
  for (const auto& cmd : commands) {
    size += 16;
    for (const auto& arg : cmd) size += arg.size() + 16;
  }
  std::string resp;
  resp.reserve(size);
  for (const auto& cmd : commands) append_resp(resp, cmd);
  if (!commands.empty() && redisAppendFormattedCommand(c, resp.data(), resp.size()) != REDIS_OK)
    return result::failure(std::string{"Redis: "} + c->errstr);
  std::vector<reply_ptr> replies;
  replies.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(c, &raw) != REDIS_OK || raw == nullptr)
      return result::failure(std::string{"Redis: "} + (c->err != 0 ? c->errstr : "no reply"));
    replies.emplace_back(static_cast<redisReply*>(raw));
  }
  return replies;
}

rules::expected<reply_ptr, std::string> redis_connection::command(const redis_command& args) {
  using result = rules::expected<reply_ptr, std::string>;
  auto replies = pipeline({args});
  if (!replies) return result::failure(replies.error());
  return std::move((*replies)[0]);
}

}  // namespace slawatch::actors
