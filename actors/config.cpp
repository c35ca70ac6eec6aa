#include "actors/config.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include <yaml-cpp/yaml.h>

#include "rules/duration.hpp"
#include "rules/partition.hpp"

namespace slawatch::actors {

namespace {

/// Collects problems while walking the document.
class reader {
 public:
  explicit reader(std::string file) : file_(std::move(file)) {}

  void problem_at(const YAML::Node& node, const std::string& path, const std::string& message) {
    const auto mark = node.Mark();
    problems_.push_back({file_, mark.line >= 0 ? mark.line + 1 : 0, mark.column >= 0 ? mark.column + 1 : 0,
                         path, message});
  }

  /// Checks that `node` is a map with only `known` keys; calls `on_key` for each known one.
  void map(const YAML::Node& node, const std::string& path, const std::set<std::string>& known,
           const std::function<void(const std::string&, const YAML::Node&, const std::string&)>& on_key) {
    if (!node.IsMap()) {
      problem_at(node, path, "expected a mapping");
      return;
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!it->first.IsScalar()) {
        problem_at(it->first, path, "keys must be plain words");
        continue;
      }
      const auto key = it->first.Scalar();
      const auto key_path = path.empty() ? key : path + "." + key;
      if (known.count(key) == 0) {
        std::string list;
        for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
        problem_at(it->first, key_path, "unknown key (known here: " + list + ")");
        continue;
      }
      on_key(key, it->second, key_path);
    }
  }

  void text(const YAML::Node& node, const std::string& path, std::string& out, bool allow_empty = false) {
    if (!node.IsScalar()) {
      problem_at(node, path, "expected a string");
      return;
    }
    if (!allow_empty && node.Scalar().empty()) {
      problem_at(node, path, "must not be empty");
      return;
    }
    out = node.Scalar();
  }

  template <class Int>
  void integer(const YAML::Node& node, const std::string& path, Int& out, long long min, long long max) {
    long long value = 0;
    try {
      if (!node.IsScalar()) throw YAML::Exception(node.Mark(), "not a scalar");
      value = node.as<long long>();
    } catch (const YAML::Exception&) {
      problem_at(node, path, "expected an integer");
      return;
    }
    if (value < min || value > max) {
      problem_at(node, path, "must be between " + std::to_string(min) + " and " + std::to_string(max));
      return;
    }
    out = static_cast<Int>(value);
  }

  void duration(const YAML::Node& node, const std::string& path, std::chrono::seconds& out) {
    if (!node.IsScalar()) {
      problem_at(node, path, "expected a duration such as 30s, 15m or 24h");
      return;
    }
    auto parsed = rules::parse_duration(node.Scalar());
    if (!parsed) {
      problem_at(node, path, parsed.error());
      return;
    }
    out = std::chrono::seconds{*parsed};
  }

  void one_of(const YAML::Node& node, const std::string& path, std::string& out,
              const std::set<std::string>& allowed) {
    std::string value;
    text(node, path, value);
    if (value.empty()) return;
    if (allowed.count(value) == 0) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      problem_at(node, path, "must be one of: " + list);
      return;
    }
    out = value;
  }

  std::vector<rules::problem>& problems() { return problems_; }

 private:
  std::string file_;
  std::vector<rules::problem> problems_;
};

std::string resolve(const std::string& config_file, const std::string& path) {
  if (path.empty()) return path;
  std::filesystem::path p{path};
  if (p.is_absolute()) return path;
  const auto dir = std::filesystem::path{config_file}.parent_path();
  return (dir / p).lexically_normal().string();
}

bool is_http_url(const std::string& url) { return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0; }

void read_notify(reader& r, const YAML::Node& node, const std::string& path, notify_config& out) {
  r.map(node, path,
        {"alertmanagers", "resend_interval", "webhook_secret_file", "routing_key_files", "retries", "backoff",
         "backoff_max", "timeout", "dead_letter", "key_prefix", "sent_ttl", "case_api_base"},
        [&](const std::string& k, const YAML::Node& x, const std::string& p) {
          if (k == "alertmanagers") {
            if (!x.IsSequence()) {
              r.problem_at(x, p, "expected a list of Alertmanager URLs, e.g. [http://127.0.0.1:9093]");
              return;
            }
            out.alertmanagers.clear();
            for (std::size_t i = 0; i < x.size(); ++i) {
              const auto item_path = p + "[" + std::to_string(i) + "]";
              std::string url;
              r.text(x[i], item_path, url);
              if (url.empty()) continue;
              if (!is_http_url(url)) {
                r.problem_at(x[i], item_path, "expected an http:// or https:// URL");
                continue;
              }
              out.alertmanagers.push_back(url);
            }
          }
          if (k == "resend_interval") {
            r.duration(x, p, out.resend_interval);
            if (out.resend_interval.count() < 1) r.problem_at(x, p, "must be at least 1s");
          }
          if (k == "webhook_secret_file") r.text(x, p, out.webhook_secret_file, true);
          if (k == "routing_key_files") {
            if (!x.IsMap()) {
              r.problem_at(x, p, "expected receiver names mapped to files, e.g. {on-call: pagerduty.key}");
              return;
            }
            for (auto it = x.begin(); it != x.end(); ++it) {
              const std::string receiver = it->first.IsScalar() ? it->first.Scalar() : std::string{};
              std::string file;
              r.text(it->second, p + "." + receiver, file);
              if (!receiver.empty() && !file.empty()) out.routing_key_files[receiver] = file;
            }
          }
          if (k == "retries") r.integer(x, p, out.retries, 0, 100);
          if (k == "backoff") {
            r.duration(x, p, out.backoff);
            if (out.backoff.count() < 1) r.problem_at(x, p, "must be at least 1s");
          }
          if (k == "backoff_max") r.duration(x, p, out.backoff_max);
          if (k == "timeout") {
            r.duration(x, p, out.timeout);
            if (out.timeout.count() < 1) r.problem_at(x, p, "must be at least 1s");
          }
          if (k == "dead_letter") r.text(x, p, out.dead_letter);
          if (k == "key_prefix") r.text(x, p, out.key_prefix);
          if (k == "sent_ttl") {
            r.duration(x, p, out.sent_ttl);
            if (out.sent_ttl.count() < 60) r.problem_at(x, p, "must be at least 1m");
          }
          if (k == "case_api_base") {
            r.text(x, p, out.case_api_base, true);
            if (!out.case_api_base.empty() && !is_http_url(out.case_api_base))
              r.problem_at(x, p, "expected an http:// or https:// URL, or \"\" for no links");
          }
        });
  const YAML::Node& const_node = node;  // const: looking a key up must not add it
  if (node.IsMap() && out.backoff_max < out.backoff)
    r.problem_at(const_node["backoff_max"] ? const_node["backoff_max"] : node, path + ".backoff_max",
                 "must be at least backoff (" + rules::format_duration(out.backoff.count()) + ")");
}

}  // namespace

bool is_loopback_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  std::string host = listen.substr(0, colon == std::string::npos ? listen.size() : colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

rules::expected<daemon_config, std::vector<rules::problem>> parse_config(std::string_view yaml_text,
                                                                         const std::string& file_name) {
  using result = rules::expected<daemon_config, std::vector<rules::problem>>;
  YAML::Node root;
  try {
    root = YAML::Load(std::string{yaml_text});
  } catch (const YAML::ParserException& e) {
    return result::failure({rules::problem{file_name, e.mark.line + 1, e.mark.column + 1, "", e.msg}});
  }
  reader r{file_name};
  daemon_config cfg;
  cfg.file = file_name;
  bool has_rules = false;
  if (!root.IsMap()) {
    r.problem_at(root, "", "expected a mapping of settings (see config/slawatch.yaml)");
    return result::failure(r.problems());
  }
  r.map(root, "",
        {"redis", "streams", "consumer", "batch_size", "max_in_flight", "metrics", "rules", "log_level",
         "closed_retention", "shutdown_timeout", "api", "persistence", "notify"},
        [&](const std::string& key, const YAML::Node& v, const std::string& path) {
          if (key == "redis") {
            r.map(v, path, {"host", "port", "user", "password_file", "db"},
                  [&](const std::string& k, const YAML::Node& x, const std::string& p) {
                    if (k == "host") r.text(x, p, cfg.redis.host);
                    if (k == "port") r.integer(x, p, cfg.redis.port, 1, 65535);
                    if (k == "user") r.text(x, p, cfg.redis.user, true);
                    if (k == "password_file") r.text(x, p, cfg.redis.password_file, true);
                    if (k == "db") r.integer(x, p, cfg.redis.db, 0, 1000000);
                  });
          } else if (key == "streams") {
            r.map(v, path, {"input", "group", "outcomes", "notifications", "audit", "dead_letter", "start_from",
                     "partitions", "lease_ttl"},
                  [&](const std::string& k, const YAML::Node& x, const std::string& p) {
                    if (k == "input") {
                      if (x.IsScalar()) {
                        std::string one;
                        r.text(x, p, one);
                        cfg.streams.input = {one};
                      } else if (x.IsSequence() && x.size() > 0) {
                        cfg.streams.input.clear();
                        for (std::size_t i = 0; i < x.size(); ++i) {
                          std::string one;
                          r.text(x[i], p + "[" + std::to_string(i) + "]", one);
                          cfg.streams.input.push_back(one);
                        }
                      } else {
                        r.problem_at(x, p, "expected a stream name or a non-empty list of them");
                      }
                    }
                    if (k == "group") r.text(x, p, cfg.streams.group);
                    if (k == "outcomes") r.text(x, p, cfg.streams.outcomes);
                    if (k == "notifications") r.text(x, p, cfg.streams.notifications);
                    if (k == "audit") r.text(x, p, cfg.streams.audit);
                    if (k == "dead_letter") r.text(x, p, cfg.streams.dead_letter);
                    if (k == "start_from") r.one_of(x, p, cfg.streams.start_from, {"beginning", "new"});
                    if (k == "partitions") r.integer(x, p, cfg.streams.partitions, 0, 4096);
                    if (k == "lease_ttl") {
                      r.duration(x, p, cfg.streams.lease_ttl);
                      if (cfg.streams.lease_ttl.count() < 1 || cfg.streams.lease_ttl.count() > 3600)
                        r.problem_at(x, p, "must be between 1s and 1h");
                    }
                  });
          } else if (key == "consumer") {
            r.text(v, path, cfg.consumer, true);
          } else if (key == "batch_size") {
            r.integer(v, path, cfg.batch_size, 1, 100000);
          } else if (key == "max_in_flight") {
            r.integer(v, path, cfg.max_in_flight, 1, 10000000);
          } else if (key == "metrics") {
            r.map(v, path, {"listen"}, [&](const std::string&, const YAML::Node& x, const std::string& p) {
              r.text(x, p, cfg.metrics_listen);
              if (!cfg.metrics_listen.empty() && cfg.metrics_listen.find(':') == std::string::npos)
                r.problem_at(x, p, "expected HOST:PORT, e.g. 127.0.0.1:9464");
            });
          } else if (key == "api") {
            r.map(v, path, {"listen", "token_file"},
                  [&](const std::string& k, const YAML::Node& x, const std::string& p) {
                    if (k == "listen") {
                      r.text(x, p, cfg.api.listen);
                      if (!cfg.api.listen.empty() && cfg.api.listen.find(':') == std::string::npos)
                        r.problem_at(x, p, "expected HOST:PORT, e.g. 127.0.0.1:9465");
                    }
                    if (k == "token_file") r.text(x, p, cfg.api.token_file, true);
                  });
          } else if (key == "rules") {
            has_rules = true;
            r.text(v, path, cfg.rules_path);
          } else if (key == "log_level") {
            r.one_of(v, path, cfg.log_level, {"trace", "debug", "info", "warn", "error", "off"});
          } else if (key == "closed_retention") {
            r.duration(v, path, cfg.closed_retention);
          } else if (key == "shutdown_timeout") {
            r.duration(v, path, cfg.shutdown_timeout);
          } else if (key == "notify") {
            read_notify(r, v, path, cfg.notify);
          } else if (key == "persistence") {
            r.map(v, path, {"claim_idle", "output_retention", "load_batch"},
                  [&](const std::string& k, const YAML::Node& x, const std::string& p) {
                    if (k == "claim_idle") r.duration(x, p, cfg.persistence.claim_idle);
                    if (k == "output_retention") r.duration(x, p, cfg.persistence.output_retention);
                    if (k == "load_batch") r.integer(x, p, cfg.persistence.load_batch, 1, 100000);
                  });
          }
        });
  if (!has_rules) r.problem_at(root, "rules", "missing: the path of the rules file");
  const YAML::Node& const_root = root;  // const: looking a key up must not add it
  if (cfg.max_in_flight < cfg.batch_size)
    r.problem_at(const_root["max_in_flight"] ? const_root["max_in_flight"] : const_root, "max_in_flight",
                 "must be at least batch_size (" + std::to_string(cfg.batch_size) + ")");
  // A case API reachable from other hosts hands out case histories: never without a token.
  if (!is_loopback_listen(cfg.api.listen) && cfg.api.token_file.empty()) {
    const YAML::Node api = const_root["api"];
    const YAML::Node at = api && api.IsMap() && api["listen"] ? api["listen"] : const_root;
    r.problem_at(at, "api.listen",
                 "listening beyond loopback (" + cfg.api.listen +
                     ") needs a bearer token: set api.token_file, or listen on 127.0.0.1");
  }
  if (!r.problems().empty()) return result::failure(r.problems());
  if (cfg.streams.partitions > 0) {
    std::vector<std::string> partitioned;
    for (const auto& base : cfg.streams.input)
      for (std::uint32_t p = 0; p < cfg.streams.partitions; ++p)
        partitioned.push_back(rules::partition_stream(base, p));
    cfg.streams.input = std::move(partitioned);
  }
  cfg.api.token_file = resolve(file_name, cfg.api.token_file);
  cfg.rules_path = resolve(file_name, cfg.rules_path);
  cfg.redis.password_file = resolve(file_name, cfg.redis.password_file);
  cfg.notify.webhook_secret_file = resolve(file_name, cfg.notify.webhook_secret_file);
  for (auto& [receiver, file] : cfg.notify.routing_key_files) file = resolve(file_name, file);
  return cfg;
}

}  // namespace slawatch::actors
