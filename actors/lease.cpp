#include "actors/lease.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/keys.hpp"
#include "actors/messages.hpp"
#include "rules/lease_plan.hpp"
#include "rules/partition.hpp"

namespace slawatch::actors {

namespace {

using lease_ptr = caf::stateful_actor<lease_state>*;
using round_atom = caf::atom_constant<caf::atom("leaseround")>;

// KEYS[1] lease, KEYS[2] the partition's marker (same hash tag); ARGV[1] consumer, ARGV[2] ttl ms.
// Lease and marker both gone: Redis lost its data (an expired lease leaves the marker), so
// nobody else can have the partition's state: taken again.
constexpr const char* renew_script = R"lua(local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if holder == false and redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 2
end
return 0)lua";

// KEYS[1] lease; ARGV[1] consumer.
constexpr const char* release_script = R"lua(if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0)lua";

std::string lease_key(std::uint32_t partition) { return keys::lease(keys::partition_tag(partition)); }

std::int64_t unix_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::chrono::milliseconds renew_interval(const lease_settings& s) {
  return std::max(std::chrono::milliseconds{100}, s.ttl / 3);
}

void drop_connection(lease_state& st, const std::string& why) {
  spdlog::warn("lease: {}; reconnecting", why);
  st.connection.reset();
  st.stats->redis_error("lease");
}

/// A lease this instance held is gone or another's: processing its partition further could
/// apply entries twice or out of order. Reported, then the process is ended by `lost`.
void lease_lost(lease_state& st, std::uint32_t partition) {
  st.settings.persistence->lease_lost();
  const auto message = "lease of partition " + std::to_string(partition) +
                       " lost: it expired or another instance took it (this one was stalled or cut off from "
                       "Redis for over the lease TTL of " +
                       std::to_string(st.settings.ttl.count()) +
                       " ms); stopping at once so as not to process a partition another instance owns";
  spdlog::error("{}", message);
  spdlog::default_logger()->flush();
  st.settings.lost(message);
}

/// Renews every owned lease. False if Redis failed.
bool renew(lease_state& st) {
  if (st.owned.empty()) return true;
  std::vector<redis_command> commands;
  std::vector<std::uint32_t> order(st.owned.begin(), st.owned.end());
  for (const auto p : order) commands.push_back(renew_lease_command(p, st.settings.consumer, st.settings.ttl));
  auto replies = st.connection->pipeline(commands);
  if (!replies) {
    drop_connection(st, replies.error());
    return false;
  }
  for (std::size_t i = 0; i < order.size(); ++i) {
    auto found = decode_renewal((*replies)[i].get());
    if (!found) {
      drop_connection(st, "renewing the lease of partition " + std::to_string(order[i]) + ": " + found.error());
      return false;
    }
    if (*found == renewal::lost) {
      lease_lost(st, order[i]);
      return false;
    }
    if (*found == renewal::retaken_after_data_loss)
      spdlog::warn("lease: the lease of partition {} and its marker were gone (Redis lost its data); taken again",
                   order[i]);
  }
  return true;
}

/// Takes free partitions up to the fair share among `live` instances; returns those won.
std::vector<std::uint32_t> acquire(lease_state& st, std::uint32_t live) {
  std::vector<std::uint32_t> won;
  auto replies = st.connection->pipeline(lease_holder_commands(st.settings.partitions));
  if (!replies) {
    drop_connection(st, replies.error());
    return won;
  }
  auto holders = decode_lease_holders(*replies, st.settings.consumer);
  if (!holders) {
    drop_connection(st, holders.error());
    return won;
  }
  std::set<std::uint32_t> others;
  for (const auto& [p, holder] : holders->by_others) others.insert(p);
  const auto plan = rules::plan_leases(st.settings.partitions, live, st.owned, others,
                                       rules::fnv1a_64(st.settings.consumer));
  for (const auto p : plan.acquire) {
    auto reply = st.connection->command(acquire_lease_command(p, st.settings.consumer, st.settings.ttl));
    if (!reply) {
      drop_connection(st, reply.error());
      break;
    }
    auto taken = decode_acquired(reply->get());
    if (!taken) {
      drop_connection(st, "acquiring the lease of partition " + std::to_string(p) + ": " + taken.error());
      break;
    }
    if (!*taken) continue;  // another instance was quicker
    st.owned.insert(p);
    won.push_back(p);
    st.settings.persistence->lease_acquired();
    if (auto it = st.held_by_others.find(p); it != st.held_by_others.end())
      spdlog::info("lease: took over partition {} from {} (its lease expired: that instance stopped renewing)", p,
                   it->second);
    else
      spdlog::info("lease: acquired partition {}", p);
  }
  // Remembered until someone holds the partition again, so that a lease that expired a round
  // before it could be taken (the dead instance still counted live) is still logged as a takeover.
  for (auto& [p, holder] : holders->by_others) st.held_by_others[p] = std::move(holder);
  for (const auto p : st.owned) st.held_by_others.erase(p);
  return won;
}

void run_round(lease_ptr self) {
  auto& st = self->state;
  if (st.released) return;
  self->delayed_send(self, renew_interval(st.settings), round_atom::value);
  ++st.rounds;
  if (!st.connection) {
    auto opened = redis_connection::open(st.settings.endpoint, std::max(std::chrono::milliseconds{1000}, renew_interval(st.settings)));
    if (!opened) {
      spdlog::warn("lease: {}", opened.error());
      st.stats->redis_error("lease");
      return;
    }
    st.connection.emplace(std::move(*opened));
  }
  // Every lease renewed or taken in this round expires no earlier than a TTL after this.
  const auto round_start = std::chrono::steady_clock::now();
  auto beat = st.connection->pipeline(heartbeat_commands(st.settings.consumer, std::chrono::system_clock::now(),
                                                         st.settings.ttl));
  if (!beat) {
    drop_connection(st, beat.error());
    return;
  }
  auto live = decode_live_instances(*beat);
  if (!live) {
    drop_connection(st, "heartbeat: " + live.error());
    return;
  }
  if (!renew(st)) return;
  st.settings.persistence->set_leases_valid_until(round_start + st.settings.ttl);
  if (*live != st.last_live) {
    st.last_live = *live;
    st.stable_rounds = 0;
  }
  ++st.stable_rounds;
  // The first acquisition waits until the number of live instances stayed the same for a TTL
  // (three renew intervals): instances starting together all count each other before any of
  // them takes a partition, even when their starts are spread over a few seconds.
  if (!st.handed_over && st.stable_rounds < 4) return;
  auto won = acquire(st, *live);
  if (!st.connection) return;
  st.settings.persistence->set_partitions_owned(st.owned.size());
  if (!won.empty() || !st.handed_over) {
    if (!won.empty())
      spdlog::info("lease: owns {} of {} partitions ({} live instance(s)); new: {}", st.owned.size(),
                   st.settings.partitions, *live, partition_list(won));
    self->send(st.settings.ingest, lease_atom::value, std::move(won));
    st.handed_over = true;
  }
}

}  // namespace

std::string partition_list(const std::vector<std::uint32_t>& partitions) {
  std::string out;
  for (const auto p : partitions) out += (out.empty() ? "" : " ") + std::to_string(p);
  return out;
}

redis_command acquire_lease_command(std::uint32_t partition, const std::string& consumer,
                                    std::chrono::milliseconds ttl) {
  return {"SET", lease_key(partition), consumer, "NX", "PX", std::to_string(ttl.count())};
}

rules::expected<bool, std::string> decode_acquired(const redisReply* reply) {
  using result = rules::expected<bool, std::string>;
  if (reply == nullptr) return result::failure("no reply");
  if (reply->type == REDIS_REPLY_NIL) return false;
  if (reply->type == REDIS_REPLY_STATUS && reply_text(reply) == "OK") return true;
  if (reply->type == REDIS_REPLY_ERROR) return result::failure(reply_text(reply));
  return result::failure("SET NX: expected OK or nil");
}

redis_command renew_lease_command(std::uint32_t partition, const std::string& consumer,
                                  std::chrono::milliseconds ttl) {
  const auto tag = keys::partition_tag(partition);
  return {"EVAL", renew_script, "2", keys::lease(tag), keys::marker(tag), consumer, std::to_string(ttl.count())};
}

rules::expected<renewal, std::string> decode_renewal(const redisReply* reply) {
  using result = rules::expected<renewal, std::string>;
  auto n = decode_integer(reply);
  if (!n) return result::failure(n.error());
  switch (*n) {
    case 0:
      return renewal::lost;
    case 1:
      return renewal::renewed;
    case 2:
      return renewal::retaken_after_data_loss;
    default:
      return result::failure("renew script: unexpected reply " + std::to_string(*n));
  }
}

redis_command release_lease_command(std::uint32_t partition, const std::string& consumer) {
  return {"EVAL", release_script, "1", lease_key(partition), consumer};
}

std::vector<redis_command> heartbeat_commands(const std::string& consumer, std::chrono::system_clock::time_point now,
                                              std::chrono::milliseconds ttl) {
  const auto set = keys::instances();
  return {{"ZADD", set, std::to_string(unix_ms(now + ttl)), consumer},
          {"ZREMRANGEBYSCORE", set, "-inf", std::to_string(unix_ms(now))},
          {"ZCARD", set}};
}

rules::expected<std::uint32_t, std::string> decode_live_instances(const std::vector<reply_ptr>& replies) {
  using result = rules::expected<std::uint32_t, std::string>;
  if (replies.size() != 3) return result::failure("heartbeat: expected 3 replies");
  for (const auto& r : replies)
    if (r->type == REDIS_REPLY_ERROR) return result::failure(reply_text(r.get()));
  auto n = decode_integer(replies[2].get());
  if (!n) return result::failure(n.error());
  if (*n < 0) return result::failure("ZCARD: negative");
  return static_cast<std::uint32_t>(*n);
}

std::vector<redis_command> lease_holder_commands(std::uint32_t partitions) {
  std::vector<redis_command> out;
  out.reserve(partitions);
  for (std::uint32_t p = 0; p < partitions; ++p) out.push_back({"GET", lease_key(p)});
  return out;
}

rules::expected<lease_holders, std::string> decode_lease_holders(const std::vector<reply_ptr>& replies,
                                                                 const std::string& consumer) {
  using result = rules::expected<lease_holders, std::string>;
  lease_holders out;
  for (std::size_t i = 0; i < replies.size(); ++i) {
    const redisReply* r = replies[i].get();
    const auto p = static_cast<std::uint32_t>(i);
    if (r->type == REDIS_REPLY_NIL) continue;
    if (r->type != REDIS_REPLY_STRING)
      return result::failure("lease of partition " + std::to_string(p) + ": " +
                             (r->type == REDIS_REPLY_ERROR ? reply_text(r) : std::string{"not a string"}));
    std::string holder(r->str, r->len);
    if (holder == consumer)
      out.owned.insert(p);
    else
      out.by_others.emplace(p, std::move(holder));
  }
  return out;
}

caf::behavior lease_actor(lease_ptr self, lease_settings settings, std::shared_ptr<metrics> stats) {
  self->state.settings = std::move(settings);
  self->state.stats = std::move(stats);
  self->send(self, round_atom::value);
  return {
      [=](round_atom) { run_round(self); },
      [=](release_atom) -> std::uint64_t {
        auto& st = self->state;
        st.released = true;
        std::uint64_t released = 0;
        if (!st.connection) {
          auto opened = redis_connection::open(st.settings.endpoint, std::chrono::seconds{5});
          if (opened) st.connection.emplace(std::move(*opened));
        }
        if (st.connection) {
          std::vector<redis_command> commands;
          for (const auto p : st.owned) commands.push_back(release_lease_command(p, st.settings.consumer));
          commands.push_back({"ZREM", keys::instances(), st.settings.consumer});
          auto replies = st.connection->pipeline(commands);
          if (replies)
            for (std::size_t i = 0; i + 1 < replies->size(); ++i)
              if (auto n = decode_integer((*replies)[i].get()); n && *n == 1) ++released;
        }
        if (released == st.owned.size())
          spdlog::info("lease: released {} partition(s)", released);
        else
          spdlog::warn("lease: released {} of {} partition(s); the others expire after the lease TTL", released,
                       st.owned.size());
        st.owned.clear();
        st.settings.persistence->set_partitions_owned(0);
        self->quit();
        return released;
      },
  };
}

}  // namespace slawatch::actors
