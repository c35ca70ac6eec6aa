#include "actors/writer.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <thread>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/alert.hpp"
#include "actors/keys.hpp"
#include "actors/recovery.hpp"
#include "actors/trim.hpp"
#include "rules/codec.hpp"
#include "rules/partition.hpp"

namespace slawatch::actors {

namespace {

using writer_ptr = caf::stateful_actor<writer_state>*;

const char* kind_name(rules::record::kind k) {
  switch (k) {
    case rules::record::kind::outcome:
      return "outcome";
    case rules::record::kind::notification:
      return "notification";
    case rules::record::kind::audit:
      return "audit";
  }
  return "audit";
}

/// How often output streams are trimmed by age (when output_retention is set).
constexpr std::chrono::seconds trim_interval{60};

using trim_atom = caf::atom_constant<caf::atom("trim")>;

std::size_t pending_items(const writer_state& st) {
  return st.records.size() + st.dead_letters.size() + st.acks.size() + st.snapshots.size() +
         (st.marker_due ? 1 : 0);
}

/// Trims every output stream to output_retention, keeping what a consumer group still needs.
void trim_outputs(writer_state& st) {
  if (st.settings.output_retention.count() <= 0 || !st.connection) return;
  const auto cutoff = st.now() - st.settings.output_retention;
  for (const auto* stream : {&st.settings.streams.outcomes, &st.settings.streams.notifications,
                             &st.settings.streams.audit, &st.settings.streams.dead_letter}) {
    auto info = st.connection->command({"XINFO", "GROUPS", *stream});
    if (!info) {
      spdlog::warn("writer: trimming {}: {}; reconnecting", *stream, info.error());
      st.connection.reset();
      st.stats->redis_error("writer");
      st.stats->redis_connected("writer", false);
      return;
    }
    auto groups = decode_xinfo_groups(info->get());
    if (!groups) {
      spdlog::warn("writer: not trimming {}: {}", *stream, groups.error());
      continue;
    }
    bool known = true;
    for (auto& g : *groups) {
      if (g.pending == 0) continue;
      auto summary = st.connection->command({"XPENDING", *stream, g.name});
      if (!summary) return;
      auto first = decode_first_pending(summary->get());
      if (!first) {
        known = false;
        break;
      }
      g.first_pending = *first;
    }
    if (!known) continue;
    auto trimmed = st.connection->command({"XTRIM", *stream, "MINID", "~", trim_min_id(cutoff, *groups)});
    if (!trimmed) return;
    auto count = decode_integer(trimmed->get());
    if (count && *count > 0 && st.settings.persistence)
      st.settings.persistence->trimmed(*stream, static_cast<double>(*count));
  }
}

/// The attempt's effects are in Redis: counts them, reports them, forgets the attempt.
void committed(writer_state& st, std::chrono::system_clock::time_point wall_now) {
  auto& a = *st.current;
  std::map<std::string, double> written;
  for (const auto& r : a.records) {
    written[kind_name(r.type)] += 1;
    if (r.type == rules::record::kind::notification)
      st.stats->notification_delay(wall_now - std::chrono::system_clock::time_point{r.at});
    if (st.settings.persistence && a.late_ids.count(r.id) != 0)
      st.settings.persistence->late_record(kind_name(r.type), wall_now - std::chrono::system_clock::time_point{r.at});
  }
  if (st.settings.persistence)
    for (const auto& snap : a.snapshots) st.settings.persistence->snapshot_written(snap.open);
  if (!a.marker_tags.empty()) {
    st.resave_left.reset();
    if (st.settings.persistence) st.settings.persistence->set_data_lost(false);
    spdlog::warn("writer: every case held was saved again after the loss of Redis data; ready again");
  }
  for (const auto& [kind, count] : written) st.stats->record_written(kind, count);
  for (const auto& d : a.dead_letters) st.stats->dead_letter(d.reason);
  if (!a.dead_letters.empty()) st.stats->record_written("dead_letter", static_cast<double>(a.dead_letters.size()));
  st.acked_unreported += a.acks.size() + a.dead_letters.size();
  if (st.settings.notifier) {
    // Only now that they are durable: nothing is paged that a restart would not know about.
    notify_batch to_notify;
    for (auto& r : a.records)
      if (r.type == rules::record::kind::notification || ended_by(r)) to_notify.records.push_back(std::move(r));
    if (!to_notify.records.empty()) {
      to_notify.cases = std::move(a.contexts);
      caf::anon_send(st.settings.notifier, std::move(to_notify));
    }
  }
  st.current.reset();
  st.retry.reset();
}

void drop_connection(writer_state& st, const std::string& why) {
  spdlog::warn("writer: {}; reconnecting", why);
  st.connection.reset();
  st.stats->redis_error("writer");
  st.stats->redis_connected("writer", false);
}

/// Writes everything pending, one MULTI/EXEC transaction per batch. Returns false if Redis
/// failed; what is not written is kept. A transaction whose reply was lost with the connection
/// may or may not have run: its commit mark (a key set inside it) tells, so it is never run twice.
bool write_pending(writer_state& st) {
  if (!st.current && pending_items(st) == 0) return true;
  if (!st.connection) {
    auto opened = redis_connection::open(st.settings.endpoint, std::chrono::seconds{10});
    if (!opened) {
      spdlog::warn("writer: {}", opened.error());
      st.stats->redis_error("writer");
      return false;
    }
    // A Redis still loading its data refuses MULTI but may run the commands after it once
    // loaded, outside any transaction: write only to a Redis that answers reads.
    auto probe = opened->command({"EXISTS", keys::marker(st.settings.partition_tag)});
    if (!probe || (*probe)->type == REDIS_REPLY_ERROR) {
      spdlog::warn("writer: Redis not ready: {}", probe ? reply_text(probe->get()) : probe.error());
      st.stats->redis_error("writer");
      return false;
    }
    st.connection.emplace(std::move(*opened));
    st.stats->redis_connected("writer", true);
    spdlog::info("writer: connected to Redis at {}:{}", st.settings.endpoint.host, st.settings.endpoint.port);
  }
  const auto commit_key = keys::writer_commit(st.settings.partition_tag, st.settings.writer_id);
  const auto mark_of = [&](std::uint64_t seq) { return st.token + ":" + std::to_string(seq); };
  if (st.current && st.current->in_doubt) {
    auto mark = st.connection->command({"GET", commit_key});
    if (!mark) {
      drop_connection(st, mark.error());
      return false;
    }
    if (reply_text(mark->get()) == mark_of(st.current->seq)) {
      spdlog::info("writer: the transaction in doubt was committed; not written again");
      committed(st, st.now());
    } else {
      st.current->in_doubt = false;
    }
  }
  for (;;) {
    if (!st.current) {
      if (pending_items(st) == 0) return true;
      st.current = next_attempt(st);
    }
    auto& a = *st.current;
    const auto wall_now = st.now();
    std::vector<redis_command> commands;
    if (st.settings.leased) {
      // Fencing: only while this instance holds the leases (watched until EXEC).
      const auto written_for = partitions_written(st.settings.streams, a.records, a.snapshots, a.acks);
      if (!written_for.empty()) {
        auto fence = st.connection->pipeline(fence_commands(written_for));
        if (!fence) {
          drop_connection(st, fence.error());
          return false;
        }
        auto not_held = lease_not_held((*fence)[1].get(), written_for, st.settings.writer_id);
        if (!not_held) {
          drop_connection(st, "checking the leases: " + not_held.error());
          return false;
        }
        if (*not_held) {
          const auto message = "writer: the lease of partition " + std::to_string(**not_held) +
                               " is no longer this instance's: not writing for it";
          spdlog::error("{}", message);
          st.settings.lease_lost(message);
          return false;
        }
      }
    }
    // One transaction: records, dead letters, the snapshots that know those records, the commit
    // mark, then the acknowledgements. A crash (of the daemon or of Redis) leaves all of it or
    // none, so no record is written twice and no entry acknowledged before its effects are saved.
    commands.reserve(a.records.size() + a.dead_letters.size() + a.snapshots.size() + 10);
    commands.push_back({"MULTI"});
    for (const auto& r : a.records) {
      const auto late = a.late_ids.find(r.id);
      const auto late_before = late != a.late_ids.end() ? late->second : std::chrono::system_clock::time_point::min();
      commands.push_back(xadd_record(stream_for(st.settings.streams, r), r, record_json(r, late_before, wall_now)));
    }
    for (const auto& d : a.dead_letters) commands.push_back(xadd_dead_letter(st.settings.streams.dead_letter, d));
    for (auto& c : snapshot_commands(a.snapshots, st.settings.partitions, st.settings.closed_retention, wall_now))
      commands.push_back(std::move(c));
    for (const auto& tag : a.marker_tags) commands.push_back(set_marker_command(tag, wall_now));
    // Kept a day: long enough for any reconnect, short enough not to pile up after restarts.
    commands.push_back({"SET", commit_key, mark_of(a.seq), "EX", "86400"});
    std::vector<entry_ref> acks = a.acks;
    for (const auto& d : a.dead_letters) acks.push_back(d.source);
    for (auto& c : xack_commands(st.settings.streams.group, acks)) commands.push_back(std::move(c));
    commands.push_back({"EXEC"});

    auto replies = st.connection->pipeline(commands);
    if (!replies) {
      a.in_doubt = true;
      drop_connection(st, replies.error());
      return false;
    }
    const redisReply* exec = replies->back().get();
    if (exec->type == REDIS_REPLY_NIL && st.settings.leased) {
      // A watched lease changed before EXEC (most likely this instance's own renewal): nothing
      // was written; the leases are checked again and the transaction sent again.
      spdlog::debug("writer: a lease changed during the transaction; checking again");
      continue;
    }
    if (exec->type != REDIS_REPLY_ARRAY || exec->elements + 2 != commands.size()) {
      // EXECABORT (a command refused while queueing, e.g. out of memory) or no transaction at
      // all: nothing was written; retried. The reason is in the reply of the refused command.
      std::string why = reply_text(exec);
      for (std::size_t i = 0; i + 1 < replies->size(); ++i)
        if ((*replies)[i]->type == REDIS_REPLY_ERROR) {
          why = commands[i][0] + " " + (commands[i].size() > 1 ? commands[i][1] : "") + ": " +
                reply_text((*replies)[i].get());
          break;
        }
      spdlog::error("writer: Redis refused the transaction: {}", why);
      st.stats->redis_error("writer");
      return false;
    }
    for (std::size_t i = 0; i < exec->elements; ++i) {
      if (exec->element[i]->type != REDIS_REPLY_ERROR) continue;
      // Refused while running (e.g. an output key of the wrong type): Redis ran the others, so
      // running it again would write those twice. Reported; the operator has to fix the key.
      const auto& cmd = commands[i + 1];
      spdlog::error("writer: Redis refused {} {} inside a transaction that otherwise ran: {}", cmd[0],
                    cmd.size() > 1 ? cmd[1] : "", reply_text(exec->element[i]));
      st.stats->redis_error("writer");
    }
    committed(st, wall_now);
  }
}

void flush(writer_ptr self) {
  auto& st = self->state;
  const bool written = write_pending(st);
  if (st.settings.persistence) st.settings.persistence->set_writer_failing(!written);
  if (st.acked_unreported > 0 && st.ingest) {
    self->send(st.ingest, acked_atom::value, st.acked_unreported);
    st.acked_unreported = 0;
  }
  if (written) return;
  st.waiting_to_retry = true;
  st.flush_scheduled = true;
  self->delayed_send(self, st.retry.next(), flush_atom::value);
}

/// Called after something was queued: flush now if the batch is full, else once the mailbox
/// holds nothing older (a flush message queued behind what is already there).
void schedule_flush(writer_ptr self) {
  auto& st = self->state;
  if (st.waiting_to_retry) return;
  if (pending_items(st) >= st.settings.max_batch) {
    flush(self);
    return;
  }
  if (!st.flush_scheduled) {
    st.flush_scheduled = true;
    self->send(self, flush_atom::value);
  }
}

}  // namespace

writer_state::attempt next_attempt(writer_state& st) {
  writer_state::attempt a;
  a.records = std::move(st.records);
  a.dead_letters = std::move(st.dead_letters);
  a.acks = std::move(st.acks);
  a.contexts = std::move(st.contexts);
  a.late_ids = std::move(st.late_ids);
  for (auto& [id, snap] : st.snapshots) a.snapshots.push_back(std::move(snap));
  // The markers go with the transaction that completes the saving again, not before: until then
  // they stay, whatever other transactions are written meanwhile.
  if (st.marker_due) {
    a.marker_tags = std::move(st.marker_tags);
    st.marker_tags.clear();
    st.marker_due = false;
  }
  a.seq = st.next_seq++;
  st.records.clear();
  st.dead_letters.clear();
  st.acks.clear();
  st.contexts.clear();
  st.late_ids.clear();
  st.snapshots.clear();
  return a;
}

void count_resave(writer_state& st, const case_snapshot& s) {
  if (!s.resave) return;
  if (!st.resave_left) {
    ++st.resaves_early;  // the case actors can be quicker than the count from ingest
    return;
  }
  if (*st.resave_left > 0 && --*st.resave_left == 0) st.marker_due = true;
}

void expect_resaves(writer_state& st, std::uint64_t count, std::vector<std::string> tags) {
  st.marker_tags = std::move(tags);
  st.resave_left = count > st.resaves_early ? count - st.resaves_early : 0;
  st.resaves_early = 0;
  if (*st.resave_left == 0) st.marker_due = true;
}


const std::string& stream_for(const streams_config& streams, const rules::record& r) {
  switch (r.type) {
    case rules::record::kind::outcome:
      return streams.outcomes;
    case rules::record::kind::notification:
      return streams.notifications;
    case rules::record::kind::audit:
      return streams.audit;
  }
  return streams.audit;
}

std::string record_json(const rules::record& r, std::chrono::system_clock::time_point late_before,
                        std::chrono::system_clock::time_point written) {
  auto json = rules::encode_record_json(r);
  const std::chrono::system_clock::time_point due{r.at};
  if (due >= late_before || json.empty() || json.back() != '}') return json;
  const auto delay = std::chrono::duration_cast<std::chrono::seconds>(written - due).count();
  json.pop_back();
  json += ",\"late\":true,\"detection_delay_seconds\":" + std::to_string(std::max<std::int64_t>(0, delay)) + "}";
  return json;
}

std::vector<redis_command> snapshot_commands(const std::vector<case_snapshot>& snapshots, std::uint32_t partitions,
                                             std::chrono::seconds closed_retention,
                                             std::chrono::system_clock::time_point now) {
  const auto retention_ms = std::chrono::duration_cast<std::chrono::milliseconds>(closed_retention).count();
  // PX needs at least 1 ms: a zero retention keeps the snapshot for that long.
  const auto px = std::to_string(std::max<std::int64_t>(1, retention_ms));
  const auto expires_ms = std::to_string(
      std::chrono::duration_cast<std::chrono::milliseconds>((now + closed_retention).time_since_epoch()).count());
  struct index_commands {
    redis_command add_open, unclose, unopen, add_closed;
  };
  std::map<std::string, index_commands> by_tag;  // ordered: the same batch gives the same commands
  std::vector<redis_command> out;
  out.reserve(snapshots.size() + 4);
  for (const auto& s : snapshots) {
    const auto tag = keys::case_tag(s.case_id, partitions);
    auto& index = by_tag[tag];
    if (index.add_open.empty())
      index = {{"SADD", keys::open_index(tag)},
               {"ZREM", keys::closed_index(tag)},
               {"SREM", keys::open_index(tag)},
               {"ZADD", keys::closed_index(tag)}};
    if (s.open) {
      out.push_back({"SET", keys::case_snapshot(tag, s.case_id), s.bytes});
      index.add_open.push_back(s.case_id);
      index.unclose.push_back(s.case_id);
    } else {
      out.push_back({"SET", keys::case_snapshot(tag, s.case_id), s.bytes, "PX", px});
      index.unopen.push_back(s.case_id);
      index.add_closed.push_back(expires_ms);
      index.add_closed.push_back(s.case_id);
    }
  }
  // One command per index of a partition for the whole batch, not one per case.
  for (auto& [tag, index] : by_tag)
    for (auto* cmd : {&index.add_open, &index.unclose, &index.unopen, &index.add_closed})
      if (cmd->size() > 2) out.push_back(std::move(*cmd));
  return out;
}

std::set<std::uint32_t> partitions_written(const streams_config& streams, const std::vector<rules::record>& records,
                                           const std::vector<case_snapshot>& snapshots,
                                           const std::vector<entry_ref>& acks) {
  std::set<std::uint32_t> out;
  const auto n = streams.partitions;
  if (n == 0) return out;
  for (const auto& r : records) out.insert(rules::partition_of(r.case_id, n));
  for (const auto& snap : snapshots) out.insert(rules::partition_of(snap.case_id, n));
  for (const auto& ack : acks) {
    const auto it = std::find(streams.input.begin(), streams.input.end(), ack.stream);
    if (it != streams.input.end()) out.insert(static_cast<std::uint32_t>((it - streams.input.begin()) % n));
  }
  return out;
}

std::vector<redis_command> fence_commands(const std::set<std::uint32_t>& partitions) {
  redis_command watch{"WATCH"};
  redis_command mget{"MGET"};
  for (const auto p : partitions) {
    watch.push_back(keys::lease(keys::partition_tag(p)));
    mget.push_back(watch.back());
  }
  return {std::move(watch), std::move(mget)};
}

rules::expected<std::optional<std::uint32_t>, std::string> lease_not_held(const redisReply* mget,
                                                                          const std::set<std::uint32_t>& partitions,
                                                                          const std::string& consumer) {
  using result = rules::expected<std::optional<std::uint32_t>, std::string>;
  if (mget == nullptr) return result::failure("no reply");
  if (mget->type == REDIS_REPLY_ERROR) return result::failure(reply_text(mget));
  if (mget->type != REDIS_REPLY_ARRAY || mget->elements != partitions.size())
    return result::failure("MGET: expected one value per lease");
  std::size_t i = 0;
  for (const auto p : partitions) {
    const redisReply* value = mget->element[i++];
    if (value->type != REDIS_REPLY_STRING || std::string(value->str, value->len) != consumer)
      return std::optional<std::uint32_t>{p};
  }
  return std::optional<std::uint32_t>{};
}

redis_command xadd_record(const std::string& stream, const rules::record& r, std::string json) {
  return {"XADD", stream, "*", "record", kind_name(r.type), "case_id", r.case_id, "id", r.id,
          "json", std::move(json)};
}

redis_command xadd_dead_letter(const std::string& stream, const dead_letter_msg& d) {
  redis_command cmd{"XADD", stream, "*"};
  for (const auto& [field, value] : d.fields) {
    cmd.push_back(field);
    cmd.push_back(value);
  }
  for (const auto& extra : {std::pair<const char*, const std::string*>{"source_stream", &d.source.stream},
                            {"source_id", &d.source.id},
                            {"dead_letter_reason", &d.reason},
                            {"dead_letter_detail", &d.detail}}) {
    cmd.push_back(extra.first);
    cmd.push_back(*extra.second);
  }
  return cmd;
}

std::vector<redis_command> xack_commands(const std::string& group, const std::vector<entry_ref>& acks) {
  std::map<std::string, redis_command> by_stream;
  for (const auto& a : acks) {
    auto& cmd = by_stream[a.stream];
    if (cmd.empty()) cmd = {"XACK", a.stream, group};
    cmd.push_back(a.id);
  }
  std::vector<redis_command> out;
  for (auto& [stream, cmd] : by_stream) out.push_back(std::move(cmd));
  return out;
}

caf::behavior writer_actor(writer_ptr self, writer_settings settings, std::shared_ptr<metrics> stats,
                           wall_time_source now) {
  self->state.settings = std::move(settings);
  std::random_device entropy;
  self->state.token = std::to_string(entropy()) + std::to_string(entropy());
  self->state.stats = std::move(stats);
  self->state.now = std::move(now);
  if (self->state.settings.output_retention.count() > 0)
    self->delayed_send(self, trim_interval, trim_atom::value);
  return {
      [=](write_batch& batch) {
        auto& st = self->state;
        for (auto& r : batch.records) {
          if (st.settings.notifier && r.type == rules::record::kind::notification)
            st.contexts[r.case_id] = batch.context;
          if (batch.recovered && std::chrono::system_clock::time_point{r.at} < batch.restored_at)
            st.late_ids.emplace(r.id, batch.restored_at);
          st.records.push_back(std::move(r));
        }
        for (auto& a : batch.acks) st.acks.push_back(std::move(a));
        if (batch.snapshot) {
          count_resave(st, *batch.snapshot);
          auto id = batch.snapshot->case_id;
          st.snapshots[std::move(id)] = std::move(*batch.snapshot);
        }
        schedule_flush(self);
      },
      [=](persist_atom, std::uint64_t count, std::vector<std::string>& tags) {
        expect_resaves(self->state, count, std::move(tags));
        schedule_flush(self);
      },
      [=](trim_atom) {
        auto& st = self->state;
        if (!st.waiting_to_retry) trim_outputs(st);
        self->delayed_send(self, trim_interval, trim_atom::value);
      },
      [=](dead_letter_msg& d) {
        self->state.dead_letters.push_back(std::move(d));
        schedule_flush(self);
      },
      [=](caf::actor ingest) { self->state.ingest = std::move(ingest); },
      [=](flush_atom) {
        self->state.flush_scheduled = false;
        self->state.waiting_to_retry = false;
        flush(self);
      },
      [=](stop_atom) {
        auto& st = self->state;
        // This actor has a thread of its own, so waiting here blocks nobody else.
        const auto deadline = std::chrono::steady_clock::now() + st.settings.shutdown_timeout;
        while (!write_pending(st) && std::chrono::steady_clock::now() < deadline)
          std::this_thread::sleep_for(st.retry.next());
        if (pending_items(st) != 0 || st.current)
          spdlog::error("writer: {} records, dead letters, snapshots and acks not written at shutdown",
                        pending_items(st) + (st.current ? st.current->records.size() + st.current->acks.size() : 0));
        self->quit();
      },
  };
}

}  // namespace slawatch::actors
