#include "actors/ingest.hpp"

#include <deque>
#include <map>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/keys.hpp"
#include "actors/lease.hpp"
#include "actors/recovery.hpp"
#include "rules/codec.hpp"

namespace slawatch::actors {

namespace {

/// How often the consumer group's pending count is sampled for slawatch_consumer_pending.
constexpr std::chrono::seconds pending_sample_interval{5};
/// Leased: how long before its leases may expire an instance stops reading its partitions (on
/// top of the longest a read blocks): room for the clock of Redis and ours to differ a little.
constexpr std::chrono::milliseconds lease_read_margin{100};

// KEYS: n leases, then the n streams they fence; ARGV: consumer, group, count, n ids.
constexpr const char* fenced_read_script = R"lua(local n = #KEYS / 2
for i = 1, n do
  if redis.call('GET', KEYS[i]) ~= ARGV[1] then return redis.error_reply('LEASELOST ' .. KEYS[n + i]) end
end
local read, last = {}, {}
for i = 1, n do
  local r = redis.call('XREADGROUP', 'GROUP', ARGV[2], ARGV[1], 'COUNT', ARGV[3], 'STREAMS', KEYS[n + i], ARGV[3 + i])
  if r then read[#read + 1] = r[1] end
  local top = redis.call('XREVRANGE', KEYS[n + i], '+', '-', 'COUNT', 1)
  last[i] = top[1] and top[1][1] or '0-0'
end
return {read, last})lua";

// KEYS[1] lease, KEYS[2] stream; ARGV: consumer, group, min-idle-ms, start, count.
constexpr const char* fenced_claim_script = R"lua(if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('LEASELOST ' .. KEYS[2])
end
return redis.call('XAUTOCLAIM', KEYS[2], ARGV[2], ARGV[1], ARGV[3], ARGV[4], 'COUNT', ARGV[5]))lua";

/// A fenced command failed because a lease is another's (or gone).
bool is_lease_lost(const redisReply* reply) {
  return reply != nullptr && reply->type == REDIS_REPLY_ERROR &&
         reply_text(reply).find("LEASELOST") != std::string::npos;
}

std::string type_field(const entry_fields& fields) {
  for (const auto& [name, value] : fields)
    if (name == "type" && rules::parse_event_type(value)) return value;
  return "unknown";
}

class ingest_loop {
 public:
  ingest_loop(caf::blocking_actor* self, ingest_settings settings, caf::actor router, caf::actor writer,
              std::shared_ptr<metrics> stats)
      : self_(self),
        settings_(std::move(settings)),
        router_(std::move(router)),
        writer_(std::move(writer)),
        stats_(std::move(stats)) {
    if (settings_.leased) return;  // the lease manager hands partitions over
    // Every stream at once; pending entries of this consumer (left by an earlier run under the
    // same name) first.
    streams_ = settings_.streams.input;
    cursors_.assign(streams_.size(), "0");
    if (!settings_.persistence) return;  // nothing saved to load
    const std::uint32_t count = std::max<std::uint32_t>(1, settings_.partitions);
    for (std::uint32_t p = 0; p < count; ++p) to_load_.push_back(p);
  }

  /// Returns whether every entry read was acknowledged.
  bool run() {
    while (!stopping_) {
      drain_mailbox(std::chrono::milliseconds{0});
      if (stopping_) break;
      if (!connection_ && !connect()) {
        drain_mailbox(retry_.next());
        continue;
      }
      if (!to_load_.empty() || recovery_round_) {
        if (!load_partitions()) continue;
      }
      if (in_flight_ >= settings_.max_in_flight) {
        drain_mailbox(std::chrono::seconds{1});
        // Still waiting for the writer: make sure Redis is there, so that a Redis gone away is
        // reported (not ready) while nothing is read.
        if (in_flight_ >= settings_.max_in_flight && !stopping_) {
          auto pong = connection_->command({"PING"});
          if (!pong) drop_connection(pong.error());
        }
        continue;
      }
      read_once();
      sample_pending();
    }
    const auto deadline = std::chrono::steady_clock::now() + settings_.shutdown_timeout;
    while (in_flight_ > 0 && std::chrono::steady_clock::now() < deadline)
      drain_mailbox(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    if (in_flight_ > 0) spdlog::error("ingest: {} entries still unacknowledged at shutdown", in_flight_);
    return in_flight_ == 0;
  }

 private:
  /// Handles what the mailbox holds; waits up to `wait` for the first message.
  void drain_mailbox(std::chrono::milliseconds wait) {
    bool more = true;
    while (more) {
      self_->receive(
          [&](acked_atom, std::uint64_t count) {
            in_flight_ -= std::min<std::uint64_t>(count, in_flight_);
            stats_->set_in_flight(static_cast<double>(in_flight_));
          },
          [&](lease_atom, const std::vector<std::uint32_t>& won) {
            to_load_.insert(to_load_.end(), won.begin(), won.end());
            if (!recovered_once_) recovery_round_ = true;
          },
          [&](stop_atom) { stopping_ = true; },
          caf::after(wait) >> [&] { more = false; });
      wait = std::chrono::milliseconds{0};
    }
  }

  bool connect() {
    // The socket timeout must outlast a blocking read.
    auto opened = redis_connection::open(settings_.endpoint, settings_.block + std::chrono::seconds{10});
    if (!opened) {
      spdlog::warn("ingest: {}", opened.error());
      stats_->redis_error("reader");
      return false;
    }
    std::vector<redis_command> create;
    const std::string start = settings_.streams.start_from == "new" ? "$" : "0";
    for (const auto& s : settings_.streams.input)
      create.push_back({"XGROUP", "CREATE", s, settings_.streams.group, start, "MKSTREAM"});
    auto replies = opened->pipeline(create);
    if (!replies) {
      spdlog::warn("ingest: {}", replies.error());
      stats_->redis_error("reader");
      return false;
    }
    for (std::size_t i = 0; i < replies->size(); ++i) {
      const auto* r = (*replies)[i].get();
      if (r->type == REDIS_REPLY_ERROR && !is_error_reply(r, "BUSYGROUP")) {
        spdlog::error("ingest: cannot create group {} on {}: {}", settings_.streams.group,
                      settings_.streams.input[i], reply_text(r));
        stats_->redis_error("reader");
        return false;
      }
    }
    if (settings_.persistence && !check_markers(*opened)) return false;
    connection_.emplace(std::move(*opened));
    stats_->redis_connected("reader", true);
    retry_.reset();
    spdlog::info("ingest: reading {} of {} stream(s) as {} in group {}", streams_.size(),
                 settings_.streams.input.size(), settings_.consumer, settings_.streams.group);
    return true;
  }

  /// Loads the snapshots of the partitions handed over (or, not leased, of all of them) and
  /// waits until the router respawned the cases; then their streams are read (leased: after
  /// every entry pending in them is claimed). False if Redis failed (what is left is retried).
  bool load_partitions() {
    if (!settings_.persistence) {  // nothing saved to load: read at once
      for (const auto p : to_load_)
        for (auto& stream : streams_of_partition(settings_.streams.input, settings_.partitions, p)) {
          streams_.push_back(std::move(stream));
          cursors_.push_back(">");
        }
      to_load_.clear();
      recovery_round_ = false;
      return true;
    }
    const auto started = std::chrono::steady_clock::now();
    recovery_counts total;
    std::vector<std::uint32_t> loaded;
    while (!to_load_.empty()) {
      const auto p = to_load_.front();
      const auto tag = keys::partition_tag(p);
      spdlog::info("recovery: loading the snapshots of {}", tag);
      auto counts = load_partition(*connection_, tag, settings_.load_batch, std::chrono::system_clock::now(),
                                   *settings_.persistence,
                                   [&](restore_msg msg) { self_->send(router_, std::move(msg)); });
      if (!counts) {
        drop_connection("recovery: " + counts.error());
        return false;
      }
      to_load_.pop_front();
      loaded.push_back(p);
      loaded_tags_.push_back(tag);
      if (!counts->marker_present && counts->open + counts->closed + counts->missing > 0)
        spdlog::error("recovery: the marker of {} is missing but snapshots are there: Redis lost part of its data "
                      "(restored from an old backup, keys evicted or deleted?); what is left is used",
                      tag);
      if (counts->missing > 0)
        spdlog::error("recovery: {} cases of the open/closed indexes of {} have no snapshot (evicted or deleted?)",
                      counts->missing, tag);
      if (counts->unreadable > 0)
        spdlog::error("recovery: {} snapshots of {} unreadable and left out (see slawatch_snapshot_errors_total)",
                      counts->unreadable, tag);
      total.open += counts->open;
      total.closed += counts->closed;
    }
    // The router handles messages in order: its answer means every restore was handled.
    std::uint64_t live = 0;
    self_->request(router_, caf::infinite, restored_atom::value)
        .receive([&](std::uint64_t n) { live = n; },
                 [&](caf::error& e) { spdlog::error("recovery: router: {}", caf::to_string(e)); });
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    spdlog::info("recovery: {} open and {} closed cases loaded, {} case actors live, in {:.3f} s (partitions {})",
                 total.open, total.closed, live, took.count(), partition_list(loaded));
    if (settings_.leased) {
      // Owned now: whatever is pending in these streams is this instance's to apply, oldest
      // first, before any new entry of them.
      for (const auto p : loaded)
        for (auto& stream : streams_of_partition(settings_.streams.input, settings_.partitions, p))
          claiming_.push_back({std::move(stream), keys::lease(keys::partition_tag(p)), "0-0"});
    }
    recovery_round_ = false;
    recovered_once_ = true;
    settings_.persistence->recovery_done(total.open, total.closed, took);
    return true;
  }

  /// After a reconnect: a partition's marker gone means Redis restarted empty or was flushed
  /// while this daemon held cases. Reported loudly; every case held is saved again. False if
  /// Redis failed.
  bool check_markers(redis_connection& redis) {
    if (settings_.persistence->data_lost()) return true;
    std::vector<std::string> missing;
    for (const auto& tag : loaded_tags_) {
      auto present = marker_exists(redis, tag);
      if (!present) {
        spdlog::warn("ingest: {}", present.error());
        stats_->redis_error("reader");
        return false;
      }
      if (!*present) missing.push_back(keys::marker(tag));
    }
    if (missing.empty()) return true;
    settings_.persistence->set_data_lost(true);
    std::uint64_t count = 0;
    self_->request(router_, caf::infinite, persist_atom::value)
        .receive([&](std::uint64_t n) { count = n; },
                 [&](caf::error& e) { spdlog::error("ingest: router: {}", caf::to_string(e)); });
    spdlog::error("Redis LOST ITS DATA: the marker {} is gone{} (Redis restarted empty or was flushed). Snapshots, "
                  "output entries and input entries not yet read that it held are lost; saving the {} cases held "
                  "in memory again; not ready until done",
                  missing.front(),
                  missing.size() > 1 ? " with " + std::to_string(missing.size() - 1) + " other(s)" : std::string{},
                  count);
    self_->send(writer_, persist_atom::value, count, loaded_tags_);
    return true;
  }

  /// Claims entries of `stream` from `cursor` on (XAUTOCLAIM, entries pending at least
  /// `min_idle`; start with `0-0`) and hands them on, adding their number to `claimed`. Returns
  /// true once the stream is done (XAUTOCLAIM's cursor came back to `0-0`); false when it stopped
  /// first, at the in-flight bound (`cursor` says where to go on; it may not have started), at a
  /// lost lease or at a Redis failure (the connection is dropped).
  /// `lease` (leased only, else empty) fences the claim (fenced_claim_command): if it is lost,
  /// nothing is claimed and `lease_lost_` is set.
  bool claim_from(const std::string& stream, const std::string& lease, std::string& cursor,
                  std::chrono::milliseconds min_idle, std::size_t& claimed) {
    while (true) {
      if (in_flight_ >= settings_.max_in_flight) return false;  // the rest at the next round
      const auto count = std::min(settings_.batch_size, settings_.max_in_flight - in_flight_);
      const auto& group = settings_.streams.group;
      auto reply = connection_->command(
          lease.empty() ? xautoclaim_command(stream, group, settings_.consumer, min_idle, cursor, count)
                        : fenced_claim_command(lease, stream, group, settings_.consumer, min_idle, cursor, count));
      if (!reply) {
        drop_connection(reply.error());
        return false;
      }
      if (is_lease_lost(reply->get())) {
        note_lease_lost(reply->get());
        return false;
      }
      lease_lost_ = false;
      auto decoded = decode_autoclaim(reply->get(), stream);
      if (!decoded) {
        drop_connection(decoded.error());
        return false;
      }
      cursor = decoded->next;
      claimed += decoded->entries.size();
      for (auto& e : decoded->entries) dispatch(std::move(e));
      if (cursor == "0-0") return true;
    }
  }

  /// Leased: claims every entry pending in the streams of partitions just taken over, whoever
  /// holds it; a stream is read for new entries once that is done.
  void claim_taken_over() {
    std::size_t claimed = 0;
    while (!claiming_.empty() && connection_) {
      auto& c = claiming_.front();
      // Not done: the in-flight bound (maybe before the first claim), a lost lease, Redis failed.
      if (!claim_from(c.stream, c.lease, c.cursor, std::chrono::milliseconds{0}, claimed)) break;
      streams_.push_back(std::move(c.stream));
      leases_.push_back(std::move(c.lease));
      cursors_.push_back(">");
      claiming_.pop_front();
    }
    if (claimed > 0) {
      spdlog::info("ingest: claimed {} entries pending in partitions taken over", claimed);
      settings_.persistence->claimed(claimed);
      stats_->set_in_flight(static_cast<double>(in_flight_));
    }
  }

  /// Every `claim_idle` (once the pending entries were read again): claims the entries other
  /// consumers left pending that long (they died) and handles them like new ones. While the
  /// in-flight bound stops a round before all are claimed, the next round comes at once and no new
  /// entry is read (claim_unfinished_), so that a case's older entries still go first.
  void claim_idle_entries() {
    // Leased too, as a safety net: reads and claims are fenced by the leases in Redis, so no
    // other instance should hold entries of this instance's partitions past the takeover claim.
    if (!settings_.persistence) return;
    const auto now = std::chrono::steady_clock::now();
    if (now < next_claim_ && !claim_unfinished_) return;
    next_claim_ = now + settings_.claim_idle;
    claim_unfinished_ = false;
    std::size_t claimed = 0;
    for (std::size_t i = 0; i < streams_.size(); ++i) {
      std::string cursor = "0-0";
      if (claim_from(streams_[i], settings_.leased ? leases_[i] : std::string{}, cursor, settings_.claim_idle,
                     claimed))
        continue;
      if (!connection_) return;
      claim_unfinished_ = true;  // the in-flight bound (maybe before the first claim) or a lost lease
      break;
    }
    if (claimed > 0) {
      spdlog::warn("ingest: claimed {} entries left pending by other consumers for over {} s", claimed,
                   settings_.claim_idle.count());
      settings_.persistence->claimed(claimed);
      stats_->set_in_flight(static_cast<double>(in_flight_));
    }
  }

  void drop_connection(const std::string& why) {
    spdlog::warn("ingest: {}; reconnecting", why);
    connection_.reset();
    stats_->redis_error("reader");
    stats_->redis_connected("reader", false);
  }

  void read_once() {
    // Leased: read (or claim) only while the leases are surely ours for the longest a read may
    // block, plus a margin. Past that (a stall, or renewals failing) this instance waits for the
    // lease manager, which renews or ends the process: an entry read now might belong to a
    // partition another instance took over, and its case would be applied here from the wrong
    // state.
    // (Redis checks the leases again before each read and claim: fenced_read_command.)
    if (settings_.leased && std::chrono::steady_clock::now() + settings_.block + lease_read_margin >=
                                settings_.persistence->leases_valid_until()) {
      drain_mailbox(settings_.block);
      return;
    }
    if (!claiming_.empty()) {
      claim_taken_over();
      if (!connection_ || !claiming_.empty()) return;
    }
    // Claim from dead consumers once this consumer's own pending entries are back, and before
    // new entries, so that a case's older entries are applied before its newer ones.
    if (std::all_of(cursors_.begin(), cursors_.end(), [](const auto& c) { return c == ">"; })) {
      claim_idle_entries();
      if (!connection_ || in_flight_ >= settings_.max_in_flight || claim_unfinished_) return;
    }
    if (streams_.empty()) {  // no partition owned (yet)
      drain_mailbox(settings_.block);
      return;
    }
    const auto room = settings_.max_in_flight - in_flight_;
    const auto count = std::min(settings_.batch_size, room);
    if (settings_.leased) {
      read_fenced(count);
      return;
    }
    const bool history = std::any_of(cursors_.begin(), cursors_.end(), [](const auto& c) { return c != ">"; });
    // Pending entries are there already: do not wait for them.
    const auto block = history ? std::chrono::milliseconds{1} : settings_.block;
    auto reply = connection_->command(
        xreadgroup_command(settings_.streams.group, settings_.consumer, count, block, streams_, cursors_));
    if (!reply) {
      drop_connection(reply.error());
      return;
    }
    auto entries = decode_stream_read(reply->get());
    if (!entries) {
      // NOGROUP after a Redis restart without data, for instance: set the group up again.
      drop_connection(entries.error());
      return;
    }
    if (history) advance_cursors(*entries);
    for (auto& e : *entries) dispatch(std::move(e));
    stats_->set_in_flight(static_cast<double>(in_flight_));
  }

  /// Leased: reads new entries of the partitions owned, fenced by their leases in Redis; when
  /// none came, waits (XREAD BLOCK, which takes nothing) for entries after the last ones seen.
  void read_fenced(std::size_t count) {
    auto reply = connection_->command(
        fenced_read_command(settings_.streams.group, settings_.consumer, count, leases_, streams_, cursors_));
    if (!reply) {
      drop_connection(reply.error());
      return;
    }
    if (is_lease_lost(reply->get())) {
      note_lease_lost(reply->get());
      return;
    }
    lease_lost_ = false;
    auto read = decode_fenced_read(reply->get());
    if (!read || read->last_ids.size() != streams_.size()) {
      drop_connection(read ? "fenced read: expected the last ID of every stream" : read.error());
      return;
    }
    const bool any = !read->entries.empty();
    for (auto& e : read->entries) dispatch(std::move(e));
    stats_->set_in_flight(static_cast<double>(in_flight_));
    if (any) return;
    auto waited = connection_->command(xread_wait_command(settings_.block, streams_, read->last_ids));
    if (!waited) drop_connection(waited.error());
  }

  /// A fenced read or claim found a lease not this instance's (or gone): nothing was delivered.
  /// Waits a read's time and tries again: the lease manager's next renewal either ends the
  /// process (the lease is another's, status 3) or takes the lease again (it vanished with
  /// Redis's data).
  void note_lease_lost(const redisReply* reply) {
    if (!lease_lost_)
      spdlog::warn("ingest: {}: this instance does not hold the lease of that stream's partition (anymore); "
                   "nothing read from it until the lease manager settles it",
                   reply_text(reply));
    lease_lost_ = true;
    drain_mailbox(settings_.block);
  }

  /// For streams still replaying pending entries: continue after the last one; none left: `>`.
  void advance_cursors(const std::vector<stream_entry>& entries) {
    std::map<std::string, std::string> last;
    for (const auto& e : entries) last[e.stream] = e.id;
    for (std::size_t i = 0; i < cursors_.size(); ++i) {
      if (cursors_[i] == ">") continue;
      auto it = last.find(streams_[i]);
      cursors_[i] = it == last.end() ? ">" : it->second;
    }
  }

  void dispatch(stream_entry entry) {
    ++in_flight_;
    auto routed = route_entry(std::move(entry));
    if (routed.event) {
      self_->send(router_, std::move(*routed.event));
      return;
    }
    stats_->ingest_event(routed.type, "dead_letter");
    spdlog::warn("ingest: entry {} of {} dead-lettered: {}", routed.dead_letter->source.id,
                 routed.dead_letter->source.stream, routed.dead_letter->reason);
    self_->send(writer_, std::move(*routed.dead_letter));
  }

  void sample_pending() {
    const auto now = std::chrono::steady_clock::now();
    if (now < next_pending_sample_ || !connection_ || streams_.empty()) return;
    next_pending_sample_ = now + pending_sample_interval;
    std::vector<redis_command> commands;
    for (const auto& s : streams_) commands.push_back({"XPENDING", s, settings_.streams.group});
    auto replies = connection_->pipeline(commands);
    if (!replies) {
      drop_connection(replies.error());
      return;
    }
    for (std::size_t i = 0; i < replies->size(); ++i)
      if (auto count = decode_pending_count((*replies)[i].get()))
        stats_->consumer_pending(streams_[i], static_cast<double>(*count));
  }

  caf::blocking_actor* self_;
  ingest_settings settings_;
  caf::actor router_;
  caf::actor writer_;
  std::shared_ptr<metrics> stats_;
  std::optional<redis_connection> connection_;
  backoff retry_;
  /// The streams read for entries, and where each read continues: the last pending entry of
  /// this consumer seen, or `>` for new entries.
  std::vector<std::string> streams_;
  std::vector<std::string> cursors_;
  /// Leased: the lease key fencing each of `streams_`.
  std::vector<std::string> leases_;
  /// Leased: streams of partitions taken over whose pending entries are still being claimed,
  /// with their lease and the XAUTOCLAIM cursor; read once done.
  struct claim_state {
    std::string stream;
    std::string lease;
    std::string cursor;
  };
  std::deque<claim_state> claiming_;
  bool lease_lost_ = false;  ///< the last fenced read or claim found a lease not held
  std::deque<std::uint32_t> to_load_;    ///< partitions whose snapshots are still to load
  std::vector<std::string> loaded_tags_;  ///< key tags of the partitions loaded (marker checks)
  bool recovery_round_ = false;  ///< leased: the first handover came, maybe empty; recovery ends with it
  bool recovered_once_ = false;
  std::size_t in_flight_ = 0;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point next_pending_sample_{};
  std::chrono::steady_clock::time_point next_claim_{};
  bool claim_unfinished_ = false;  ///< the last claim round stopped at the in-flight bound
};

}  // namespace

redis_command xreadgroup_command(const std::string& group, const std::string& consumer, std::size_t count,
                                 std::chrono::milliseconds block, const std::vector<std::string>& streams,
                                 const std::vector<std::string>& ids) {
  redis_command cmd{"XREADGROUP", "GROUP", group, consumer, "COUNT", std::to_string(count),
                    "BLOCK", std::to_string(block.count()), "STREAMS"};
  cmd.insert(cmd.end(), streams.begin(), streams.end());
  cmd.insert(cmd.end(), ids.begin(), ids.end());
  return cmd;
}

redis_command fenced_read_command(const std::string& group, const std::string& consumer, std::size_t count,
                                  const std::vector<std::string>& leases, const std::vector<std::string>& streams,
                                  const std::vector<std::string>& ids) {
  redis_command cmd{"EVAL", fenced_read_script, std::to_string(leases.size() + streams.size())};
  cmd.insert(cmd.end(), leases.begin(), leases.end());
  cmd.insert(cmd.end(), streams.begin(), streams.end());
  cmd.insert(cmd.end(), {consumer, group, std::to_string(count)});
  cmd.insert(cmd.end(), ids.begin(), ids.end());
  return cmd;
}

rules::expected<fenced_read_reply, std::string> decode_fenced_read(const redisReply* reply) {
  using result = rules::expected<fenced_read_reply, std::string>;
  if (reply == nullptr) return result::failure("no reply");
  if (reply->type == REDIS_REPLY_ERROR) return result::failure(reply_text(reply));
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 || reply->element[1]->type != REDIS_REPLY_ARRAY)
    return result::failure("fenced read: expected [entries, last IDs]");
  auto entries = decode_stream_read(reply->element[0]);
  if (!entries) return result::failure(entries.error());
  fenced_read_reply out;
  out.entries = std::move(*entries);
  const redisReply* last = reply->element[1];
  for (std::size_t i = 0; i < last->elements; ++i) {
    if (last->element[i]->type != REDIS_REPLY_STRING) return result::failure("fenced read: a last ID is not a string");
    out.last_ids.push_back(reply_text(last->element[i]));
  }
  return out;
}

redis_command xread_wait_command(std::chrono::milliseconds block, const std::vector<std::string>& streams,
                                 const std::vector<std::string>& ids) {
  redis_command cmd{"XREAD", "COUNT", "1", "BLOCK", std::to_string(block.count()), "STREAMS"};
  cmd.insert(cmd.end(), streams.begin(), streams.end());
  cmd.insert(cmd.end(), ids.begin(), ids.end());
  return cmd;
}

redis_command fenced_claim_command(const std::string& lease, const std::string& stream, const std::string& group,
                                   const std::string& consumer, std::chrono::milliseconds min_idle,
                                   const std::string& start, std::size_t count) {
  return {"EVAL", fenced_claim_script, "2", lease, stream, consumer, group, std::to_string(min_idle.count()), start,
          std::to_string(count)};
}

std::vector<std::string> streams_of_partition(const std::vector<std::string>& inputs, std::uint32_t partitions,
                                              std::uint32_t p) {
  if (partitions == 0) return inputs;
  std::vector<std::string> out;
  for (std::size_t i = static_cast<std::size_t>(p); i < inputs.size(); i += partitions) out.push_back(inputs[i]);
  return out;
}

routed_entry route_entry(stream_entry entry) {
  routed_entry out;
  out.type = type_field(entry.fields);
  entry_ref source{std::move(entry.stream), std::move(entry.id)};
  if (entry.deleted) {
    out.dead_letter = dead_letter_msg{std::move(source), {}, "deleted", "the entry was deleted before it was applied"};
    return out;
  }
  auto decoded = rules::decode_event_fields(entry.fields);
  if (decoded) {
    out.event = case_event_msg{std::move(*decoded), std::move(source)};
    return out;
  }
  out.dead_letter = dead_letter_msg{std::move(source), std::move(entry.fields), decoded.error().reason,
                                    decoded.error().detail};
  return out;
}

void ingest_actor(caf::blocking_actor* self, ingest_settings settings, caf::actor router, caf::actor writer,
                  std::shared_ptr<metrics> stats, std::shared_ptr<std::atomic<bool>> drained) {
  ingest_loop loop{self, std::move(settings), std::move(router), std::move(writer), std::move(stats)};
  drained->store(loop.run());
}

}  // namespace slawatch::actors
