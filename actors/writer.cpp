#include "actors/writer.hpp"

#include <map>
#include <thread>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/alert.hpp"
#include "rules/codec.hpp"

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

std::size_t pending_items(const writer_state& st) {
  return st.records.size() + st.dead_letters.size() + st.acks.size();
}

/// Writes everything pending in one pipeline. Returns false if Redis failed (all is kept).
bool write_pending(writer_state& st) {
  if (pending_items(st) == 0) return true;
  if (!st.connection) {
    auto opened = redis_connection::open(st.settings.endpoint, std::chrono::seconds{10});
    if (!opened) {
      spdlog::warn("writer: {}", opened.error());
      st.stats->redis_error("writer");
      return false;
    }
    st.connection.emplace(std::move(*opened));
    st.stats->redis_connected("writer", true);
    spdlog::info("writer: connected to Redis at {}:{}", st.settings.endpoint.host, st.settings.endpoint.port);
  }
  std::vector<redis_command> commands;
  commands.reserve(st.records.size() + st.dead_letters.size() + 1);
  for (const auto& r : st.records) commands.push_back(xadd_record(stream_for(st.settings.streams, r), r));
  for (const auto& d : st.dead_letters) commands.push_back(xadd_dead_letter(st.settings.streams.dead_letter, d));
  std::vector<entry_ref> acks = st.acks;
  for (const auto& d : st.dead_letters) acks.push_back(d.source);
  for (auto& c : xack_commands(st.settings.streams.group, acks)) commands.push_back(std::move(c));

  auto replies = st.connection->pipeline(commands);
  if (!replies) {
    spdlog::warn("writer: {}; reconnecting", replies.error());
    st.connection.reset();
    st.stats->redis_error("writer");
    st.stats->redis_connected("writer", false);
    return false;
  }
  for (std::size_t i = 0; i < replies->size(); ++i) {
    if ((*replies)[i]->type != REDIS_REPLY_ERROR) continue;
    // A refused write (e.g. an output key of the wrong type) is retried like a broken
    // connection: the input entries stay unacknowledged rather than losing their records.
    spdlog::error("writer: Redis refused {} {}: {}", commands[i][0], commands[i][1], reply_text((*replies)[i].get()));
    st.stats->redis_error("writer");
    return false;
  }

  const auto wall_now = st.now();
  std::map<std::string, double> written;
  for (const auto& r : st.records) {
    written[kind_name(r.type)] += 1;
    if (r.type == rules::record::kind::notification)
      st.stats->notification_delay(wall_now - std::chrono::system_clock::time_point{r.at});
  }
  for (const auto& [kind, count] : written) st.stats->record_written(kind, count);
  if (st.settings.notifier) {
    // Only now that they are durable: nothing is paged that a restart would not know about.
    notify_batch to_notify;
    for (auto& r : st.records)
      if (r.type == rules::record::kind::notification || ended_by(r)) to_notify.records.push_back(std::move(r));
    if (!to_notify.records.empty()) {
      to_notify.cases = std::move(st.contexts);
      caf::anon_send(st.settings.notifier, std::move(to_notify));
    }
  }
  for (const auto& d : st.dead_letters) st.stats->dead_letter(d.reason);
  if (!st.dead_letters.empty()) st.stats->record_written("dead_letter", static_cast<double>(st.dead_letters.size()));
  st.records.clear();
  st.contexts.clear();
  st.dead_letters.clear();
  st.acks.clear();
  st.retry.reset();
  return true;
}

void flush(writer_ptr self) {
  auto& st = self->state;
  const auto acked = st.acks.size() + st.dead_letters.size();
  if (write_pending(st)) {
    if (acked > 0 && st.ingest) self->send(st.ingest, acked_atom::value, static_cast<std::uint64_t>(acked));
    return;
  }
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

redis_command xadd_record(const std::string& stream, const rules::record& r) {
  return {"XADD", stream, "*", "record", kind_name(r.type), "case_id", r.case_id, "id", r.id,
          "json", rules::encode_record_json(r)};
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
  self->state.stats = std::move(stats);
  self->state.now = std::move(now);
  return {
      [=](write_batch& batch) {
        auto& st = self->state;
        for (auto& r : batch.records) {
          if (st.settings.notifier && r.type == rules::record::kind::notification)
            st.contexts[r.case_id] = batch.context;
          st.records.push_back(std::move(r));
        }
        for (auto& a : batch.acks) st.acks.push_back(std::move(a));
        schedule_flush(self);
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
        if (pending_items(st) != 0)
          spdlog::error("writer: {} records, dead letters and acks not written at shutdown", pending_items(st));
        self->quit();
      },
  };
}

}  // namespace slawatch::actors
