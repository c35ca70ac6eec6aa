// The bridge's HTTP side: cpp-httplib, plain HTTP (TLS belongs to the reverse proxy in front of
// it), `POST /webhooks/<platform>` into webhook_handler, `GET /healthz` for probes.
#pragma once

#include <memory>
#include <string>

#include "bridge/handler.hpp"
#include "rules/expected.hpp"

namespace httplib {
class Server;
}

namespace slawatch::bridge {

/// Not thread-safe itself: start it from one thread, stop it from any other. Requests are
/// served by httplib's own thread pool.
class webhook_server {
 public:
  webhook_server(const webhook_handler& handler, std::size_t max_body_bytes);
  ~webhook_server();
  webhook_server(const webhook_server&) = delete;
  webhook_server& operator=(const webhook_server&) = delete;

  /// Binds host:port (port 0: any free port); the bound port, or why not.
  rules::expected<int, std::string> bind(const std::string& host, int port);
  /// Serves until stop(); blocks.
  void serve();
  void stop();

 private:
  std::unique_ptr<httplib::Server> server_;
};

}  // namespace slawatch::bridge
