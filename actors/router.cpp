#include "actors/router.hpp"

#include <algorithm>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/snapshot.hpp"

namespace slawatch::actors {

namespace {

using router_ptr = caf::stateful_actor<router_state>*;

caf::actor spawn_case(router_ptr self, case_archive start) {
  const auto id = start.case_id;
  // Monitored, not linked: each link is also an entry in the router's own attachable list, which
  // CAF 0.17 scans linearly whenever a linked actor ends, so every closed case cost O(open cases)
  // (perf: detach_impl + actor_addr::compare, 9 % of the daemon's CPU at 20 k open cases).
  auto actor = self->spawn<caf::monitored>(case_actor, std::move(start), self->state.deps,
                                           caf::actor_cast<caf::actor>(self));
  self->state.live.emplace(id, live_case{actor, {}});
  return actor;
}

const std::string* intern(router_ptr self, const std::string& text) {
  return &*self->state.worklist_texts.insert(text).first;
}

/// The worklist entry of a summary: its texts interned.
worklist_entry entry_of(router_ptr self, const case_summary& s) {
  worklist_entry e;
  e.policy = intern(self, s.policy);
  e.status = intern(self, s.status);
  e.priority = intern(self, s.priority);
  e.team = intern(self, s.team);
  e.next_due_clock = intern(self, s.next_due_clock);
  e.next_due = s.next_due;
  e.open = s.open;
  e.at_risk = s.at_risk;
  e.breached = s.breached;
  return e;
}

case_summary summary_of(const std::string& case_id, const worklist_entry& e) {
  case_summary s;
  s.case_id = case_id;
  s.policy = *e.policy;
  s.status = *e.status;
  s.priority = *e.priority;
  s.team = *e.team;
  s.next_due_clock = *e.next_due_clock;
  s.next_due = e.next_due;
  s.open = e.open;
  s.at_risk = e.at_risk;
  s.breached = e.breached;
  return s;
}

/// Answers the detail requests that waited for a stopping case's history.
void answer_waiting(router_ptr self, const case_archive& archive, bool live) {
  auto& st = self->state;
  auto it = st.detail_waiting.find(archive.case_id);
  if (it == st.detail_waiting.end()) return;
  const auto now = std::chrono::floor<std::chrono::seconds>(st.deps->now());
  const auto detail = detail_of(archive, *st.deps->rules, now, live);
  for (auto& promise : it->second) promise.deliver(detail);
  st.detail_waiting.erase(it);
}

}  // namespace

worklist_reply select_worklist(const std::unordered_map<std::string, live_case>& live, const worklist_query& query) {
  using listed = std::pair<const std::string*, const worklist_entry*>;  // case id, entry
  worklist_reply reply;
  std::vector<listed> matching;
  for (const auto& [id, c] : live) {
    const auto& e = c.worklist;
    if (!e.open) continue;
    ++reply.open;
    if (query.at_risk_only && !e.at_risk) continue;
    if (!query.team.empty() && *e.team != query.team) continue;
    if (!query.priority.empty() && *e.priority != query.priority) continue;
    matching.emplace_back(&id, &e);
  }
  reply.matched = matching.size();
  const auto earlier = [](const listed& a, const listed& b) {
    const auto& a_due = a.second->next_due;
    const auto& b_due = b.second->next_due;
    if (a_due != b_due) {
      if (!a_due || !b_due) return a_due.has_value();  // no due time: last
      return *a_due < *b_due;
    }
    return *a.first < *b.first;
  };
  const auto kept = std::min(query.limit, matching.size());
  std::partial_sort(matching.begin(), matching.begin() + static_cast<std::ptrdiff_t>(kept), matching.end(), earlier);
  reply.cases.reserve(kept);
  for (std::size_t i = 0; i < kept; ++i) reply.cases.push_back(summary_of(*matching[i].first, *matching[i].second));
  return reply;
}

caf::behavior router_actor(router_ptr self, std::shared_ptr<const case_actor_deps> deps,
                           std::chrono::seconds closed_retention) {
  self->state.deps = std::move(deps);
  self->state.closed_retention = closed_retention;
  self->set_down_handler([=](caf::down_msg& msg) {
    if (msg.reason == caf::exit_reason::normal) return;  // a retired case actor
    auto& live = self->state.live;
    for (auto it = live.begin(); it != live.end(); ++it) {
      if (it->second.actor.address() != msg.source) continue;
      // Its unacknowledged entries stay pending in Redis; the next event respawns the case.
      spdlog::error("case {}: actor failed: {}", it->first, to_string(msg.reason));
      live.erase(it);
      return;
    }
  });
  self->set_exit_handler([=](caf::exit_msg& msg) {
    if (msg.reason == caf::exit_reason::normal) return;
    // The router ends, and its case actors with it (they are not linked to it).
    for (const auto& [id, c] : self->state.live) self->send_exit(c.actor, msg.reason);
    self->quit(msg.reason);
  });
  self->delayed_send(self, closed_sweep_interval, sweep_atom::value);
  return {
      [=](case_event_msg& msg) {
        auto& st = self->state;
        const auto& id = msg.event.case_id;
        if (auto it = st.live.find(id); it != st.live.end()) {
          self->send(it->second.actor, std::move(msg));
          return;
        }
        if (auto it = st.retiring.find(id); it != st.retiring.end()) {
          it->second.push_back(std::move(msg));
          return;
        }
        case_archive start;
        if (auto it = st.closed.find(id); it != st.closed.end()) {
          start = std::move(it->second.archive);
          st.closed.erase(it);
        } else {
          start.case_id = id;
        }
        self->send(spawn_case(self, std::move(start)), std::move(msg));
      },
      [=](closed_atom, const std::string& case_id) {
        auto& st = self->state;
        auto it = st.live.find(case_id);
        if (it == st.live.end() || it->second.actor.address() != self->current_sender()) return;
        self->send(it->second.actor, stop_atom::value);
        st.live.erase(it);
        st.retiring.emplace(case_id, std::vector<case_event_msg>{});
      },
      [=](retired_msg& msg) {
        auto& st = self->state;
        const auto id = msg.archive.case_id;
        std::vector<case_event_msg> waiting;
        if (auto it = st.retiring.find(id); it != st.retiring.end()) {
          waiting = std::move(it->second);
          st.retiring.erase(it);
        }
        if (msg.archive.open || !waiting.empty()) {
          // Reopened meanwhile, or events arrived while it was stopping: it lives on.
          answer_waiting(self, msg.archive, true);
          auto actor = spawn_case(self, std::move(msg.archive));
          for (auto& e : waiting) self->send(actor, std::move(e));
          return;
        }
        answer_waiting(self, msg.archive, false);
        st.closed[id] = router_state::archived{std::move(msg.archive),
                                               st.deps->now() + st.closed_retention};
      },
      [=](restore_msg& msg) {
        auto& st = self->state;
        const auto now = st.deps->now();
        for (auto& loaded : msg.cases) {
          const auto id = loaded.archive.case_id;
          if (st.live.count(id) != 0 || st.retiring.count(id) != 0) continue;  // already here: keep
          if (loaded.archive.open) {
            st.closed.erase(id);
            self->send(spawn_case(self, std::move(loaded.archive)), recover_atom::value);
          } else if (loaded.expires_at > now) {
            st.closed[id] = router_state::archived{std::move(loaded.archive), loaded.expires_at};
          }
        }
      },
      [=](restored_atom) { return static_cast<std::uint64_t>(self->state.live.size()); },
      [=](persist_atom) {
        auto& st = self->state;
        for (const auto& [id, c] : st.live) self->send(c.actor, persist_atom::value);
        for (const auto& [id, kept] : st.closed) {
          auto bytes = encode_snapshot(kept.archive);
          if (!bytes) continue;
          write_batch batch;
          batch.snapshot = case_snapshot{id, std::move(*bytes), false, true};
          self->send(st.deps->writer, std::move(batch));
        }
        return static_cast<std::uint64_t>(st.live.size() + st.closed.size());
      },
      [=](sweep_atom) {
        auto& closed = self->state.closed;
        const auto now = self->state.deps->now();
        for (auto it = closed.begin(); it != closed.end();)
          it = it->second.expires_at <= now ? closed.erase(it) : std::next(it);
        self->delayed_send(self, closed_sweep_interval, sweep_atom::value);
      },
      [=](case_summary& summary) {
        auto& st = self->state;
        auto it = st.live.find(summary.case_id);
        if (it == st.live.end() || it->second.actor.address() != self->current_sender()) return;
        it->second.worklist = summary.open ? entry_of(self, summary) : worklist_entry{};
      },
      [=](case_atom, const std::string& case_id) -> caf::result<case_detail> {
        auto& st = self->state;
        if (auto it = st.live.find(case_id); it != st.live.end()) {
          auto promise = self->make_response_promise();
          promise.delegate(it->second.actor, case_atom::value, case_id);
          return promise;
        }
        if (st.retiring.count(case_id) != 0) {
          auto promise = self->make_response_promise();
          st.detail_waiting[case_id].push_back(promise);
          return promise;
        }
        if (auto it = st.closed.find(case_id); it != st.closed.end())
          return detail_of(it->second.archive, *st.deps->rules,
                           std::chrono::floor<std::chrono::seconds>(st.deps->now()), false);
        return case_detail{};
      },
      [=](const worklist_query& query) { return select_worklist(self->state.live, query); },
      [=](rules_changed_msg& msg) -> std::uint64_t {
        auto& st = self->state;
        auto deps = std::make_shared<case_actor_deps>(*st.deps);
        deps->rules = msg.rules;
        st.deps = std::move(deps);
        msg.deps = st.deps;
        for (const auto& [id, c] : st.live) self->send(c.actor, msg);
        return st.live.size();
      },
  };
}

}  // namespace slawatch::actors
