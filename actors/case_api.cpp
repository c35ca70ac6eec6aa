#include "actors/case_api.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <charconv>
#include <nlohmann/json.hpp>
#include <thread>

#include "actors/case_json.hpp"
#include "actors/messages.hpp"

namespace slawatch::actors {

namespace {

using json = nlohmann::ordered_json;

constexpr const char* json_type = "application/json";

void reply(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, json_type);
}

rules::instant now_seconds() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace

bool bearer_token_matches(const std::string& header, const std::string& token) {
  static const std::string scheme = "Bearer ";
  if (token.empty() || header.size() != scheme.size() + token.size() ||
      header.compare(0, scheme.size(), scheme) != 0)
    return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < token.size(); ++i)
    diff |= static_cast<unsigned char>(header[scheme.size() + i] ^ token[i]);
  return diff == 0;
}

std::optional<std::size_t> parse_worklist_limit(const std::string& text) {
  if (text.empty()) return std::size_t{1000};
  std::size_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 1 || value > 10000)
    return std::nullopt;
  return value;
}

struct case_api::serving {
  case_api_settings settings;
  caf::actor_system* system = nullptr;
  caf::actor router;
  httplib::Server server;
  std::thread thread;

  /// Asks the router and hands its answer to `on_reply`; 503 when it does not answer in time.
  template <class Reply, class... Ts>
  void ask(httplib::Response& res, const std::function<void(Reply&)>& on_reply, Ts&&... xs) {
    caf::scoped_actor self{*system};
    self->request(router, settings.ask_timeout, std::forward<Ts>(xs)...)
        .receive([&](Reply& r) { on_reply(r); },
                 [&](caf::error& e) {
                   spdlog::warn("case api: the router did not answer: {}", system->render(e));
                   reply(res, 503, error_json("the daemon did not answer in time; try again"));
                 });
  }

  bool authorized(const httplib::Request& req, httplib::Response& res) const {
    if (settings.token.empty()) return true;
    if (bearer_token_matches(req.get_header_value("Authorization"), settings.token)) return true;
    res.set_header("WWW-Authenticate", "Bearer");
    reply(res, 401, error_json("missing or wrong bearer token"));
    return false;
  }

  void routes() {
    server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
      reply(res, 200, R"({"status":"ok"})");
    });
    server.Get("/readyz", [this](const httplib::Request& req, httplib::Response& res) {
      if (!authorized(req, res)) return;
      const auto checks = settings.readiness();
      bool ready = true;
      json list = json::array();
      for (const auto& c : checks) {
        ready = ready && c.ok;
        list.push_back({{"name", c.name}, {"ok", c.ok}, {"detail", c.detail}});
      }
      json doc;
      doc["ready"] = ready;
      doc["checks"] = std::move(list);
      reply(res, ready ? 200 : 503, doc.dump());
    });
    server.Get(R"(/api/v1/cases/([^/]+))", [this](const httplib::Request& req,
                                                  httplib::Response& res) {
      if (!authorized(req, res)) return;
      const std::string id = req.matches[1].str();
      ask<case_detail>(
          res,
          [&](case_detail& d) {
            if (!d.found)
              reply(
                  res, 404,
                  error_json("no such case (unknown, or closed longer ago than closed_retention)"));
            else
              reply(res, 200, case_detail_json(d));
          },
          case_atom::value, id);
    });
    server.Get("/api/v1/cases", [this](const httplib::Request& req, httplib::Response& res) {
      if (!authorized(req, res)) return;
      worklist_query query;
      const auto at_risk = req.get_param_value("at_risk");
      if (at_risk == "true" || at_risk == "1") {
        query.at_risk_only = true;
      } else if (!at_risk.empty() && at_risk != "false" && at_risk != "0") {
        reply(res, 400, error_json("at_risk: expected true or false"));
        return;
      }
      query.team = req.get_param_value("team");
      query.priority = req.get_param_value("priority");
      const auto limit = parse_worklist_limit(req.get_param_value("limit"));
      if (!limit) {
        reply(res, 400, error_json("limit: expected a number from 1 to 10000"));
        return;
      }
      query.limit = *limit;
      ask<worklist_reply>(
          res, [&](worklist_reply& w) { reply(res, 200, worklist_json(w, now_seconds())); }, query);
    });
    server.Post("/api/v1/reload", [this](const httplib::Request& req, httplib::Response& res) {
      if (!authorized(req, res)) return;
      const auto outcome = settings.reload();
      json doc;
      doc["applied"] = outcome.applied;
      doc["version"] = outcome.version;
      doc["errors"] = outcome.errors;
      doc["cases"] = outcome.cases;
      reply(res, outcome.applied ? 200 : 422, doc.dump());
    });
    server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
      if (res.status == 404 && res.body.empty())
        res.set_content(error_json("no such endpoint"), json_type);
    });
  }
};

rules::expected<std::unique_ptr<case_api>, std::string> case_api::start(case_api_settings settings,
                                                                        caf::actor_system& system,
                                                                        caf::actor router) {
  using result = rules::expected<std::unique_ptr<case_api>, std::string>;
  const auto colon = settings.listen.rfind(':');
  if (colon == std::string::npos)
    return result::failure("api.listen: expected HOST:PORT, got " + settings.listen);
  std::string host = settings.listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  int port = 0;
  const auto port_text = settings.listen.substr(colon + 1);
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port < 0 || port > 65535)
    return result::failure("api.listen: bad port in " + settings.listen);

  std::unique_ptr<case_api> api{new case_api};
  api->serving_ = std::make_unique<serving>();
  auto& s = *api->serving_;
  s.settings = std::move(settings);
  s.system = &system;
  s.router = std::move(router);
  s.routes();
  if (port == 0) {
    port = s.server.bind_to_any_port(host);
    if (port <= 0) return result::failure("cannot serve the case API on " + s.settings.listen);
  } else if (!s.server.bind_to_port(host, port)) {
    return result::failure("cannot serve the case API on " + s.settings.listen);
  }
  api->port_ = port;
  s.thread = std::thread([&s] { s.server.listen_after_bind(); });
  return api;
}

void case_api::stop() {
  if (!serving_ || !serving_->thread.joinable()) return;
  serving_->server.stop();
  serving_->thread.join();
}

case_api::~case_api() { stop(); }

}  // namespace slawatch::actors
