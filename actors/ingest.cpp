#include "actors/ingest.hpp"

#include <map>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/keys.hpp"
#include "actors/recovery.hpp"
#include "rules/codec.hpp"

namespace slawatch::actors {

namespace {

/// How often the consumer group's pending count is sampled for slawatch_consumer_pending.
constexpr std::chrono::seconds pending_sample_interval{5};

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
        stats_(std::move(stats)),
        // Pending entries of this consumer (left by an earlier run under the same name) first.
        cursors_(settings_.streams.input.size(), "0") {}

  /// Returns whether every entry read was acknowledged.
  bool run() {
    while (!stopping_) {
      drain_mailbox(std::chrono::milliseconds{0});
      if (stopping_) break;
      if (!connection_ && !connect()) {
        drain_mailbox(retry_.next());
        continue;
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
    if (settings_.persistence && !settings_.persistence->recovered()) {
      if (!recover(*opened)) return false;
    } else if (settings_.persistence && !check_marker(*opened)) {
      return false;
    }
    connection_.emplace(std::move(*opened));
    stats_->redis_connected("reader", true);
    retry_.reset();
    spdlog::info("ingest: reading {} stream(s) as {} in group {}", settings_.streams.input.size(),
                 settings_.consumer, settings_.streams.group);
    return true;
  }

  /// Loads the snapshots and waits until the router respawned the cases. False if Redis failed.
  bool recover(redis_connection& redis) {
    const auto started = std::chrono::steady_clock::now();
    spdlog::info("recovery: loading the snapshots of {}", settings_.partition_tag);
    auto counts = load_partition(redis, settings_.partition_tag, settings_.load_batch, std::chrono::system_clock::now(),
                                 *settings_.persistence,
                                 [&](restore_msg msg) { self_->send(router_, std::move(msg)); });
    if (!counts) {
      spdlog::warn("recovery: {}", counts.error());
      stats_->redis_error("reader");
      return false;
    }
    // The router handles messages in order: its answer means every restore was handled.
    std::uint64_t live = 0;
    self_->request(router_, caf::infinite, restored_atom::value)
        .receive([&](std::uint64_t n) { live = n; },
                 [&](caf::error& e) { spdlog::error("recovery: router: {}", caf::to_string(e)); });
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    if (!counts->marker_present && counts->open + counts->closed + counts->missing > 0)
      spdlog::error("recovery: the marker of {} is missing but snapshots are there: Redis lost part of its data "
                    "(restored from an old backup, keys evicted or deleted?); what is left is used",
                    settings_.partition_tag);
    if (counts->missing > 0)
      spdlog::error("recovery: {} cases of the open/closed indexes have no snapshot (evicted or deleted?)",
                    counts->missing);
    if (counts->unreadable > 0)
      spdlog::error("recovery: {} snapshots unreadable and left out (see slawatch_snapshot_errors_total)",
                    counts->unreadable);
    spdlog::info("recovery: {} open and {} closed cases loaded, {} case actors live, in {:.3f} s", counts->open,
                 counts->closed, live, took.count());
    settings_.persistence->recovery_done(counts->open, counts->closed, took);
    return true;
  }

  /// After a reconnect: the marker gone means Redis restarted empty or was flushed while this
  /// daemon held cases. Reported loudly; every case held is saved again. False if Redis failed.
  bool check_marker(redis_connection& redis) {
    auto present = marker_exists(redis, settings_.partition_tag);
    if (!present) {
      spdlog::warn("ingest: {}", present.error());
      stats_->redis_error("reader");
      return false;
    }
    if (*present || settings_.persistence->data_lost()) return true;
    settings_.persistence->set_data_lost(true);
    std::uint64_t count = 0;
    self_->request(router_, caf::infinite, persist_atom::value)
        .receive([&](std::uint64_t n) { count = n; },
                 [&](caf::error& e) { spdlog::error("ingest: router: {}", caf::to_string(e)); });
    spdlog::error("Redis LOST ITS DATA: the marker {} is gone (Redis restarted empty or was flushed). Snapshots, "
                  "output entries and input entries not yet read that it held are lost; saving the {} cases held "
                  "in memory again; not ready until done",
                  keys::marker(settings_.partition_tag), count);
    self_->send(writer_, persist_atom::value, count);
    return true;
  }

  /// Every `claim_idle` (once the pending entries were read again): claims the entries other
  /// consumers left pending that long (they died) and handles them like new ones. While the
  /// in-flight bound stops a round before all are claimed, the next round comes at once and no new
  /// entry is read (claim_unfinished_), so that a case's older entries still go first.
  void claim_idle_entries() {
    if (!settings_.persistence) return;
    const auto now = std::chrono::steady_clock::now();
    if (now < next_claim_ && !claim_unfinished_) return;
    next_claim_ = now + settings_.claim_idle;
    claim_unfinished_ = false;
    std::size_t claimed = 0;
    for (const auto& stream : settings_.streams.input) {
      std::string cursor = "0-0";
      do {
        if (in_flight_ >= settings_.max_in_flight) {  // the rest at the next round
          claim_unfinished_ = true;
          break;
        }
        const auto count = std::min(settings_.batch_size, settings_.max_in_flight - in_flight_);
        auto reply = connection_->command(xautoclaim_command(stream, settings_.streams.group, settings_.consumer,
                                                             settings_.claim_idle, cursor, count));
        if (!reply) {
          drop_connection(reply.error());
          return;
        }
        auto decoded = decode_autoclaim(reply->get(), stream);
        if (!decoded) {
          drop_connection(decoded.error());
          return;
        }
        cursor = decoded->next;
        claimed += decoded->entries.size();
        for (auto& e : decoded->entries) dispatch(std::move(e));
      } while (cursor != "0-0");
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
    // Claim from dead consumers once this consumer's own pending entries are back, and before
    // new entries, so that a case's older entries are applied before its newer ones.
    if (std::all_of(cursors_.begin(), cursors_.end(), [](const auto& c) { return c == ">"; })) {
      claim_idle_entries();
      if (!connection_ || in_flight_ >= settings_.max_in_flight || claim_unfinished_) return;
    }
    const auto room = settings_.max_in_flight - in_flight_;
    const auto count = std::min(settings_.batch_size, room);
    const bool history = std::any_of(cursors_.begin(), cursors_.end(), [](const auto& c) { return c != ">"; });
    // Pending entries are there already: do not wait for them.
    const auto block = history ? std::chrono::milliseconds{1} : settings_.block;
    auto reply = connection_->command(
        xreadgroup_command(settings_.streams.group, settings_.consumer, count, block, settings_.streams.input, cursors_));
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

  /// For streams still replaying pending entries: continue after the last one; none left: `>`.
  void advance_cursors(const std::vector<stream_entry>& entries) {
    std::map<std::string, std::string> last;
    for (const auto& e : entries) last[e.stream] = e.id;
    for (std::size_t i = 0; i < cursors_.size(); ++i) {
      if (cursors_[i] == ">") continue;
      auto it = last.find(settings_.streams.input[i]);
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
    if (now < next_pending_sample_) return;
    next_pending_sample_ = now + pending_sample_interval;
    std::vector<redis_command> commands;
    for (const auto& s : settings_.streams.input) commands.push_back({"XPENDING", s, settings_.streams.group});
    auto replies = connection_->pipeline(commands);
    if (!replies) {
      drop_connection(replies.error());
      return;
    }
    for (std::size_t i = 0; i < replies->size(); ++i)
      if (auto count = decode_pending_count((*replies)[i].get()))
        stats_->consumer_pending(settings_.streams.input[i], static_cast<double>(*count));
  }

  caf::blocking_actor* self_;
  ingest_settings settings_;
  caf::actor router_;
  caf::actor writer_;
  std::shared_ptr<metrics> stats_;
  std::optional<redis_connection> connection_;
  backoff retry_;
  std::vector<std::string> cursors_;
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
