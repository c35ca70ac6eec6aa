#include "bridge/config.hpp"

#include <filesystem>
#include <functional>
#include <set>

#include <yaml-cpp/yaml.h>

#include "bridge/mapping_detail.hpp"
#include "rules/duration.hpp"
#include "rules/event.hpp"

namespace slawatch::bridge {

namespace {

using key_handler = std::function<void(const std::string& key, const YAML::Node& value, const std::string& path)>;

/// Walks the document and collects every problem, each at the node it is about.
class walker {
 public:
  explicit walker(std::string file) : file_(std::move(file)) {}

  void problem(const YAML::Node& at, const std::string& path, const std::string& message) {
    const auto mark = at.Mark();
    problems_.push_back({file_, mark.line >= 0 ? mark.line + 1 : 0, mark.column >= 0 ? mark.column + 1 : 0, path,
                         message});
  }

  void mapping(const YAML::Node& node, const std::string& path, const std::set<std::string>& known,
               const key_handler& on_key) {
    if (!node.IsMap()) return problem(node, path, "expected a mapping");
    for (auto it = node.begin(); it != node.end(); ++it) {
      const auto key = it->first.IsScalar() ? it->first.Scalar() : std::string{};
      const auto key_path = path.empty() ? key : path + "." + key;
      if (!known.empty() && known.count(key) == 0) {
        std::string list;
        for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
        problem(it->first, key_path, "unknown key (known here: " + list + ")");
        continue;
      }
      on_key(key, it->second, key_path);
    }
  }

  std::string text(const YAML::Node& node, const std::string& path, bool allow_empty = false) {
    if (!node.IsScalar()) {
      problem(node, path, "expected a string");
      return {};
    }
    if (!allow_empty && node.Scalar().empty()) problem(node, path, "must not be empty");
    return node.Scalar();
  }

  long long integer(const YAML::Node& node, const std::string& path, long long min, long long max, long long fallback) {
    long long value = 0;
    try {
      if (!node.IsScalar()) throw YAML::Exception(node.Mark(), "not a scalar");
      value = node.as<long long>();
    } catch (const YAML::Exception&) {
      problem(node, path, "expected an integer");
      return fallback;
    }
    if (value < min || value > max) {
      problem(node, path, "must be between " + std::to_string(min) + " and " + std::to_string(max));
      return fallback;
    }
    return value;
  }

  bool boolean(const YAML::Node& node, const std::string& path, bool fallback) {
    try {
      if (node.IsScalar()) return node.as<bool>();
    } catch (const YAML::Exception&) {
    }
    problem(node, path, "expected true or false");
    return fallback;
  }

  std::chrono::seconds duration(const YAML::Node& node, const std::string& path, std::chrono::seconds fallback) {
    if (!node.IsScalar()) {
      problem(node, path, "expected a duration such as 2s or 5m");
      return fallback;
    }
    auto parsed = rules::parse_duration(node.Scalar());
    if (!parsed) {
      problem(node, path, parsed.error());
      return fallback;
    }
    return std::chrono::seconds{*parsed};
  }

  /// A map of text to text; keys are folded to lower case, as the mappings compare them.
  std::map<std::string, std::string> table(const YAML::Node& node, const std::string& path, bool fold_keys,
                                           const std::function<void(const YAML::Node&, const std::string&, const std::string&)>&
                                               check_value = {}) {
    std::map<std::string, std::string> out;
    mapping(node, path, {}, [&](const std::string& key, const YAML::Node& v, const std::string& p) {
      const auto value = text(v, p);
      if (check_value) check_value(v, p, value);
      out[fold_keys ? detail::lower(key) : key] = value;
    });
    return out;
  }

  std::vector<rules::problem>& problems() { return problems_; }

 private:
  std::string file_;
  std::vector<rules::problem> problems_;
};

std::string resolve(const std::string& config_file, const std::string& path) {
  if (path.empty() || std::filesystem::path{path}.is_absolute()) return path;
  return (std::filesystem::path{config_file}.parent_path() / path).lexically_normal().string();
}

bool split_host_port(const std::string& text, std::string& host, int& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  try {
    const auto p = std::stoi(text.substr(colon + 1));
    if (p < 1 || p > 65535) return false;
    host = text.substr(0, colon);
    port = p;
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

signature_scheme scheme_of(platform p) {
  switch (p) {
    case platform::zendesk:
      return signature_scheme::zendesk_hmac_sha256;
    case platform::zammad:
      return signature_scheme::hub_hmac_sha1;
    case platform::jira:
      return signature_scheme::hub_hmac_sha256;
    case platform::freshdesk:
    case platform::servicenow:
      break;
  }
  return signature_scheme::shared_token;
}

void read_platform(walker& w, const YAML::Node& node, const std::string& path, platform_config& pc, bool& enabled) {
  const std::set<std::string> known{"enabled",     "secret_file", "verify_signatures", "max_clock_skew",
                                    "token_header", "case_id_prefix", "case_id_path", "statuses",
                                    "priorities",  "channels",    "teams",             "custom_fields",
                                    "ratings",     "attributes"};
  const std::set<std::string> priorities{"P1", "P2", "P3", "P4"};
  const std::set<std::string> channels{"phone", "email", "chat", "social", "portal"};
  auto& m = pc.mapping;
  bool has_skew = false;
  bool has_token_header = false;
  w.mapping(node, path, known, [&](const std::string& key, const YAML::Node& v, const std::string& p) {
    if (key == "enabled") enabled = w.boolean(v, p, enabled);
    if (key == "secret_file") pc.secret_file = w.text(v, p);
    if (key == "verify_signatures") pc.verify_signatures = w.boolean(v, p, true);
    if (key == "max_clock_skew") {
      has_skew = true;
      pc.signature.max_clock_skew = w.duration(v, p, pc.signature.max_clock_skew);
    }
    if (key == "token_header") {
      has_token_header = true;
      pc.signature.token_header = w.text(v, p);
    }
    if (key == "case_id_prefix") m.case_id_prefix = w.text(v, p, true);
    if (key == "case_id_path") m.case_id_path = w.text(v, p);
    if (key == "statuses") m.statuses = w.table(v, p, true);
    if (key == "priorities")
      m.priorities = w.table(v, p, true, [&](const YAML::Node& at, const std::string& vp, const std::string& value) {
        if (priorities.count(value) == 0) w.problem(at, vp, "must be one of P1, P2, P3, P4");
      });
    if (key == "channels")
      m.channels = w.table(v, p, true, [&](const YAML::Node& at, const std::string& vp, const std::string& value) {
        if (channels.count(value) == 0) w.problem(at, vp, "must be one of phone, email, chat, social, portal");
      });
    if (key == "teams") m.teams = w.table(v, p, true);
    if (key == "custom_fields")
      m.custom_fields = w.table(v, p, true, [&](const YAML::Node& at, const std::string& vp, const std::string& value) {
        if (rules::is_personal_attribute(value)) w.problem(at, vp, "'" + value + "' is personal data and is never stored");
      });
    if (key == "ratings")
      m.ratings = w.table(v, p, true, [&](const YAML::Node& at, const std::string& vp, const std::string& value) {
        if (value.size() != 1 || value[0] < '1' || value[0] > '5') w.problem(at, vp, "must be a csat score 1..5");
      });
    if (key == "attributes") {
      static const std::set<std::string> reserved{"type", "case_id", "ts", "event_id"};
      m.attributes.clear();
      w.mapping(v, p, {}, [&](const std::string& name, const YAML::Node& x, const std::string& xp) {
        if (reserved.count(name)) w.problem(x, xp, "'" + name + "' is not an attribute");
        if (rules::is_personal_attribute(name)) w.problem(x, xp, "'" + name + "' is personal data and is never stored");
        m.attributes[name] = w.text(x, xp);
      });
    }
  });
  if (has_skew && pc.which != platform::zendesk)
    w.problem(node, path + ".max_clock_skew", "only Zendesk signs a timestamp");
  if (has_token_header && pc.signature.scheme != signature_scheme::shared_token)
    w.problem(node, path + ".token_header", "only Freshdesk and ServiceNow send a shared token");
}

}  // namespace

rules::expected<bridge_config, std::vector<rules::problem>> parse_bridge_config(std::string_view yaml_text,
                                                                                const std::string& file_name) {
  using result = rules::expected<bridge_config, std::vector<rules::problem>>;
  YAML::Node root;
  try {
    root = YAML::Load(std::string{yaml_text});
  } catch (const YAML::ParserException& e) {
    return result::failure({rules::problem{file_name, e.mark.line + 1, e.mark.column + 1, "", e.msg}});
  }
  walker w{file_name};
  bridge_config cfg;
  cfg.file = file_name;
  if (!root.IsMap()) {
    w.problem(root, "", "expected a mapping of settings (see config/bridge.yaml)");
    return result::failure(w.problems());
  }
  w.mapping(root, "", {"listen", "metrics", "max_body_bytes", "redis", "streams", "log_level", "platforms"},
            [&](const std::string& key, const YAML::Node& v, const std::string& path) {
              if (key == "listen") {
                if (!split_host_port(w.text(v, path), cfg.listen_host, cfg.listen_port))
                  w.problem(v, path, "expected HOST:PORT, e.g. 127.0.0.1:8088");
              } else if (key == "metrics") {
                w.mapping(v, path, {"listen"}, [&](const std::string&, const YAML::Node& x, const std::string& p) {
                  std::string host;
                  int port = 0;
                  cfg.metrics_listen = w.text(x, p);
                  if (!split_host_port(cfg.metrics_listen, host, port))
                    w.problem(x, p, "expected HOST:PORT, e.g. 127.0.0.1:9465");
                });
              } else if (key == "max_body_bytes") {
                cfg.max_body_bytes = static_cast<std::size_t>(w.integer(v, path, 1024, 64LL * 1024 * 1024, 1024 * 1024));
              } else if (key == "redis") {
                w.mapping(v, path, {"host", "port", "user", "password_file", "db", "timeout"},
                          [&](const std::string& k, const YAML::Node& x, const std::string& p) {
                            if (k == "host") cfg.redis_host = w.text(x, p);
                            if (k == "port") cfg.redis_port = static_cast<int>(w.integer(x, p, 1, 65535, 6379));
                            if (k == "user") cfg.redis_user = w.text(x, p, true);
                            if (k == "password_file") cfg.redis_password_file = resolve(file_name, w.text(x, p, true));
                            if (k == "db") cfg.redis_db = static_cast<int>(w.integer(x, p, 0, 1000000, 0));
                            if (k == "timeout") cfg.redis_timeout = w.duration(x, p, std::chrono::seconds{2});
                          });
              } else if (key == "streams") {
                w.mapping(v, path, {"input", "dead_letter"}, [&](const std::string& k, const YAML::Node& x, const std::string& p) {
                  if (k == "input") cfg.input_stream = w.text(x, p);
                  if (k == "dead_letter") cfg.dead_letter_stream = w.text(x, p);
                });
              } else if (key == "log_level") {
                static const std::set<std::string> levels{"trace", "debug", "info", "warn", "error", "off"};
                cfg.log_level = w.text(v, path);
                if (levels.count(cfg.log_level) == 0) w.problem(v, path, "must be one of: debug, error, info, off, trace, warn");
              } else if (key == "platforms") {
                std::set<std::string> names;
                for (const auto p : all_platforms()) names.insert(to_string(p));
                w.mapping(v, path, names, [&](const std::string& name, const YAML::Node& x, const std::string& p) {
                  platform_config pc;
                  pc.which = *parse_platform(name);
                  pc.mapping = default_mapping(pc.which);
                  pc.signature.scheme = scheme_of(pc.which);
                  if (pc.which != platform::zendesk) pc.signature.max_clock_skew = std::chrono::seconds{0};
                  bool enabled = true;
                  read_platform(w, x, p, pc, enabled);
                  pc.secret_file = resolve(file_name, pc.secret_file);
                  if (enabled && pc.verify_signatures && pc.secret_file.empty())
                    w.problem(x, p, "needs secret_file (or verify_signatures: false, for trying the bridge out only)");
                  if (enabled) cfg.platforms[pc.which] = std::move(pc);
                });
              }
            });
  if (!w.problems().empty()) return result::failure(w.problems());
  return cfg;
}

}  // namespace slawatch::bridge
