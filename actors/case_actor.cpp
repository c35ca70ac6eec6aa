#include "actors/case_actor.hpp"

#include <algorithm>
#include <charconv>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/alert.hpp"
#include "actors/snapshot.hpp"
#include "rules/partition.hpp"

namespace slawatch::actors {

namespace {

using case_actor_ptr = caf::stateful_actor<case_state>*;

std::optional<int> int_attribute(const rules::event_attributes& attrs, const char* name) {
  const auto text = attrs.get(name);
  if (!text) return std::nullopt;
  int value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size()) return std::nullopt;
  return value;
}

/// Counts what an applied event says by itself (answers to surveys, reopens).
void count_event(metrics& stats, const rules::event& e) {
  if (e.type == rules::event_type::csat_received) {
    if (auto csat = int_attribute(e.attrs, "csat")) stats.csat_response(*csat);
    if (auto nps = int_attribute(e.attrs, "nps")) stats.nps_response(*nps);
  } else if (e.type == rules::event_type::case_reopened) {
    stats.reopen();
  }
}

/// Arms the timer for `wake` unless one that fires no later is already armed (an early tick
/// just re-evaluates and re-arms, so an extra timer is harmless; fewer timers are cheaper).
void arm(case_actor_ptr self, std::optional<rules::instant> wake) {
  auto& st = self->state;
  if (!wake) {
    st.armed_for.reset();
    ++st.timer_generation;
    return;
  }
  if (st.armed_for && *st.armed_for <= *wake) return;
  st.armed_for = wake;
  const auto generation = ++st.timer_generation;
  const auto delay = std::max(std::chrono::system_clock::duration::zero(),
                              std::chrono::system_clock::time_point{*wake} - st.deps->now());
  self->delayed_send(self, delay, tick_atom::value, generation);
}

/// The case's state for the writer; none (logged) if the format cannot hold it.
std::optional<case_snapshot> snapshot_of(const case_archive& data) {
  auto bytes = encode_snapshot(data);
  if (!bytes) {
    spdlog::error("case snapshot not saved: {}", bytes.error());
    return std::nullopt;
  }
  return case_snapshot{data.case_id, std::move(*bytes), data.open};
}

/// Evaluates the case as of now, writes what is new, acknowledges `acks`, re-arms the timer.
/// `changed`: an event was applied, so the case's snapshot is saved with the batch even if no
/// record is due. `recovered`: the first evaluation after the case was restored at start.
void evaluate_and_emit(case_actor_ptr self, std::vector<entry_ref> acks, bool changed, bool recovered = false) {
  auto& st = self->state;
  auto& stats = *st.deps->stats;
  const auto wall_now = st.deps->now();
  const auto now = std::chrono::floor<std::chrono::seconds>(wall_now);
  // Records written before are not even built: only the new ones come back.
  rules::evaluate_options options;
  options.known_record = [&emitted = st.data.emitted](std::string_view id) { return emitted.contains(id); };
  auto view = rules::evaluate(st.data.events, *st.deps->rules, now, options);
  const auto labels = stats.labels_of(view.attrs, view.policy, view.status);
  auto summary = summarize(view);

  write_batch batch;
  batch.acks = std::move(acks);
  batch.context = context_of(view.attrs);
  batch.recovered = recovered;
  if (recovered) batch.restored_at = wall_now;
  // The view holds only records not written before; kept in place (moving them one by one into
  // a growing vector was 5 % of the daemon's CPU), less any id seen twice in this evaluation.
  batch.records = std::move(view.records);
  std::size_t kept = 0;
  for (auto& r : batch.records) {
    if (!st.data.emitted.insert(r.id)) continue;
    stats.record_emitted(labels, r);
    if (&r != &batch.records[kept]) batch.records[kept] = std::move(r);
    ++kept;
  }
  batch.records.resize(kept);
  const bool was_open = st.data.open;
  const bool fcr_was_counted = st.data.fcr_counted;

  st.gauges.set_open(view.open ? std::optional<case_labels>{labels} : std::nullopt);
  st.gauges.set_at_risk(summary.at_risk ? std::optional<case_labels>{labels} : std::nullopt);

  // Wake at the engine's next firing instant, or when an event stamped in the future (a
  // producer's clock ahead of ours) starts to count, whichever is first.
  std::optional<rules::instant> wake = view.next_fire;
  for (const auto& e : st.data.events.events())
    if (e.ts > now) {
      if (!wake || e.ts < *wake) wake = e.ts;
      break;  // events are kept in time order
    }
  arm(self, wake);

  if (view.closed) {
    if (!st.data.fcr_counted && view.reopen_count == 0 && view.agent_messages <= 1) {
      stats.first_contact_resolution();
      st.data.fcr_counted = true;
    }
    if (!st.closed_announced) {
      st.closed_announced = true;
      self->send(st.router, closed_atom::value, st.data.case_id);
    }
  } else {
    st.closed_announced = false;
  }
  st.data.open = !view.closed;

  if (const auto fingerprint = summary_fingerprint(summary); fingerprint != st.summary_sent) {
    st.summary_sent = fingerprint;
    self->send(st.router, std::move(summary));
  }
  // The snapshot goes in the same transaction as the records it knows of and before the acks of
  // the entries it applied: after a crash Redis holds both or neither.
  if (changed || !batch.records.empty() || was_open != st.data.open || fcr_was_counted != st.data.fcr_counted)
    batch.snapshot = snapshot_of(st.data);
  if (!batch.records.empty() || !batch.acks.empty() || batch.snapshot) self->send(st.deps->writer, std::move(batch));
}

}  // namespace

gauge_share::~gauge_share() {
  if (!stats_) return;
  set_open(std::nullopt);
  set_at_risk(std::nullopt);
  stats_->add_case_actors(-1);
}

void gauge_share::attach(std::shared_ptr<metrics> stats) {
  stats_ = std::move(stats);
  stats_->add_case_actors(1);
}

template <class Find>
void gauge_share::move_count(held_gauge& held, std::optional<std::uint64_t> labels_hash, Find find) {
  if (held.gauge && labels_hash && held.labels_hash == *labels_hash) return;
  prometheus::Gauge* now = labels_hash ? &find() : nullptr;
  if (held.gauge == now) return;
  if (held.gauge) held.gauge->Decrement();
  if (now) now->Increment();
  held = held_gauge{now, labels_hash.value_or(0)};
}

void gauge_share::set_open(const std::optional<case_labels>& labels) {
  std::optional<std::uint64_t> hash;
  if (labels) hash = rules::fnv1a_64(labels->priority + '\0' + labels->status);
  move_count(open_, hash, [&]() -> prometheus::Gauge& { return stats_->open_cases(*labels); });
}

void gauge_share::set_at_risk(const std::optional<case_labels>& labels) {
  std::optional<std::uint64_t> hash;
  if (labels) hash = rules::fnv1a_64(labels->priority);
  move_count(at_risk_, hash, [&]() -> prometheus::Gauge& { return stats_->at_risk_cases(*labels); });
}

case_summary summarize(const rules::case_view& view) {
  case_summary s;
  s.case_id = view.case_id;
  s.policy = view.policy;
  s.status = view.status;
  if (auto it = view.attrs.find("priority"); it != view.attrs.end()) s.priority = it->second;
  if (auto it = view.attrs.find("team"); it != view.attrs.end()) s.team = it->second;
  s.open = view.open;
  s.at_risk = view.open && is_at_risk(view);
  for (const auto& clock : view.clocks) {
    if (clock.stopped) continue;
    if (clock.state == rules::clock_state::breached) s.breached = true;
    if (clock.due_at && (!s.next_due || *clock.due_at < *s.next_due)) {
      s.next_due = clock.due_at;
      s.next_due_clock = rules::to_string(clock.kind);
    }
  }
  return s;
}

std::uint64_t summary_fingerprint(const case_summary& s) {
  // Each text field ends with a NUL byte (which attribute values practically never hold), so
  // fields do not run into each other; the instant as its decimal seconds.
  std::string text;
  text.reserve(128);
  for (const std::string* field : {&s.case_id, &s.policy, &s.status, &s.priority, &s.team, &s.next_due_clock}) {
    text += *field;
    text += '\0';
  }
  text += s.open ? '1' : '0';
  text += s.at_risk ? '1' : '0';
  text += s.breached ? '1' : '0';
  if (s.next_due) text += std::to_string(s.next_due->time_since_epoch().count());
  const std::uint64_t hash = rules::fnv1a_64(text);
  return hash == 0 ? 1 : hash;
}

case_detail detail_of(const case_archive& data, const rules::rule_set& rules, rules::instant now, bool live) {
  case_detail d;
  d.found = true;
  d.live = live;
  d.rules_version = rules.version;
  d.as_of = now;
  rules::evaluate_options options;
  options.with_ledger = true;
  options.with_audit = true;
  d.view = rules::evaluate(data.events, rules, now, options);
  if (d.view.case_id.empty()) d.view.case_id = data.case_id;
  d.reload_audit = data.reload_audit;
  return d;
}

std::vector<rules::record> reload_audit(const rules::case_events& events, const rules::rule_set& old_rules,
                                        const rules::rule_set& new_rules, rules::instant at) {
  rules::evaluate_options quick;
  quick.with_audit = false;
  const auto before = rules::evaluate(events, old_rules, at, quick);
  const auto after = rules::evaluate(events, new_rules, at, quick);
  const auto format_due = [](const std::optional<rules::instant>& due) {
    return due ? rules::format_iso8601(*due) : std::string{"none"};
  };
  std::vector<rules::record> out;
  for (const auto& clock : after.clocks) {
    if (clock.stopped) continue;
    const rules::clock_view* old = nullptr;
    for (const auto& c : before.clocks)
      if (c.kind == clock.kind && c.cycle == clock.cycle) old = &c;
    if (old && old->due_at == clock.due_at && old->policy == clock.policy && old->stopped == clock.stopped) continue;
    rules::record r;
    r.type = rules::record::kind::audit;
    r.case_id = after.case_id;
    r.at = at;
    r.metric = rules::to_string(clock.kind);
    r.cycle = clock.cycle;
    r.policy = clock.policy;
    r.action = "rules_reloaded";
    r.detail = "rules " + old_rules.version + " -> " + new_rules.version + ": due " +
               format_due(old ? old->due_at : std::nullopt) + " -> " + format_due(clock.due_at);
    if (old && old->policy != clock.policy) r.detail += ", policy " + old->policy + " -> " + clock.policy;
    r.id = after.case_id + ":" + r.metric + ":" + std::to_string(clock.cycle) + ":rules_reloaded:" +
           old_rules.version + ":" + new_rules.version + ":" + rules::format_iso8601(at);
    out.push_back(std::move(r));
  }
  return out;
}

bool is_at_risk(const rules::case_view& view) {
  for (const auto& clock : view.clocks)
    if (!clock.stopped && (clock.state == rules::clock_state::breached || clock.warned)) return true;
  return false;
}

caf::behavior case_actor(caf::stateful_actor<case_state>* self, case_archive start,
                         std::shared_ptr<const case_actor_deps> deps, caf::actor router) {
  self->state.data = std::move(start);
  self->state.deps = std::move(deps);
  self->state.router = std::move(router);
  self->state.gauges.attach(self->state.deps->stats);
  return {
      [=](case_event_msg& msg) {
        auto& st = self->state;
        auto& stats = *st.deps->stats;
        const std::string type = rules::to_string(msg.event.type);
        const auto lag = st.deps->now() - std::chrono::system_clock::time_point{msg.event.ts};
        // Only surveys and reopens are counted from the event itself; keep just those.
        std::optional<rules::event> counted;
        if (msg.event.type == rules::event_type::csat_received ||
            msg.event.type == rules::event_type::case_reopened)
          counted = msg.event;
        bool applied = false;
        if (st.data.events.add(std::move(msg.event))) {
          applied = true;
          st.data.last_applied = msg.source;
          stats.ingest_event(type, "applied");
          stats.ingest_lag(lag);
          if (counted) count_event(stats, *counted);
        } else {
          stats.ingest_event(type, "duplicate");
          spdlog::debug("case {}: duplicate {} ignored", st.data.case_id, type);
        }
        evaluate_and_emit(self, {std::move(msg.source)}, applied);
      },
      [=](tick_atom, std::uint64_t generation) {
        if (generation != self->state.timer_generation) return;
        self->state.armed_for.reset();
        evaluate_and_emit(self, {}, false);
      },
      [=](recover_atom) { evaluate_and_emit(self, {}, false, true); },
      [=](persist_atom) {
        write_batch batch;
        batch.snapshot = snapshot_of(self->state.data);
        if (batch.snapshot) batch.snapshot->resave = true;
        if (batch.snapshot) self->send(self->state.deps->writer, std::move(batch));
      },
      [=](rules_changed_msg& msg) {
        auto& st = self->state;
        if (!msg.deps || msg.deps->rules == st.deps->rules) return;
        write_batch batch;
        if (!st.data.events.empty()) {
          for (auto& r : reload_audit(st.data.events, *st.deps->rules, *msg.deps->rules, msg.at)) {
            if (!st.data.emitted.insert(r.id)) continue;
            st.data.reload_audit.push_back(r);
            batch.records.push_back(std::move(r));
          }
        }
        st.deps = std::move(msg.deps);
        if (!batch.records.empty()) self->send(st.deps->writer, std::move(batch));
        // Due times may have moved either way: what is due now is written, the timer re-armed.
        st.armed_for.reset();
        evaluate_and_emit(self, {}, true);
      },
      [=](case_atom, const std::string&) -> case_detail {
        auto& st = self->state;
        return detail_of(st.data, *st.deps->rules, std::chrono::floor<std::chrono::seconds>(st.deps->now()), true);
      },
      [=](stop_atom) {
        self->send(self->state.router, retired_msg{std::move(self->state.data)});
        self->quit();
      },
  };
}

}  // namespace slawatch::actors
