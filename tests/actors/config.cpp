// The daemon config: defaults, every key, and every problem with file:line:col at once.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "actors/config.hpp"

using namespace slawatch::actors;

TEST_CASE("a config with only rules takes every default", "[config]") {
  auto cfg = parse_config("rules: rules.yaml\n", "/etc/slawatch/slawatch.yaml");
  REQUIRE(cfg);
  CHECK(cfg->rules_path == "/etc/slawatch/rules.yaml");
  CHECK(cfg->redis.host == "127.0.0.1");
  CHECK(cfg->redis.port == 6379);
  CHECK(cfg->streams.input == std::vector<std::string>{"slawatch:events"});
  CHECK(cfg->metrics_listen == "127.0.0.1:9464");
  CHECK(cfg->batch_size == 256);
  CHECK(cfg->max_in_flight == 10000);
  CHECK(cfg->closed_retention == std::chrono::hours{24});
  CHECK(cfg->consumer.empty());
}

TEST_CASE("every key is read", "[config]") {
  const char* text =
      "rules: /srv/rules.yaml\n"
      "redis: {host: redis.internal, port: 6380, user: slawatch, password_file: secret, db: 2}\n"
      "streams:\n"
      "  input: [a, b]\n"
      "  group: g\n"
      "  outcomes: o\n"
      "  notifications: n\n"
      "  audit: au\n"
      "  dead_letter: d\n"
      "  start_from: new\n"
      "consumer: c1\n"
      "batch_size: 10\n"
      "max_in_flight: 100\n"
      "metrics: {listen: '0.0.0.0:9999'}\n"
      "log_level: debug\n"
      "closed_retention: 2h\n"
      "shutdown_timeout: 5s\n";
  auto cfg = parse_config(text, "conf/s.yaml");
  REQUIRE(cfg);
  CHECK(cfg->rules_path == "/srv/rules.yaml");
  CHECK(cfg->redis.host == "redis.internal");
  CHECK(cfg->redis.port == 6380);
  CHECK(cfg->redis.user == "slawatch");
  CHECK(cfg->redis.password_file == "conf/secret");
  CHECK(cfg->redis.db == 2);
  CHECK(cfg->streams.input == std::vector<std::string>{"a", "b"});
  CHECK(cfg->streams.group == "g");
  CHECK(cfg->streams.outcomes == "o");
  CHECK(cfg->streams.notifications == "n");
  CHECK(cfg->streams.audit == "au");
  CHECK(cfg->streams.dead_letter == "d");
  CHECK(cfg->streams.start_from == "new");
  CHECK(cfg->consumer == "c1");
  CHECK(cfg->batch_size == 10);
  CHECK(cfg->max_in_flight == 100);
  CHECK(cfg->metrics_listen == "0.0.0.0:9999");
  CHECK(cfg->log_level == "debug");
  CHECK(cfg->closed_retention == std::chrono::hours{2});
  CHECK(cfg->shutdown_timeout == std::chrono::seconds{5});
}

TEST_CASE("every problem is reported with file, line, column and key path", "[config]") {
  const char* text =
      "rules: r.yaml\n"              // line 1
      "redis:\n"                     // line 2
      "  host: localhost\n"          // line 3
      "  prot: 6379\n"               // line 4: unknown key
      "  port: 99999\n"              // line 5: out of range
      "batch_size: many\n"           // line 6: not an integer
      "log_level: loud\n"            // line 7: not a level
      "closed_retention: 3 weeks\n"  // line 8: not a duration
      "streams: {input: []}\n";      // line 9: empty list
  auto cfg = parse_config(text, "slawatch.yaml");
  REQUIRE_FALSE(cfg);
  const auto& problems = cfg.error();
  std::vector<std::string> rendered;
  for (const auto& p : problems) rendered.push_back(slawatch::rules::to_string(p));
  INFO(Catch::Detail::stringify(rendered));
  REQUIRE(problems.size() == 6);
  CHECK(problems[0].line == 4);
  CHECK(problems[0].column == 3);
  CHECK(problems[0].path == "redis.prot");
  CHECK(problems[0].message.find("unknown key") != std::string::npos);
  CHECK(problems[1].line == 5);
  CHECK(problems[1].column == 9);
  CHECK(problems[1].path == "redis.port");
  CHECK(problems[2].line == 6);
  CHECK(problems[2].path == "batch_size");
  CHECK(problems[3].line == 7);
  CHECK(problems[3].path == "log_level");
  CHECK(problems[4].line == 8);
  CHECK(problems[4].path == "closed_retention");
  CHECK(problems[5].line == 9);
  CHECK(problems[5].path == "streams.input");
  CHECK(rendered[0].rfind("slawatch.yaml:4:3: redis.prot: unknown key", 0) == 0);
}

TEST_CASE("a missing rules key and a YAML syntax error are problems", "[config]") {
  auto no_rules = parse_config("log_level: info\n", "a.yaml");
  REQUIRE_FALSE(no_rules);
  CHECK(no_rules.error()[0].path == "rules");

  auto broken = parse_config("rules: r.yaml\nredis: {host: [\n", "b.yaml");
  REQUIRE_FALSE(broken);
  CHECK(broken.error()[0].file == "b.yaml");
  CHECK(broken.error()[0].line >= 2);

  auto small = parse_config("rules: r.yaml\nbatch_size: 500\nmax_in_flight: 100\n", "c.yaml");
  REQUIRE_FALSE(small);
  CHECK(small.error()[0].path == "max_in_flight");
  CHECK(small.error()[0].line == 3);
}

TEST_CASE("the shipped config/slawatch.yaml is valid and documents the defaults", "[config]") {
  std::ifstream in{std::string{SLAWATCH_SOURCE_DIR} + "/config/slawatch.yaml"};
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  auto cfg = parse_config(text.str(), "config/slawatch.yaml");
  REQUIRE(cfg);
  const daemon_config defaults;
  CHECK(cfg->rules_path == "config/rules.yaml");
  CHECK(cfg->batch_size == defaults.batch_size);
  CHECK(cfg->max_in_flight == defaults.max_in_flight);
  CHECK(cfg->metrics_listen == defaults.metrics_listen);
  CHECK(cfg->streams.input == defaults.streams.input);
  CHECK(cfg->streams.dead_letter == defaults.streams.dead_letter);
  CHECK(cfg->closed_retention == defaults.closed_retention);
  CHECK(cfg->api.listen == defaults.api.listen);
  CHECK(cfg->api.token_file.empty());
}

TEST_CASE("streams.partitions splits each input into partition streams", "[config]") {
  auto cfg = parse_config("rules: r.yaml\nstreams: {input: [a, b], partitions: 3}\n", "c.yaml");
  REQUIRE(cfg);
  CHECK(cfg->streams.partitions == 3);
  CHECK(cfg->streams.input == std::vector<std::string>{"a:0", "a:1", "a:2", "b:0", "b:1", "b:2"});
  auto none = parse_config("rules: r.yaml\nstreams: {partitions: 0}\n", "c.yaml");
  REQUIRE(none);
  CHECK(none->streams.input == std::vector<std::string>{"slawatch:events"});
  auto bad = parse_config("rules: r.yaml\nstreams: {partitions: -1}\n", "c.yaml");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().front().path == "streams.partitions");
  CHECK(bad.error().front().line == 2);
}

TEST_CASE("streams.lease_ttl is a duration of 1s to 1h, 10s by default", "[config]") {
  auto cfg = parse_config("rules: r.yaml\nstreams: {partitions: 16, lease_ttl: 2s}\n", "c.yaml");
  REQUIRE(cfg);
  CHECK(cfg->streams.lease_ttl == std::chrono::seconds{2});
  auto defaults = parse_config("rules: r.yaml\n", "c.yaml");
  REQUIRE(defaults);
  CHECK(defaults->streams.lease_ttl == std::chrono::seconds{10});
  for (const char* bad_ttl : {"0s", "2h", "soon"}) {
    auto bad = parse_config(std::string{"rules: r.yaml\nstreams: {lease_ttl: "} + bad_ttl + "}\n", "c.yaml");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().front().path == "streams.lease_ttl");
    CHECK(bad.error().front().line == 2);
  }
}
