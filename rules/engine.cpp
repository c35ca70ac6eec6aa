// The SLA clock engine. evaluate() replays a case's events in their canonical order and, between
// consecutive event instants, fires the thresholds (warnings, breach, escalation levels) that the
// running clocks reach. Because it always starts from the sorted event set, the result depends
// only on the events, never on their arrival order.
#include "rules/engine.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>

#include "rules/match.hpp"

namespace slawatch::rules {

const char* to_string(clock_state s) {
  switch (s) {
    case clock_state::running:
      return "running";
    case clock_state::paused:
      return "paused";
    case clock_state::met:
      return "met";
    case clock_state::breached:
      return "breached";
    case clock_state::cancelled:
      return "cancelled";
  }
  return "unknown";
}

bool record_before(const record& a, const record& b) {
  return std::tie(a.at, a.case_id, a.metric, a.id) < std::tie(b.at, b.case_id, b.metric, b.id);
}

bool case_events::add(event e) {
  if (!e.event_id.empty()) {
    for (const auto& held : events_)
      if (held.event_id == e.event_id) return false;
  }
  auto pos = std::lower_bound(events_.begin(), events_.end(), e, applies_before);
  // Neither before the other under a total order: the same event again.
  if (pos != events_.end() && !applies_before(e, *pos)) return false;
  events_.insert(pos, std::move(e));
  return true;
}

namespace {

// One stretch of a clock's life: from `from` until the next phase (or stop, or now).
struct phase {
  instant from;
  bool paused = false;
  std::string pause_status;
};

enum class threshold_kind { warning, breach, escalation };

// A threshold is a number of counted seconds at which a notification becomes due.
struct threshold {
  std::int64_t counted = 0;
  threshold_kind kind = threshold_kind::breach;
  int level = 0;
  std::int64_t bp = 0;  // warnings only
  const std::vector<std::string>* notify = nullptr;  // the clock's or its escalation level's
};

struct clock_instance {
  clock_kind kind = clock_kind::resolution;
  int cycle = 1;
  int restarts = 0;  // retarget: restart count, part of record ids so restarted clocks notify anew
  std::string policy;
  // The rules' own (evaluate's rule_set outlives the fold): copying them per clock and per
  // evaluation was most of what starting a clock cost.
  const clock_rule* rule = nullptr;
  const std::vector<escalation_level>* chain = nullptr;  // none: no escalation chain
  const std::vector<std::string>* notify = nullptr;
  instant started_at;
  std::vector<phase> phases;
  std::optional<instant> stopped_at;
  bool cancelled = false;
  std::vector<std::pair<threshold_kind, int>> fired;  // (kind, level) of thresholds already fired

  bool has_fired(const threshold& t) const {
    return std::find(fired.begin(), fired.end(), std::make_pair(t.kind, t.level)) != fired.end();
  }

  bool has_warned() const {
    return std::any_of(fired.begin(), fired.end(), [](const auto& f) { return f.first == threshold_kind::warning; });
  }

  bool running() const { return !stopped_at && !cancelled; }
  bool paused() const { return !phases.empty() && phases.back().paused; }
  std::string key() const {
    std::string k = std::to_string(cycle);
    if (restarts > 0) k += "r" + std::to_string(restarts);
    return k;
  }
};

/// An integer attribute (`csat`, `nps`, `level`) as std::atoi reads its text.
int attribute_int(std::string_view text) { return std::atoi(std::string(text).c_str()); }

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::int64_t fraction_of(std::int64_t target, std::int64_t bp) { return target * bp / 10000; }

// Counted seconds of the clock's running phases and of its paused phases, up to `until`.
struct counted_totals {
  std::int64_t running = 0;
  std::int64_t paused = 0;
};

instant phase_end(const clock_instance& c, std::size_t i, instant until) {
  instant end = i + 1 < c.phases.size() ? c.phases[i + 1].from : until;
  if (c.stopped_at && *c.stopped_at < end) end = *c.stopped_at;
  return std::min(end, until);
}

counted_totals count(const clock_instance& c, const calendar& cal, instant until) {
  counted_totals totals;
  for (std::size_t i = 0; i < c.phases.size(); ++i) {
    const instant from = c.phases[i].from;
    const instant to = phase_end(c, i, until);
    if (to <= from) continue;
    (c.phases[i].paused ? totals.paused : totals.running) += cal.open_seconds(from, to);
  }
  return totals;
}

// Counted seconds of the clock's running phases up to `until` (count().running, without the
// paused phases' calendar walks).
std::int64_t running_seconds(const clock_instance& c, const calendar& cal, instant until) {
  std::int64_t total = 0;
  for (std::size_t i = 0; i < c.phases.size(); ++i) {
    if (!c.phases[i].paused) total += cal.open_seconds(c.phases[i].from, phase_end(c, i, until));
  }
  return total;
}

// The instant the clock's counted time reaches `needed`, walking its phases up to `until`
// (its stop, or now). If not reached by then: projected from `until` when the clock is running or
// stopped, nothing when it is paused at `until`.
std::optional<instant> reach_instant(const clock_instance& c, const calendar& cal,
                                     std::int64_t needed, instant until) {
  std::int64_t acc = 0;
  for (std::size_t i = 0; i < c.phases.size(); ++i) {
    if (c.phases[i].paused) continue;
    const instant from = c.phases[i].from;
    const instant to = phase_end(c, i, until);
    if (to < from) continue;
    const std::int64_t here = cal.open_seconds(from, to);
    if (acc + here >= needed) return cal.due_after(from, needed - acc);
    acc += here;
  }
  if (c.stopped_at && *c.stopped_at <= until) return cal.due_after(*c.stopped_at, needed - acc);
  if (c.paused()) return std::nullopt;
  return cal.due_after(until, needed - acc);
}

class case_fold {
 public:
  case_fold(const rule_set& rules, const evaluate_options& options, instant now)
      : rules_(rules), options_(options), now_(now) {
    view_.status = "open";
  }

  case_view run(const std::vector<event>& events) {
    // Every record comes back when none is known (replay: a few per event); else only the new
    // ones of this evaluation, a handful. Growing the vector record by record moved them all.
    view_.records.reserve(options_.known_record ? 8 : 4 * events.size());
    std::size_t i = 0;
    while (i < events.size() && events[i].ts <= now_) {
      const instant t = events[i].ts;
      while (i < events.size() && events[i].ts == t) apply(events[i++]);
      const bool last = i >= events.size() || events[i].ts > now_;
      fire(t, last ? now_ : events[i].ts, last);
    }
    return finish();
  }

 private:
  const calendar& cal(const clock_instance& c) const { return rules_.calendar_named(c.rule->calendar); }

  // The fields every record of this case shares; the caller fills in the rest.
  record new_record(record::kind type, instant at, std::string metric, int cycle) const {
    record r;
    r.type = type;
    r.case_id = view_.case_id;
    r.at = at;
    r.metric = std::move(metric);
    r.cycle = cycle;
    r.policy = policy_ ? policy_->name : "";
    return r;
  }

  void audit(instant at, std::string action, std::string metric, int cycle, std::string detail) {
    if (!options_.with_audit) return;
    std::string base = view_.case_id + ":audit:" + action + ":" + metric + ":" + std::to_string(cycle) + ":" +
                       format_iso8601(at);
    const int n = ++audit_ids_[base];
    std::string id = n == 1 ? base : base + "#" + std::to_string(n);
    if (known(id)) return;
    record r = new_record(record::kind::audit, at, std::move(metric), cycle);
    r.action = std::move(action);
    r.detail = std::move(detail);
    r.id = std::move(id);
    view_.records.push_back(std::move(r));
  }

  bool known(std::string_view id) const { return options_.known_record && options_.known_record(id); }

  void audit_clock(const clock_instance& c, instant at, std::string action, std::string detail = {}) {
    audit(at, std::move(action), to_string(c.kind), c.cycle, std::move(detail));
  }

  // Receivers after working-hours routing: a receiver outside its hours hands over to its
  // `outside_hours` receiver (followed a few hops at most, so a cycle cannot loop).
  std::vector<std::string> route(const std::vector<std::string>& names, instant at) const {
    std::vector<std::string> out;
    for (std::string name : names) {
      for (int hop = 0; hop < 4; ++hop) {
        auto it = rules_.receivers.find(name);
        if (it == rules_.receivers.end() || it->second.hours.empty() ||
            it->second.outside_hours.empty() || rules_.calendar_named(it->second.hours).is_open(at))
          break;
        name = it->second.outside_hours;
      }
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    }
    return out;
  }

  const std::vector<escalation_level>* chain_of(const policy* p) const {
    if (!p || p->escalation.empty()) return nullptr;
    auto it = rules_.escalations.find(p->escalation);
    return it == rules_.escalations.end() ? nullptr : &it->second;
  }

  void notify_record(instant at, std::string kind, std::string metric, int cycle,
                     std::string key, int level, std::optional<instant> due,
                     const std::vector<std::string>& receivers, std::string reason,
                     std::int64_t bp = 0) {
    std::string id = view_.case_id + ":" + metric + ":" + key + ":" + kind + ":" + std::to_string(level);
    if (known(id)) return;
    record r = new_record(record::kind::notification, at, std::move(metric), cycle);
    r.notification_kind = std::move(kind);
    r.level = level;
    r.threshold_bp = bp;
    r.due_at = due.value_or(at);
    r.notify = route(receivers, at);
    r.reason = std::move(reason);
    r.id = std::move(id);
    view_.records.push_back(std::move(r));
  }

  std::vector<threshold> thresholds_of(const clock_instance& c) const {
    std::vector<threshold> out;
    out.reserve(c.rule->warn_at_bp.size() + 1 + (c.chain ? c.chain->size() : 0));
    const std::int64_t target = c.rule->target_seconds;
    int n = 0;
    for (std::int64_t bp : c.rule->warn_at_bp)
      out.push_back({fraction_of(target, bp), threshold_kind::warning, ++n, bp, c.notify});
    out.push_back({target, threshold_kind::breach, 0, 10000, c.notify});
    if (!c.chain) return out;
    for (const auto& lvl : *c.chain) {
      const std::int64_t at =
          lvl.at_bp ? fraction_of(target, *lvl.at_bp) : target + lvl.after_breach_seconds;
      out.push_back({at, threshold_kind::escalation, lvl.level, 0, &lvl.notify});
    }
    return out;
  }

  // Fires every threshold reached in [from, to) — or [from, to] for the last window — by the
  // clocks running after the events at `from` were applied.
  //
  // For a running clock with `counted` seconds before `from`, a threshold of `needed` seconds is
  // reached at `from` when needed <= counted (reached earlier but not fired: a retarget moved it),
  // else where the calendar has given needed - counted more open seconds after `from`: what
  // reach_instant() answers, clamped to `from`, without walking the phases per threshold. One
  // that needs more than the window's open seconds is not reached within it; of those only the
  // one needing least is asked for its instant (the next firing), since instants grow with need.
  void fire(instant from, instant to, bool inclusive) {
    for (auto& c : clocks_) {
      if (!c.running() || c.paused()) continue;
      const calendar& k = cal(c);
      const std::int64_t counted = running_seconds(c, k, from);
      const std::int64_t window = k.open_seconds(from, to);
      std::optional<std::int64_t> least_beyond;
      std::optional<std::optional<instant>> due;  // the target's instant, once something fires
      for (const auto& t : thresholds_of(c)) {
        if (c.has_fired(t)) continue;
        const std::int64_t left = t.counted - counted;
        if (left > window) {
          if (inclusive && (!least_beyond || left < *least_beyond)) least_beyond = left;
          continue;
        }
        const instant at = left <= 0 ? from : k.due_after(from, left);
        const bool within = inclusive ? at <= to : at < to;
        if (!within) {
          if (inclusive && (!next_fire_ || at < *next_fire_)) next_fire_ = at;
          continue;
        }
        c.fired.emplace_back(t.kind, t.level);
        if (!due) due = reach_instant(c, k, c.rule->target_seconds, from);
        const std::string metric = to_string(c.kind);
        switch (t.kind) {
          case threshold_kind::breach:
            notify_record(at, "breach", metric, c.cycle, c.key(), 0, *due, *t.notify, "");
            audit_clock(c, at, "breached", "due " + format_iso8601(due->value_or(at)));
            break;
          case threshold_kind::warning:
            notify_record(at, "warning", metric, c.cycle, c.key(), t.level, *due, *t.notify, "",
                          t.bp);
            audit_clock(c, at, "warning", std::to_string(t.bp / 100) + "%");
            break;
          case threshold_kind::escalation:
            notify_record(at, "escalation", metric, c.cycle, c.key(), t.level, *due, *t.notify,
                          "time");
            audit_clock(c, at, "escalated", "level " + std::to_string(t.level));
            break;
        }
      }
      if (least_beyond) {
        const instant at = k.due_after(from, *least_beyond);
        if (!next_fire_ || at < *next_fire_) next_fire_ = at;
      }
    }
  }

  clock_instance make_clock(clock_kind kind, int cycle, const policy& p, instant at) const {
    clock_instance c;
    c.kind = kind;
    c.cycle = cycle;
    c.policy = p.name;
    c.rule = &p.clocks.at(kind);
    c.chain = chain_of(&p);
    c.notify = &p.notify;
    c.started_at = at;
    c.phases.push_back({at, false, {}});
    return c;
  }

  void start(clock_kind kind, int cycle, instant at) {
    if (!policy_ || !policy_->clocks.count(kind)) return;
    clocks_.push_back(make_clock(kind, cycle, *policy_, at));
    update_pause(clocks_.back(), at);
    audit_clock(clocks_.back(), at, "clock_started",
                "target " + std::to_string(clocks_.back().rule->target_seconds) + "s");
  }

  clock_instance* running(clock_kind kind) {
    for (auto& c : clocks_)
      if (c.kind == kind && c.running()) return &c;
    return nullptr;
  }

  int last_cycle(clock_kind kind) const {
    int n = 0;
    for (const auto& c : clocks_)
      if (c.kind == kind) n = std::max(n, c.cycle);
    return n;
  }

  void stop(clock_instance& c, instant at) {
    if (!c.running()) return;
    c.stopped_at = at;
    const calendar& k = cal(c);
    const counted_totals totals = count(c, k, at);
    const instant due = reach_instant(c, k, c.rule->target_seconds, at).value_or(at);
    const bool met = at <= due;
    std::string id = view_.case_id + ":" + to_string(c.kind) + ":" + c.key() + ":outcome";
    if (!known(id)) {
      record r = new_record(record::kind::outcome, at, to_string(c.kind), c.cycle);
      r.policy = c.policy;  // the clock's own policy: a retarget may have moved the case on
      r.target_seconds = c.rule->target_seconds;
      r.started_at = c.started_at;
      r.due_at = due;
      r.elapsed_seconds = totals.running;
      r.paused_seconds = totals.paused;
      r.met = met;
      r.id = std::move(id);
      view_.records.push_back(std::move(r));
    }
    audit_clock(c, at, met ? "met" : "stopped_breached",
                "elapsed " + std::to_string(totals.running) + "s of " +
                    std::to_string(c.rule->target_seconds) + "s");
  }

  void stop_all(instant at) {
    for (auto& c : clocks_) stop(c, at);
  }

  void cancel(clock_instance& c, instant at, const std::string& why) {
    if (!c.running()) return;
    c.cancelled = true;
    c.stopped_at = at;
    audit_clock(c, at, "cancelled", why);
  }

  void update_pause(clock_instance& c, instant at) {
    if (!c.running()) return;
    const bool should_pause = std::find(c.rule->pause_on.begin(), c.rule->pause_on.end(),
                                        view_.status) != c.rule->pause_on.end();
    if (should_pause == c.paused()) return;
    if (c.phases.back().from == at) {
      c.phases.back().paused = should_pause;
      c.phases.back().pause_status = should_pause ? view_.status : "";
    } else {
      c.phases.push_back({at, should_pause, should_pause ? view_.status : ""});
    }
    if (at != c.started_at)
      audit_clock(c, at, should_pause ? "paused" : "resumed", "status " + view_.status);
  }

  void open_case(instant at) {
    view_.open = true;
    opened_ = true;
    policy_ = select_policy(rules_, view_.attrs);
    audit(at, "opened", "case", 1, policy_ ? "policy " + policy_->name : "");
    const bool assigned = view_.attrs.count("assignee") > 0;
    if (!assigned) start(clock_kind::triage, 1, at);
    start(clock_kind::first_response, 1, at);
    start(clock_kind::resolution, 1, at);
  }

  // A policy change: every running clock follows the retarget mode.
  void retarget(const policy& next, instant at) {
    const std::string from = policy_ ? policy_->name : "";
    policy_ = &next;
    audit(at, "policy_changed", "case", 1, from + " -> " + next.name);
    std::vector<clock_instance> started;
    for (auto& c : clocks_) {
      if (!c.running()) continue;
      auto rule = next.clocks.find(c.kind);
      if (rule == next.clocks.end()) {
        cancel(c, at, "policy " + next.name + " has no " + to_string(c.kind) + " clock");
        continue;
      }
      clock_instance kept = c;
      kept.policy = next.name;
      kept.rule = &rule->second;
      kept.notify = &next.notify;
      kept.chain = chain_of(&next);
      const std::string old_due = due_text(c, at);
      switch (rules_.retarget) {
        case retarget_mode::keep_start:
          c = std::move(kept);
          break;
        case retarget_mode::restart: {
          clock_instance fresh = make_clock(c.kind, c.cycle, next, at);
          fresh.restarts = c.restarts + 1;
          cancel(c, at, "restarted under policy " + next.name);
          started.push_back(std::move(fresh));
          continue;
        }
        case retarget_mode::strictest: {
          const auto old_left = remaining(c, at);
          const auto new_left = remaining(kept, at);
          if (new_left < old_left) c = std::move(kept);
          break;
        }
      }
      update_pause(c, at);
      audit_clock(c, at, "retargeted", "due " + old_due + " -> " + due_text(c, at));
    }
    for (auto& fresh : started) {
      clocks_.push_back(std::move(fresh));
      update_pause(clocks_.back(), at);
      audit_clock(clocks_.back(), at, "retargeted",
                  "restarted, due " + due_text(clocks_.back(), at));
    }
  }

  // Counted seconds left before the due time, as of `at` (negative when past due).
  std::int64_t remaining(const clock_instance& c, instant at) const {
    return c.rule->target_seconds - count(c, cal(c), at).running;
  }

  std::string due_text(const clock_instance& c, instant at) const {
    const auto due = reach_instant(c, cal(c), c.rule->target_seconds, at);
    return due ? format_iso8601(*due) : "paused";
  }

  void merge_attributes(const event& e, instant at) {
    for (const auto& [name, value] : e.attrs) {
      if (name == "csat" || name == "nps" || name == "level" || name == "reason") continue;
      std::string v = name == "status" ? lower(std::string(value)) : std::string(value);
      auto it = view_.attrs.find(std::string(name));
      if (it != view_.attrs.end() && it->second == v) continue;
      if (opened_ && name == "assignee") audit(at, "owner_changed", "case", 1, "");
      if (opened_ && name == "team") audit(at, "team_changed", "case", 1, "team " + v);
      view_.attrs[std::string(name)] = v;
      if (name == "status") view_.status = v;
    }
  }

  void escalate(instant at, const std::string& metric, const std::string& key, int level,
                const std::string& reason) {
    std::vector<std::string> receivers;
    if (const auto* chain = chain_of(policy_)) {
      for (const auto& l : *chain)
        if (l.level == level) receivers = l.notify;
    }
    if (receivers.empty() && policy_) receivers = policy_->notify;
    notify_record(at, "escalation", metric, 1, key, level, std::nullopt, receivers, reason);
    audit(at, "escalated", metric, 1, "level " + std::to_string(level) + " " + reason);
  }

  void apply(const event& e) {
    const instant t = e.ts;
    if (view_.case_id.empty()) view_.case_id = e.case_id;
    merge_attributes(e, t);
    if (!opened_ && e.type != event_type::csat_received) open_case(t);

    switch (e.type) {
      case event_type::case_created:
      case event_type::case_updated:
        break;
      case event_type::case_assigned:
        if (auto* c = running(clock_kind::triage)) stop(*c, t);
        break;
      case event_type::case_status_changed:
        if (view_.status == "resolved") resolve(t);
        if (view_.status == "closed") close(t);
        break;
      case event_type::message_agent:
        ++view_.agent_messages;
        if (auto* c = running(clock_kind::triage)) stop(*c, t);
        if (auto* c = running(clock_kind::first_response)) stop(*c, t);
        if (auto* c = running(clock_kind::next_reply)) stop(*c, t);
        if (!view_.resolved && !view_.closed) {
          if (auto* c = running(clock_kind::periodic_update)) stop(*c, t);
          start(clock_kind::periodic_update, last_cycle(clock_kind::periodic_update) + 1, t);
        }
        break;
      case event_type::message_customer:
        if (!view_.resolved && !view_.closed && !running(clock_kind::first_response) &&
            !running(clock_kind::next_reply))
          start(clock_kind::next_reply, last_cycle(clock_kind::next_reply) + 1, t);
        break;
      case event_type::case_resolved:
        resolve(t);
        break;
      case event_type::case_reopened:
        if (view_.resolved || view_.closed) {
          view_.resolved = false;
          view_.closed = false;
          view_.open = true;
          ++view_.reopen_count;
          if (!e.attrs.count("status")) view_.status = "open";
          audit(t, "reopened", "case", last_cycle(clock_kind::resolution) + 1, "");
          start(clock_kind::resolution, last_cycle(clock_kind::resolution) + 1, t);
        }
        break;
      case event_type::case_closed:
        close(t);
        break;
      case event_type::csat_received: {
        if (auto csat = e.attrs.get("csat")) view_.csat = attribute_int(*csat);
        if (auto nps = e.attrs.get("nps")) view_.nps = attribute_int(*nps);
        audit(t, "csat", "case", 1, view_.csat ? "score " + std::to_string(*view_.csat) : "");
        break;
      }
      case event_type::case_escalated: {
        int level = 1;
        if (auto text = e.attrs.get("level")) level = std::max(1, attribute_int(*text));
        std::string reason = "manual";
        if (auto text = e.attrs.get("reason")) reason = std::string(*text);
        // Without an event_id a manual escalation is known by its time: two at the same second
        // are one (else both would write a record with the same id).
        const std::string key = e.event_id.empty() ? format_iso8601(t) : e.event_id;
        if (manual_fired_.insert(key).second) escalate(t, "manual", key, level, reason);
        break;
      }
    }

    if (opened_ && !view_.closed) {
      const policy* matched = select_policy(rules_, view_.attrs);
      if (matched && matched != policy_) retarget(*matched, t);
      for (auto& c : clocks_) update_pause(c, t);
      for (const auto& rule : rules_.impact) {
        if (impact_fired_.count(rule.name) || !holds(rule.when, view_.attrs)) continue;
        impact_fired_.insert(rule.name);
        escalate(t, "impact", rule.name, rule.level, rule.name);
      }
    }
  }

  void resolve(instant at) {
    if (view_.resolved || view_.closed) return;
    view_.resolved = true;
    if (view_.status != "resolved" && view_.status != "closed") view_.status = "resolved";
    audit(at, "resolved", "case", last_cycle(clock_kind::resolution), "");
    stop_all(at);
  }

  void close(instant at) {
    if (view_.closed) return;
    resolve(at);
    view_.closed = true;
    view_.open = false;
    view_.status = "closed";
    audit(at, "closed", "case", last_cycle(clock_kind::resolution), "");
  }

  clock_view view_of(const clock_instance& c) const {
    const calendar& k = cal(c);
    const instant until = c.stopped_at ? std::min(*c.stopped_at, now_) : now_;
    clock_view v;
    v.kind = c.kind;
    v.cycle = c.cycle;
    v.policy = c.policy;
    v.calendar = k.name();
    v.target_seconds = c.rule->target_seconds;
    v.started_at = c.started_at;
    v.stopped_at = c.stopped_at;
    v.stopped = c.stopped_at.has_value();
    const counted_totals totals = count(c, k, until);
    v.elapsed_seconds = totals.running;
    v.paused_seconds = totals.paused;
    v.due_at = reach_instant(c, k, c.rule->target_seconds, until);
    if (c.cancelled) {
      v.state = clock_state::cancelled;
    } else if (c.stopped_at) {
      v.state = v.due_at && *c.stopped_at <= *v.due_at ? clock_state::met : clock_state::breached;
    } else if (v.due_at && *v.due_at < now_) {
      v.state = clock_state::breached;
    } else {
      v.state = c.paused() ? clock_state::paused : clock_state::running;
    }
    if (options_.with_ledger) {
      for (std::size_t i = 0; i < c.phases.size(); ++i) {
        const instant from = c.phases[i].from;
        const instant to = phase_end(c, i, until);
        if (to <= from) continue;
        if (c.phases[i].paused) {
          v.ledger.push_back({from, to, false, "paused:" + c.phases[i].pause_status,
                              (to - from).count()});
          continue;
        }
        for (const auto& seg : k.segments(from, to)) {
          const bool open = seg.reason == time_reason::open;
          v.ledger.push_back({seg.begin, seg.end, open, open ? "running" : to_string(seg.reason),
                              (seg.end - seg.begin).count()});
        }
      }
    }
    return v;
  }

  case_view finish() {
    view_.policy = policy_ ? policy_->name : "";
    for (const auto& c : clocks_) {
      view_.clocks.push_back(view_of(c));
      for (const auto& other : clocks_)
        if (other.kind == c.kind && other.cycle == c.cycle && other.has_warned()) view_.clocks.back().warned = true;
    }
    std::stable_sort(view_.records.begin(), view_.records.end(), record_before);
    view_.next_fire = next_fire_;
    return std::move(view_);
  }

  const rule_set& rules_;
  const evaluate_options& options_;
  const instant now_;
  case_view view_{};
  const policy* policy_ = nullptr;
  bool opened_ = false;
  std::vector<clock_instance> clocks_;
  std::set<std::string> impact_fired_;
  std::set<std::string> manual_fired_;  ///< keys of the manual escalations applied
  std::map<std::string, int> audit_ids_;
  std::optional<instant> next_fire_;
};

}  // namespace

case_view evaluate(const case_events& events, const rule_set& rules, instant now,
                   const evaluate_options& options) {
  case_fold fold(rules, options, now);
  return fold.run(events.events());
}

}  // namespace slawatch::rules
