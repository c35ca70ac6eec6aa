// The case API: HTTP (cpp-httplib, plain HTTP; TLS belongs to a reverse proxy) for supervisors,
// on-call and the platform team. Endpoints:
//   GET  /healthz             the process serves HTTP (never needs the token)
//   GET  /readyz              200 when every readiness check passes, else 503; the body names them
//   GET  /api/v1/cases/{id}   one case (actors/case_json.hpp), 404 when unknown
//   GET  /api/v1/cases        the worklist: ?at_risk=true&team=T&priority=P&limit=N
//   POST /api/v1/reload       reload the rules file (as SIGHUP does); 200 applied, 422 invalid
// With a token configured, every request but /healthz needs `Authorization: Bearer <token>`
// (401 otherwise). The HTTP threads ask the router through a scoped actor with a timeout.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rules/expected.hpp"

namespace httplib {
class Server;
}

namespace slawatch::actors {

/// One readiness check: `name` (redis, rules, backlog), whether it passes, and why.
struct readiness_check {
  std::string name;
  bool ok = false;
  std::string detail;
};

/// What a rules reload did.
struct reload_outcome {
  bool applied = false;             ///< valid: the new rules are in use
  std::string version;              ///< the version in use afterwards
  std::vector<std::string> errors;  ///< file:line:col: problems, when invalid
  std::uint64_t cases = 0;          ///< open cases recomputed, when applied
};

struct case_api_settings {
  std::string listen = "127.0.0.1:9465";        ///< HOST:PORT; port 0 picks a free one
  std::string token;                            ///< empty: no token needed (loopback only)
  std::chrono::milliseconds ask_timeout{5000};  ///< how long a request waits for the router
  std::function<std::vector<readiness_check>()> readiness;  ///< thread-safe
  std::function<reload_outcome()> reload;                   ///< thread-safe
};

/// Whether `header` (an Authorization header value) carries `token` as a bearer token.
/// Compares in time independent of where the first difference is.
bool bearer_token_matches(const std::string& header, const std::string& token);

/// Parses a worklist limit: 1..10000; empty gives the default 1000. Nothing for anything else.
std::optional<std::size_t> parse_worklist_limit(const std::string& text);

/// The listening API. Serves on its own threads from start() until stop() or destruction.
/// start() and stop() are for one thread; the handlers run on httplib's pool.
class case_api {
 public:
  /// Binds `settings.listen` and starts serving. Fails (with the reason) if it cannot bind.
  static rules::expected<std::unique_ptr<case_api>, std::string> start(case_api_settings settings,
                                                                       caf::actor_system& system,
                                                                       caf::actor router);
  /// Stops accepting and waits for the serving thread. Idempotent.
  void stop();
  /// The port bound (useful when `listen` asked for port 0).
  int port() const noexcept { return port_; }

  ~case_api();
  case_api(const case_api&) = delete;
  case_api& operator=(const case_api&) = delete;

 private:
  case_api() = default;
  struct serving;
  std::unique_ptr<serving> serving_;
  int port_ = 0;
};

}  // namespace slawatch::actors
