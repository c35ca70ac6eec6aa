// `slawatch-bench`: the baselines and measuring tools that bench/run drives. Not part of the
// product and not a test: each subcommand prints one JSON object on stdout.
//
//   load    pipelined XADD of generated events (the generator of `slawatch generate`, or only
//           `case.created` events for distinct cases with --open), as fast as Redis takes them
//   xread   the bare hiredis loop: XREADGROUP COUNT n + XACK until the stream is drained
//   wait    polls XINFO GROUPS until a group has read everything and has nothing pending
//   feed    live generated events, at most N of them unacknowledged by the group (closed loop):
//           the most a daemon sustains
//   actors  spawns N idle CAF actors and reports the resident memory they cost
//   parse   decodes a JSON Lines events file as `slawatch replay` does, without the engine
//   lag     due time (`at`) -> written (entry ID milliseconds) of the notifications stream
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>
#include <CLI/CLI.hpp>
#include <hiredis/hiredis.h>
#include <nlohmann/json.hpp>

#include "actors/event_generator.hpp"
#include "actors/redis_connection.hpp"
#include "actors/redis_reply.hpp"
#include "replay/import.hpp"
#include "rules/codec.hpp"
#include "rules/time.hpp"

namespace {

using steady = std::chrono::steady_clock;
using json = nlohmann::json;
using slawatch::actors::redis_command;
using slawatch::actors::redis_connection;
using slawatch::actors::reply_ptr;

struct failure {
  std::string what;
};

double seconds_since(steady::time_point start) {
  return std::chrono::duration<double>(steady::now() - start).count();
}

/// Resident set size of this process, bytes (VmRSS of /proc/self/status).
long long rss_bytes() {
  std::ifstream status{"/proc/self/status"};
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
  return -1;
}

redis_connection connect(int port) {
  slawatch::actors::redis_endpoint where;
  where.port = port;
  auto c = redis_connection::open(where, std::chrono::seconds{60});
  if (!c) throw failure{c.error()};
  return std::move(*c);
}

reply_ptr must(slawatch::rules::expected<reply_ptr, std::string> r) {
  if (!r) throw failure{r.error()};
  if ((*r)->type == REDIS_REPLY_ERROR) throw failure{slawatch::actors::reply_text(r->get())};
  return std::move(*r);
}

// ---- load ----------------------------------------------------------------------------------

struct load_args {
  int port = 6379;
  std::string stream = "slawatch:events";
  std::uint64_t events = 100000;
  std::size_t cases = 10000;
  std::uint64_t seed = 1;
  bool open = false;
  std::uint64_t first = 0;
  std::size_t pipeline = 1000;
};

/// A `case.created` event shaped like the generator's, for case `BENCH-<index>`.
slawatch::actors::entry_fields created_event(std::mt19937_64& rng, std::uint64_t seed, std::uint64_t index,
                                             const std::string& ts) {
  static const char* priorities[] = {"P1", "P2", "P3", "P3", "P3", "P4"};
  static const char* channels[] = {"phone", "email", "portal", "chat"};
  static const char* tiers[] = {"standard", "standard", "gold", "platinum"};
  static const char* categories[] = {"access", "hardware", "software", "billing"};
  char customer[40];
  std::snprintf(customer, sizeof customer, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return {{"type", "case.created"},
          {"case_id", "BENCH-" + std::to_string(index)},
          {"ts", ts},
          {"event_id", "bench-" + std::to_string(seed) + "-" + std::to_string(index)},
          {"priority", priorities[rng() % 6]},
          {"channel", channels[rng() % 4]},
          {"customer_id", customer},
          {"customer_tier", tiers[rng() % 4]},
          {"category", categories[rng() % 4]}};
}

json load(const load_args& a) {
  auto connection = connect(a.port);
  slawatch::actors::event_generator generator{a.seed, a.cases};
  std::mt19937_64 rng{a.seed};
  const auto start = steady::now();
  std::uint64_t written = 0;
  std::vector<redis_command> batch;
  while (written < a.events) {
    batch.clear();
    const auto now = std::chrono::system_clock::now();
    const auto ts = slawatch::rules::format_iso8601(std::chrono::floor<std::chrono::seconds>(now));
    for (; batch.size() < a.pipeline && written + batch.size() < a.events;) {
      redis_command cmd{"XADD", a.stream, "*"};
      auto fields = a.open ? created_event(rng, a.seed, a.first + written + batch.size(), ts) : generator.next(now);
      for (auto& [field, value] : fields) {
        cmd.push_back(std::move(field));
        cmd.push_back(std::move(value));
      }
      batch.push_back(std::move(cmd));
    }
    auto replies = connection.pipeline(batch);
    if (!replies) throw failure{replies.error()};
    for (const auto& r : *replies)
      if (r->type == REDIS_REPLY_ERROR) throw failure{"XADD: " + slawatch::actors::reply_text(r.get())};
    written += batch.size();
  }
  const double secs = seconds_since(start);
  return {{"events", written}, {"seconds", secs}, {"rate", static_cast<double>(written) / secs}};
}

// ---- xread ---------------------------------------------------------------------------------

struct xread_args {
  int port = 6379;
  std::string stream = "slawatch:events";
  std::string group = "bare";
  std::size_t count = 256;
};

/// The bare loop: plain hiredis, no decoding beyond the entry IDs that XACK needs.
json xread(const xread_args& a) {
  redisContext* c = redisConnect("127.0.0.1", a.port);
  if (c == nullptr || c->err) throw failure{"cannot connect to Redis"};
  auto* created = static_cast<redisReply*>(
      redisCommand(c, "XGROUP CREATE %s %s 0", a.stream.c_str(), a.group.c_str()));
  if (created == nullptr) throw failure{"XGROUP CREATE failed"};
  freeReplyObject(created);
  const std::string count = std::to_string(a.count);
  std::vector<const char*> ack_argv;
  std::vector<std::size_t> ack_len;
  std::uint64_t total = 0;
  const auto start = steady::now();
  for (;;) {
    const char* argv[] = {"XREADGROUP", "GROUP", a.group.c_str(), "bare", "COUNT", count.c_str(),
                          "STREAMS",    a.stream.c_str(), ">"};
    auto* r = static_cast<redisReply*>(redisCommandArgv(c, 9, argv, nullptr));
    if (r == nullptr) throw failure{"XREADGROUP failed"};
    if (r->type == REDIS_REPLY_ERROR) throw failure{r->str};
    if (r->type == REDIS_REPLY_NIL || r->elements == 0) {
      freeReplyObject(r);
      break;
    }
    const redisReply* entries = r->element[0]->element[1];
    ack_argv = {"XACK", a.stream.c_str(), a.group.c_str()};
    ack_len = {4, a.stream.size(), a.group.size()};
    for (std::size_t i = 0; i < entries->elements; ++i) {
      const redisReply* id = entries->element[i]->element[0];
      ack_argv.push_back(id->str);
      ack_len.push_back(id->len);
    }
    total += entries->elements;
    auto* acked = static_cast<redisReply*>(
        redisCommandArgv(c, static_cast<int>(ack_argv.size()), ack_argv.data(), ack_len.data()));
    freeReplyObject(r);
    if (acked == nullptr || acked->type == REDIS_REPLY_ERROR) throw failure{"XACK failed"};
    freeReplyObject(acked);
  }
  const double secs = seconds_since(start);
  redisFree(c);
  return {{"events", total}, {"seconds", secs}, {"rate", static_cast<double>(total) / secs}};
}

// ---- wait ----------------------------------------------------------------------------------

struct wait_args {
  int port = 6379;
  std::string stream = "slawatch:events";
  std::string group = "slawatch";
  double timeout = 600;
  bool from_now = false;
};

struct group_info {
  bool exists = false;
  long long pending = -1;
  long long lag = -1;  ///< -1: Redis does not know (nil)
  long long entries_read = -1;
};

group_info read_group(redis_connection& c, const std::string& stream, const std::string& group) {
  group_info info;
  auto r = c.command({"XINFO", "GROUPS", stream});
  if (!r) throw failure{r.error()};
  const redisReply* groups = r->get();
  if (groups->type != REDIS_REPLY_ARRAY) return info;  // no stream yet
  for (std::size_t g = 0; g < groups->elements; ++g) {
    const redisReply* fields = groups->element[g];
    group_info candidate;
    std::string name;
    for (std::size_t i = 0; i + 1 < fields->elements; i += 2) {
      const std::string key = fields->element[i]->str;
      const redisReply* v = fields->element[i + 1];
      if (key == "name") name = v->str;
      if (key == "pending") candidate.pending = v->integer;
      if (key == "lag") candidate.lag = v->type == REDIS_REPLY_INTEGER ? v->integer : -1;
      if (key == "entries-read") candidate.entries_read = v->type == REDIS_REPLY_INTEGER ? v->integer : -1;
    }
    if (name == group) {
      candidate.exists = true;
      return candidate;
    }
  }
  return info;
}

/// Seconds from the group's appearance (or from now with --from-now) until it has read every
/// entry (lag 0) and acknowledged all of them (pending 0). Polls every 5 ms.
json wait_drained(const wait_args& a) {
  auto c = connect(a.port);
  const auto deadline = steady::now() + std::chrono::duration<double>(a.timeout);
  std::optional<steady::time_point> start;
  if (a.from_now) start = steady::now();
  for (;;) {
    const auto info = read_group(c, a.stream, a.group);
    if (info.exists && !start) start = steady::now();
    if (info.exists && info.pending == 0 && info.lag == 0)
      return {{"seconds", seconds_since(*start)}, {"entries_read", info.entries_read}};
    if (steady::now() > deadline)
      throw failure{"timed out: pending " + std::to_string(info.pending) + ", lag " + std::to_string(info.lag)};
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
}

// ---- feed ----------------------------------------------------------------------------------

struct feed_args {
  int port = 6379;
  std::string stream = "slawatch:events";
  std::string group = "slawatch";
  std::string notifications = "slawatch:notifications";
  std::size_t cases = 20000;
  std::uint64_t seed = 3;
  double seconds = 20;
  std::size_t window = 256;
  double case_seconds = 0;  ///< >0: keep the open cases at this many seconds of the rate reached
};

/// Closed loop: generated events stamped with the wall clock as they are written (as `slawatch
/// generate` does), never more than `window` of them written and not yet acknowledged by the
/// group. The daemon is never idle and never far behind, so deadlines fall due while it ingests
/// (their timers fire as they do live): the rate it reaches is the most it sustains with these
/// rules. Counts from the group's appearance; also reports notifications written per event.
/// With `case_seconds`, the open cases follow the rate (as `slawatch generate --rate R --cases
/// case_seconds*R` would have them): from the first second on, twice a second they are set to
/// case_seconds times the rate reached so far.
json feed(const feed_args& a) {
  auto c = connect(a.port);
  slawatch::actors::event_generator generator{a.seed, a.cases};
  const auto appear_by = steady::now() + std::chrono::seconds{30};
  // The daemon creates its group (and the stream) once it runs.
  while (!read_group(c, a.stream, a.group).exists) {
    if (steady::now() > appear_by) throw failure{"the group " + a.group + " did not appear"};
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  const auto xlen = [&](const std::string& stream) {
    return static_cast<std::uint64_t>(must(c.command({"XLEN", stream}))->integer);
  };
  const auto base_read = read_group(c, a.stream, a.group);
  const std::uint64_t acked_before = static_cast<std::uint64_t>(std::max(0LL, base_read.entries_read - base_read.pending));
  const std::uint64_t notified_before = xlen(a.notifications);
  const auto start = steady::now();
  const auto end = start + std::chrono::duration<double>(a.seconds);
  std::uint64_t written = 0, acked = 0;
  std::vector<redis_command> batch;
  auto next_resize = start + std::chrono::seconds{1};
  while (steady::now() < end) {
    if (a.case_seconds > 0 && steady::now() >= next_resize) {
      generator.set_open_cases(static_cast<std::size_t>(a.case_seconds * static_cast<double>(acked) / seconds_since(start)));
      next_resize += std::chrono::milliseconds{500};
    }
    const auto info = read_group(c, a.stream, a.group);
    if (info.entries_read >= 0 && info.pending >= 0)
      acked = static_cast<std::uint64_t>(info.entries_read - info.pending) - acked_before;
    const std::uint64_t in_flight = written - std::min(written, acked);
    if (in_flight >= a.window) {
      std::this_thread::sleep_for(std::chrono::microseconds{500});
      continue;
    }
    batch.clear();
    const auto now = std::chrono::system_clock::now();
    for (std::size_t i = 0; i < std::min<std::uint64_t>(a.window - in_flight, 100); ++i) {
      redis_command cmd{"XADD", a.stream, "*"};
      for (auto& [field, value] : generator.next(now)) {
        cmd.push_back(std::move(field));
        cmd.push_back(std::move(value));
      }
      batch.push_back(std::move(cmd));
    }
    auto replies = c.pipeline(batch);
    if (!replies) throw failure{replies.error()};
    for (const auto& r : *replies)
      if (r->type == REDIS_REPLY_ERROR) throw failure{"XADD: " + slawatch::actors::reply_text(r.get())};
    written += batch.size();
  }
  const double secs = seconds_since(start);
  const std::uint64_t notified = xlen(a.notifications) - notified_before;
  return {{"events", acked},
          {"written", written},
          {"seconds", secs},
          {"rate", static_cast<double>(acked) / secs},
          {"notifications", notified},
          {"cases", generator.cases_created()},
          {"notifications_per_event", acked == 0 ? 0.0 : static_cast<double>(notified) / static_cast<double>(acked)}};
}

// ---- actors --------------------------------------------------------------------------------

struct actors_args {
  std::size_t count = 100000;
};

/// N idle event-based actors (a one-handler behaviour, nothing in the mailbox), their handles
/// kept as the router keeps its case actors'. Also the cost with one pending timer each, as a
/// case actor has.
json bare_actors(const actors_args& a) {
  caf::actor_system_config cfg;
  cfg.set("logger.console-verbosity", caf::atom("quiet"));
  cfg.set("logger.file-verbosity", caf::atom("quiet"));
  caf::actor_system sys{cfg};
  auto idle = [](caf::event_based_actor*) -> caf::behavior {
    return {[](int) {}};
  };
  // Warm up the scheduler and allocator so their one-off cost is not charged to the actors.
  { std::vector<caf::actor> warm; for (int i = 0; i < 1000; ++i) warm.push_back(sys.spawn(idle)); }
  std::this_thread::sleep_for(std::chrono::milliseconds{200});
  const auto before = rss_bytes();
  std::vector<caf::actor> handles;
  handles.reserve(a.count);
  for (std::size_t i = 0; i < a.count; ++i) handles.push_back(sys.spawn(idle));
  std::this_thread::sleep_for(std::chrono::milliseconds{200});
  const auto after = rss_bytes();
  // The same number again, each with one timer an hour ahead (a case actor's armed deadline).
  auto timed = [](caf::event_based_actor* self) -> caf::behavior {
    self->delayed_send(self, std::chrono::hours{1}, 1);
    return {[](int) {}};
  };
  std::vector<caf::actor> timed_handles;
  timed_handles.reserve(a.count);
  for (std::size_t i = 0; i < a.count; ++i) timed_handles.push_back(sys.spawn(timed));
  std::this_thread::sleep_for(std::chrono::milliseconds{500});
  const auto after_timed = rss_bytes();
  const double per_actor = static_cast<double>(after - before) / static_cast<double>(a.count);
  const double per_timed = static_cast<double>(after_timed - after) / static_cast<double>(a.count);
  for (auto& h : handles) caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
  for (auto& h : timed_handles) caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
  handles.clear();
  timed_handles.clear();
  return {{"actors", a.count},
          {"rss_before", before},
          {"rss_after", after},
          {"bytes_per_actor", per_actor},
          {"bytes_per_actor_with_timer", per_timed}};
}

// ---- parse ---------------------------------------------------------------------------------

struct parse_args {
  std::string events;
};

/// What `slawatch replay` does before the engine: read lines, decode each event.
json parse(const parse_args& a) {
  auto opened = slawatch::replay::open_maybe_gzip(a.events);
  if (!opened) throw failure{opened.error()};
  std::istream& in = **opened;
  const auto start = steady::now();
  std::string line;
  std::uint64_t decoded = 0, bad = 0, checksum = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto e = slawatch::rules::decode_event_json(line);
    if (!e) {
      ++bad;
      continue;
    }
    ++decoded;
    checksum += static_cast<std::uint64_t>(e->ts.time_since_epoch().count()) + e->attrs.size();
  }
  const double secs = seconds_since(start);
  return {{"events", decoded},
          {"bad", bad},
          {"seconds", secs},
          {"rate", static_cast<double>(decoded) / secs},
          {"checksum", checksum}};
}

// ---- lag -----------------------------------------------------------------------------------

struct lag_args {
  int port = 6379;
  std::string stream = "slawatch:notifications";
  long long from_ms = 0;
  long long to_ms = 0;  ///< 0: no upper bound
};

double percentile(const std::vector<long long>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return static_cast<double>(sorted[std::min(sorted.size(), std::max<std::size_t>(rank, 1)) - 1]);
}

/// For every notification due in [from, to]: written (its entry ID's milliseconds) minus due
/// (`at`, whole seconds), in milliseconds. Also the most notifications due at one instant (due
/// times are whole seconds, so each second's deadlines fire together) and the least lag.
json lag(const lag_args& a) {
  auto c = connect(a.port);
  std::vector<long long> lags;
  std::map<long long, std::uint64_t> due_at;
  std::string cursor = "-";
  std::uint64_t seen = 0, before_due = 0;
  for (;;) {
    auto r = must(c.command({"XRANGE", a.stream, cursor, "+", "COUNT", "10000"}));
    const redisReply* list = r.get();
    if (list->elements == 0) break;
    for (std::size_t i = 0; i < list->elements; ++i) {
      const redisReply* entry = list->element[i];
      const std::string id = entry->element[0]->str;
      const redisReply* fields = entry->element[1];
      ++seen;
      for (std::size_t f = 0; f + 1 < fields->elements; f += 2) {
        if (std::string{fields->element[f]->str} != "json") continue;
        const auto record = json::parse(fields->element[f + 1]->str);
        const auto at = slawatch::rules::parse_iso8601(record.at("at").get<std::string>());
        if (!at) throw failure{"notification with a bad `at`"};
        const long long due_ms = static_cast<long long>(at->time_since_epoch().count()) * 1000;
        const long long written_ms = std::stoll(id.substr(0, id.find('-')));
        if (due_ms < a.from_ms || (a.to_ms > 0 && due_ms > a.to_ms)) continue;
        if (written_ms < due_ms) ++before_due;
        lags.push_back(written_ms - due_ms);
        ++due_at[due_ms];
      }
    }
    cursor = "(" + std::string{list->element[list->elements - 1]->element[0]->str};
  }
  std::sort(lags.begin(), lags.end());
  std::uint64_t most_at_once = 0;
  for (const auto& [due, count] : due_at) most_at_once = std::max(most_at_once, count);
  return {{"notifications", seen},
          {"counted", lags.size()},
          {"most_due_at_once", most_at_once},
          {"min_ms", lags.empty() ? 0.0 : static_cast<double>(lags.front())},
          {"written_before_due", before_due},
          {"p50_ms", percentile(lags, 50)},
          {"p99_ms", percentile(lags, 99)},
          {"max_ms", lags.empty() ? 0.0 : static_cast<double>(lags.back())}};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"slawatch benchmark baselines and measuring tools (driven by bench/run)"};
  app.require_subcommand(1);

  load_args la;
  auto* load_cmd = app.add_subcommand("load", "Pipelined XADD of generated events");
  load_cmd->add_option("--port", la.port)->required();
  load_cmd->add_option("--stream", la.stream)->capture_default_str();
  load_cmd->add_option("--events", la.events)->capture_default_str();
  load_cmd->add_option("--cases", la.cases, "Open cases of the generator")->capture_default_str();
  load_cmd->add_option("--seed", la.seed)->capture_default_str();
  load_cmd->add_flag("--open", la.open, "Only case.created events, one per new case BENCH-<n>");
  load_cmd->add_option("--first", la.first, "With --open: the first case number")->capture_default_str();

  xread_args xa;
  auto* xread_cmd = app.add_subcommand("xread", "Bare hiredis XREADGROUP+XACK loop until drained");
  xread_cmd->add_option("--port", xa.port)->required();
  xread_cmd->add_option("--stream", xa.stream)->capture_default_str();
  xread_cmd->add_option("--group", xa.group)->capture_default_str();
  xread_cmd->add_option("--count", xa.count, "Entries per XREADGROUP")->capture_default_str();

  wait_args wa;
  auto* wait_cmd = app.add_subcommand("wait", "Wait until a consumer group has lag 0 and nothing pending");
  wait_cmd->add_option("--port", wa.port)->required();
  wait_cmd->add_option("--stream", wa.stream)->capture_default_str();
  wait_cmd->add_option("--group", wa.group)->capture_default_str();
  wait_cmd->add_option("--timeout", wa.timeout, "Seconds")->capture_default_str();
  wait_cmd->add_flag("--from-now", wa.from_now, "Time from now, not from the group's creation");

  feed_args fa;
  auto* feed_cmd = app.add_subcommand("feed", "Live events, at most --window unacknowledged (closed loop)");
  feed_cmd->add_option("--port", fa.port)->required();
  feed_cmd->add_option("--stream", fa.stream)->capture_default_str();
  feed_cmd->add_option("--group", fa.group)->capture_default_str();
  feed_cmd->add_option("--cases", fa.cases, "Open cases of the generator")->capture_default_str();
  feed_cmd->add_option("--seed", fa.seed)->capture_default_str();
  feed_cmd->add_option("--seconds", fa.seconds)->capture_default_str();
  feed_cmd->add_option("--window", fa.window, "Events written and not yet acknowledged, at most")
      ->capture_default_str();
  feed_cmd->add_option("--case-seconds", fa.case_seconds, "Open cases: this many seconds of the rate reached");

  actors_args aa;
  auto* actors_cmd = app.add_subcommand("actors", "RSS of N idle CAF actors");
  actors_cmd->add_option("--count", aa.count)->capture_default_str();

  parse_args pa;
  auto* parse_cmd = app.add_subcommand("parse", "Decode a JSON Lines events file, no engine");
  parse_cmd->add_option("--events", pa.events)->required();

  lag_args ga;
  auto* lag_cmd = app.add_subcommand("lag", "Due time -> written of notifications");
  lag_cmd->add_option("--port", ga.port)->required();
  lag_cmd->add_option("--stream", ga.stream)->capture_default_str();
  lag_cmd->add_option("--from-ms", ga.from_ms, "Count notifications due at or after (Unix ms)");
  lag_cmd->add_option("--to-ms", ga.to_ms, "Count notifications due at or before (Unix ms)");

  CLI11_PARSE(app, argc, argv);
  try {
    json out;
    if (*load_cmd) out = load(la);
    if (*xread_cmd) out = xread(xa);
    if (*wait_cmd) out = wait_drained(wa);
    if (*feed_cmd) out = feed(fa);
    if (*actors_cmd) out = bare_actors(aa);
    if (*parse_cmd) out = parse(pa);
    if (*lag_cmd) out = lag(ga);
    std::cout << out.dump() << std::endl;
    return 0;
  } catch (const failure& f) {
    std::cerr << "slawatch-bench: " << f.what << '\n';
    return 1;
  }
}
