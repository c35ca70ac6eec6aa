#include "actors/router.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace slawatch::actors {

namespace {

using router_ptr = caf::stateful_actor<router_state>*;

caf::actor spawn_case(router_ptr self, case_archive start) {
  const auto id = start.case_id;
  auto actor = self->spawn<caf::linked>(case_actor, std::move(start), self->state.deps,
                                        caf::actor_cast<caf::actor>(self));
  self->state.live.emplace(id, actor);
  return actor;
}

}  // namespace

caf::behavior router_actor(router_ptr self, std::shared_ptr<const case_actor_deps> deps,
                           std::chrono::seconds closed_retention) {
  self->state.deps = std::move(deps);
  self->state.closed_retention = closed_retention;
  self->set_exit_handler([=](caf::exit_msg& msg) {
    if (msg.reason == caf::exit_reason::normal) return;  // a retired case actor
    auto& live = self->state.live;
    for (auto it = live.begin(); it != live.end(); ++it) {
      if (it->second.address() != msg.source) continue;
      // Its unacknowledged entries stay pending in Redis; the next event respawns the case.
      spdlog::error("case {}: actor failed: {}", it->first, to_string(msg.reason));
      live.erase(it);
      return;
    }
    self->quit(msg.reason);
  });
  self->delayed_send(self, closed_sweep_interval, sweep_atom::value);
  return {
      [=](case_event_msg& msg) {
        auto& st = self->state;
        const auto& id = msg.event.case_id;
        if (auto it = st.live.find(id); it != st.live.end()) {
          self->send(it->second, std::move(msg));
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
        if (it == st.live.end() || it->second.address() != self->current_sender()) return;
        self->send(it->second, stop_atom::value);
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
          auto actor = spawn_case(self, std::move(msg.archive));
          for (auto& e : waiting) self->send(actor, std::move(e));
          return;
        }
        st.closed[id] = router_state::archived{std::move(msg.archive),
                                               st.deps->now() + st.closed_retention};
      },
      [=](sweep_atom) {
        auto& closed = self->state.closed;
        const auto now = self->state.deps->now();
        for (auto it = closed.begin(); it != closed.end();)
          it = it->second.expires_at <= now ? closed.erase(it) : std::next(it);
        self->delayed_send(self, closed_sweep_interval, sweep_atom::value);
      },
  };
}

}  // namespace slawatch::actors
