// `slawatch publish`: JSON Lines events (the contract of rules/codec.hpp) into the daemon's
// input, each to the partition stream of its case (rules/partition.hpp), in pipelined XADDs.
// A line that does not decode is reported with its number and reason and counted, never sent.
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "actors/config.hpp"
#include "actors/redis_connection.hpp"
#include "daemon/commands.hpp"
#include "rules/codec.hpp"
#include "rules/partition.hpp"

namespace slawatch::cli {

namespace {

struct publish_args {
  std::string config;
  std::string file = "-";
  std::size_t batch = 1000;
};

/// The stream entry of a decoded event: the contract's fields, normalised as the daemon reads
/// them (personal attributes were already dropped by the decoder).
actors::redis_command xadd_of(const std::string& stream, const rules::event& e) {
  actors::redis_command cmd{"XADD",
                            stream,
                            "*",
                            "type",
                            rules::to_string(e.type),
                            "case_id",
                            e.case_id,
                            "ts",
                            rules::format_iso8601(e.ts)};
  if (!e.event_id.empty()) {
    cmd.push_back("event_id");
    cmd.push_back(e.event_id);
  }
  for (const auto& [name, value] : e.attrs) {
    cmd.emplace_back(name);
    cmd.emplace_back(value);
  }
  return cmd;
}

void flush(actors::redis_connection& connection, std::vector<actors::redis_command>& batch) {
  if (batch.empty()) return;
  auto replies = connection.pipeline(batch);
  if (!replies) {
    std::cerr << "slawatch publish: " << replies.error() << '\n';
    throw command_exit{1};
  }
  for (const auto& r : *replies) {
    if (r->type == REDIS_REPLY_ERROR) {
      std::cerr << "slawatch publish: Redis refused XADD: " << actors::reply_text(r.get()) << '\n';
      throw command_exit{1};
    }
  }
  batch.clear();
}

void publish(const publish_args& a) {
  auto parsed = actors::parse_config(read_file_or_exit(a.config), a.config);
  if (!parsed) {
    for (const auto& p : parsed.error()) std::cerr << rules::to_string(p) << '\n';
    throw command_exit{1};
  }
  const actors::daemon_config& cfg = *parsed;
  actors::redis_endpoint where;
  where.host = cfg.redis.host;
  where.port = cfg.redis.port;
  where.user = cfg.redis.user;
  where.db = cfg.redis.db;
  if (!cfg.redis.password_file.empty()) {
    std::ifstream secret(cfg.redis.password_file, std::ios::binary);
    if (!secret || !std::getline(secret, where.password)) {
      std::cerr << a.config << ": redis.password_file: cannot read " << cfg.redis.password_file
                << '\n';
      throw command_exit{1};
    }
    if (!where.password.empty() && where.password.back() == '\r') where.password.pop_back();
  }

  std::ifstream file;
  if (a.file != "-") {
    file.open(a.file, std::ios::binary);
    if (!file) {
      std::cerr << "slawatch publish: cannot read " << a.file << '\n';
      throw command_exit{2};
    }
  }
  std::istream& in = a.file == "-" ? std::cin : file;
  const std::string source = a.file == "-" ? "<stdin>" : a.file;

  auto connection = actors::redis_connection::open(where, std::chrono::seconds{10});
  if (!connection) {
    std::cerr << "slawatch publish: " << connection.error() << '\n';
    throw command_exit{1};
  }
  // Without partitions everything goes to the first input stream; with N, to partition p of the
  // first input, which config parsing placed at input[p].
  const std::uint32_t partitions = cfg.streams.partitions;
  std::vector<actors::redis_command> batch;
  std::string line;
  std::uint64_t line_number = 0;
  std::uint64_t published = 0;
  std::uint64_t bad = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank: no event
    const auto decoded = rules::decode_event_json(line);
    if (!decoded) {
      // The detail never holds the line's values, which may be personal.
      std::cerr << source << ':' << line_number << ": " << decoded.error().reason << ": "
                << decoded.error().detail << '\n';
      ++bad;
      continue;
    }
    const std::uint32_t p = partitions == 0 ? 0 : rules::partition_of(decoded->case_id, partitions);
    batch.push_back(xadd_of(cfg.streams.input.at(p), *decoded));
    ++published;
    if (batch.size() >= a.batch) flush(*connection, batch);
  }
  flush(*connection, batch);
  std::cerr << "slawatch publish: " << published << " event" << (published == 1 ? "" : "s")
            << " to "
            << (partitions == 0
                    ? std::string("stream ") + cfg.streams.input.front()
                    : std::to_string(partitions) + " partitions of " +
                          cfg.streams.input.front().substr(0, cfg.streams.input.front().rfind(':')))
            << "; " << bad << " bad line" << (bad == 1 ? "" : "s") << '\n';
  throw command_exit{bad == 0 ? 0 : 1};
}

}  // namespace

void add_publish_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "publish",
      "Send JSON Lines events to the daemon's input streams, each to its case's partition "
      "(streams.partitions of the config); bad lines are reported with their number and skipped; "
      "exit 1 if any was bad");
  auto a = std::make_shared<publish_args>();
  cmd->add_option("--config", a->config, "Daemon config file (Redis address, streams, partitions)")
      ->required();
  cmd->add_option("--file", a->file, "JSON Lines file of events, - for standard input")
      ->capture_default_str();
  cmd->add_option("--batch", a->batch, "XADDs per pipeline")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->callback([a] { publish(*a); });
}

}  // namespace slawatch::cli
