// `slawatch generate`: writes realistic live case events to a Redis stream at a steady rate,
// for demos and load tests.
#include <chrono>
#include <iostream>
#include <thread>

#include "actors/event_generator.hpp"
#include "actors/redis_connection.hpp"
#include "daemon/commands.hpp"

namespace slawatch::cli {

namespace {

struct generate_args {
  std::string redis = "127.0.0.1:6379";
  std::string stream = "slawatch:events";
  double rate = 10;
  std::size_t cases = 100;
  std::uint64_t seed = 1;
  double duration = 0;
};

void generate(const generate_args& a) {
  actors::redis_endpoint where;
  const auto colon = a.redis.rfind(':');
  try {
    if (colon == std::string::npos) throw std::invalid_argument("no port");
    where.host = a.redis.substr(0, colon);
    where.port = std::stoi(a.redis.substr(colon + 1));
  } catch (const std::exception&) {
    std::cerr << "slawatch generate: --redis " << a.redis << ": expected HOST:PORT\n";
    throw command_exit{2};
  }
  if (a.rate <= 0 || a.cases == 0) {
    std::cerr << "slawatch generate: --rate and --cases must be positive\n";
    throw command_exit{2};
  }
  auto connection = actors::redis_connection::open(where, std::chrono::seconds{10});
  if (!connection) {
    std::cerr << "slawatch generate: " << connection.error() << '\n';
    throw command_exit{1};
  }
  actors::event_generator events{a.seed, a.cases};
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  // Events are written in small pipelines every tick, as many as the rate says are due by now.
  constexpr auto tick = std::chrono::milliseconds{20};
  std::uint64_t written = 0;
  for (;;) {
    const std::chrono::duration<double> elapsed = clock::now() - start;
    if (a.duration > 0 && elapsed.count() >= a.duration) break;
    const auto due = static_cast<std::uint64_t>(elapsed.count() * a.rate);
    std::vector<actors::redis_command> batch;
    const auto wall_now = std::chrono::system_clock::now();
    for (; written + batch.size() < due;) {
      actors::redis_command cmd{"XADD", a.stream, "*"};
      for (auto& [field, value] : events.next(wall_now)) {
        cmd.push_back(std::move(field));
        cmd.push_back(std::move(value));
      }
      batch.push_back(std::move(cmd));
    }
    if (!batch.empty()) {
      auto replies = connection->pipeline(batch);
      if (!replies) {
        std::cerr << "slawatch generate: " << replies.error() << '\n';
        throw command_exit{1};
      }
      for (const auto& r : *replies)
        if (r->type == REDIS_REPLY_ERROR) {
          std::cerr << "slawatch generate: Redis refused XADD: " << actors::reply_text(r.get()) << '\n';
          throw command_exit{1};
        }
      written += batch.size();
    }
    std::this_thread::sleep_for(tick);
  }
  std::cerr << "slawatch generate: wrote " << written << " events for " << events.cases_created() << " cases\n";
  throw command_exit{0};
}

}  // namespace

void add_generate_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "generate", "Write realistic live case events (creation, assignment, replies, pending, resolution, "
                  "reopen, CSAT/NPS) with current timestamps to a Redis stream, for demos and load tests");
  auto a = std::make_shared<generate_args>();
  cmd->add_option("--redis", a->redis, "Redis address HOST:PORT")->capture_default_str();
  cmd->add_option("--stream", a->stream, "Stream to append to")->capture_default_str();
  cmd->add_option("--rate", a->rate, "Events per second")->capture_default_str();
  cmd->add_option("--cases", a->cases, "Cases open at once; a case advances about every CASES/RATE seconds")
      ->capture_default_str();
  cmd->add_option("--seed", a->seed, "Random seed (the same seed gives the same cases and events)")
      ->capture_default_str();
  cmd->add_option("--duration", a->duration, "Stop after this many seconds (default: run until killed)");
  cmd->callback([a] { generate(*a); });
}

}  // namespace slawatch::cli
