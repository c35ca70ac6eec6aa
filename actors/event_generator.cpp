#include "actors/event_generator.hpp"

#include <cstdio>

#include <date/date.h>

#include "rules/time.hpp"

namespace slawatch::actors {

namespace {

const std::vector<std::pair<std::string, double>> priorities{{"P1", 1}, {"P2", 3}, {"P3", 70}, {"P4", 26}};
const std::vector<std::pair<std::string, double>> channels{
    {"phone", 60}, {"email", 15}, {"portal", 15}, {"chat", 8}, {"social", 2}};
const std::vector<std::pair<std::string, double>> teams{
    {"service-desk", 50}, {"network", 15}, {"applications", 20}, {"billing", 15}};
const std::vector<std::pair<std::string, double>> categories{
    {"access", 30}, {"hardware", 15}, {"software", 35}, {"billing", 20}};
const std::vector<std::pair<std::string, double>> tiers{{"standard", 70}, {"gold", 25}, {"platinum", 5}};
const std::vector<std::pair<int, double>> csat_scores{{1, 8}, {2, 6}, {3, 12}, {4, 28}, {5, 46}};

}  // namespace

event_generator::event_generator(std::uint64_t seed, std::size_t open_cases)
    : rng_(seed), seed_(seed), open_cases_(std::max<std::size_t>(open_cases, 1)) {}

template <class T>
const T& event_generator::pick(const std::vector<std::pair<T, double>>& weighted) {
  double total = 0;
  for (const auto& w : weighted) total += w.second;
  double x = std::uniform_real_distribution<double>{0, total}(rng_);
  for (const auto& w : weighted) {
    if (x < w.second) return w.first;
    x -= w.second;
  }
  return weighted.back().first;
}

std::string event_generator::uuid() {
  std::uniform_int_distribution<std::uint64_t> bits;
  const std::uint64_t hi = bits(rng_);
  const std::uint64_t lo = bits(rng_);
  char text[37];
  // Version 4, variant 1.
  std::snprintf(text, sizeof text, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xfff),
                static_cast<unsigned>(0x8000 | (lo >> 48 & 0x3fff)),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return text;
}

entry_fields event_generator::base(const char* type, const live_case& c, const std::string& ts) {
  ++events_;
  return {{"type", type},
          {"case_id", c.id},
          {"ts", ts},
          {"event_id", "gen-" + std::to_string(seed_) + "-" + std::to_string(events_)}};
}

entry_fields event_generator::next(std::chrono::system_clock::time_point now) {
  const std::string ts = rules::format_iso8601(std::chrono::floor<std::chrono::seconds>(now));
  // Fill up to the wanted number of open cases first, then mostly advance them; new cases keep
  // arriving at a trickle so creation is never starved.
  if (open_.size() < open_cases_ && (open_.size() < open_cases_ / 2 || chance(0.3))) return create(ts, now);
  if (open_.empty()) return create(ts, now);
  const auto index = std::uniform_int_distribution<std::size_t>{0, open_.size() - 1}(rng_);
  bool finished = false;
  auto fields = advance(open_[index], ts, finished);
  if (finished) {
    open_[index] = std::move(open_.back());
    open_.pop_back();
  }
  return fields;
}

entry_fields event_generator::create(const std::string& ts, std::chrono::system_clock::time_point now) {
  live_case c;
  ++created_;
  const auto day = date::year_month_day{std::chrono::floor<date::days>(now)};
  char id[48];
  std::snprintf(id, sizeof id, "CS-%04d%02u%02u-%04llu", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()),
                static_cast<unsigned long long>((seed_ % 1000) * 1000000 + created_));
  c.id = id;
  c.customer_id = uuid();
  c.first_contact = chance(0.25);
  c.will_pend = !c.first_contact && chance(1.0 / 3.0);
  c.rounds_left = c.first_contact ? 0 : std::uniform_int_distribution<int>{1, 3}(rng_);
  c.survey = chance(0.25);
  auto fields = base("case.created", c, ts);
  fields.emplace_back("priority", pick(priorities));
  fields.emplace_back("channel", pick(channels));
  fields.emplace_back("customer_id", c.customer_id);
  fields.emplace_back("customer_tier", pick(tiers));
  fields.emplace_back("category", pick(categories));
  open_.push_back(std::move(c));
  return fields;
}

entry_fields event_generator::advance(live_case& c, const std::string& ts, bool& finished) {
  switch (c.at) {
    case stage::created: {
      c.at = stage::assigned;
      auto f = base("case.assigned", c, ts);
      f.emplace_back("team", pick(teams));
      f.emplace_back("assignee", "agent-" + std::to_string(std::uniform_int_distribution<int>{1, 40}(rng_)));
      return f;
    }
    case stage::assigned:
      c.at = c.first_contact ? stage::waiting : stage::replied;
      if (c.first_contact) c.rounds_left = 0;
      return base("message.agent", c, ts);
    case stage::replied:
      if (c.will_pend) {
        c.will_pend = false;
        c.at = stage::pending;
        auto f = base("case.status_changed", c, ts);
        f.emplace_back("status", "pending");
        return f;
      }
      c.at = stage::waiting;
      return base("message.customer", c, ts);
    case stage::pending: {
      c.at = stage::waiting;
      auto f = base("case.status_changed", c, ts);
      f.emplace_back("status", "open");
      return f;
    }
    case stage::waiting:
      if (c.rounds_left > 0) {
        --c.rounds_left;
        c.at = stage::replied;
        return base("message.agent", c, ts);
      }
      c.at = stage::resolved;
      return base("case.resolved", c, ts);
    case stage::resolved:
      if (chance(0.04)) {
        c.at = stage::waiting;
        c.rounds_left = 1;
        return base("case.reopened", c, ts);
      }
      c.at = stage::closed;
      if (!c.survey) finished = true;
      return base("case.closed", c, ts);
    case stage::closed: {
      finished = true;
      auto f = base("csat.received", c, ts);
      f.emplace_back("csat", std::to_string(pick(csat_scores)));
      if (chance(0.6)) f.emplace_back("nps", std::to_string(std::uniform_int_distribution<int>{0, 10}(rng_)));
      return f;
    }
  }
  finished = true;
  return base("case.updated", c, ts);
}

}  // namespace slawatch::actors
