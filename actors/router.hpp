// case_id -> case actor. Spawns a case's actor on its first event, retires it when the case
// closes, and keeps a closed case's history for a while so a late survey answer or a reopen
// is applied to the whole case.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/case_actor.hpp"
#include "actors/messages.hpp"

namespace slawatch::actors {

/// What the worklist keeps of a live case's last summary: the texts point into the router's
/// `worklist_texts` (policies, statuses, priorities, teams and clock names repeat across cases;
/// the summary's six strings cost over 200 bytes in every open case).
struct worklist_entry {
  const std::string* policy = nullptr;
  const std::string* status = nullptr;
  const std::string* priority = nullptr;
  const std::string* team = nullptr;
  const std::string* next_due_clock = nullptr;
  std::optional<rules::instant> next_due;
  bool open = false;  ///< on the worklist (false too before the first summary)
  bool at_risk = false;
  bool breached = false;
};

/// A case whose actor runs, and what the worklist shows of it.
struct live_case {
  caf::actor actor;
  worklist_entry worklist;
};

struct router_state {
  std::shared_ptr<const case_actor_deps> deps;
  std::chrono::seconds closed_retention{0};
  /// Open cases (and closed ones still handling events), by case id.
  std::unordered_map<std::string, live_case> live;
  /// Each text a worklist entry has held, once. Kept for the router's life: these are labels of
  /// few distinct values (a producer sending a new team with every event would grow it).
  std::unordered_set<std::string> worklist_texts;
  /// Cases whose actor was asked to stop; events arriving meanwhile wait here.
  std::unordered_map<std::string, std::vector<case_event_msg>> retiring;
  struct archived {
    case_archive archive;
    std::chrono::system_clock::time_point expires_at;
  };
  /// Closed cases, kept `closed_retention` after their actor ended.
  std::unordered_map<std::string, archived> closed;
  /// Detail requests for cases whose actor is stopping: answered when its history comes back.
  std::unordered_map<std::string, std::vector<caf::response_promise>> detail_waiting;
  static inline const char* name = "slawatch.router";
};

/// How often closed cases past their retention are forgotten.
inline constexpr std::chrono::seconds closed_sweep_interval{60};

/// Open cases of `live` that pass `query`, earliest due first (then by id), at most
/// `query.limit` of them.
worklist_reply select_worklist(const std::unordered_map<std::string, live_case>& live, const worklist_query& query);

/// Handles `case_event_msg` (route, spawning as needed), `closed_atom, case_id` (from a case
/// actor: stop it), `retired_msg` (keep its history, or respawn it if events are waiting or the
/// case opened again), `sweep_atom`, `case_summary` (from a case actor: the worklist entry),
/// `case_atom, case_id` (replies a case_detail, found = false for an unknown case),
/// `worklist_query` (replies a worklist_reply), `rules_changed_msg` (use the new rules for
/// new case actors and pass them to every live one; replies the number of live cases, uint64),
/// `restore_msg` (cases loaded from their snapshots at recovery), `restored_atom` (replies the
/// number of live case actors: every message sent before it is handled) and `persist_atom`
/// (every live case and every kept closed one sends its snapshot to the writer again; replies
/// how many). Case actors are monitored (a failed one is forgotten until its next event) and are
/// sent the router's exit reason when it ends.
caf::behavior router_actor(caf::stateful_actor<router_state>* self,
                           std::shared_ptr<const case_actor_deps> deps,
                           std::chrono::seconds closed_retention);

}  // namespace slawatch::actors
