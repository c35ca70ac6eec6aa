#include "bridge/server.hpp"

#include <chrono>

#include <httplib.h>

namespace slawatch::bridge {

webhook_server::webhook_server(const webhook_handler& handler, std::size_t max_body_bytes)
    : server_(std::make_unique<httplib::Server>()) {
  // httplib refuses larger bodies itself (413) before reading them whole; they are counted here.
  server_->set_payload_max_length(max_body_bytes);
  server_->Post(R"(/webhooks/([a-z]+))", [&handler](const httplib::Request& req, httplib::Response& res) {
    const auto answer = handler.handle(
        req.matches[1].str(), [&req](std::string_view name) { return req.get_header_value(std::string{name}); },
        req.body, std::chrono::system_clock::now());
    res.status = answer.status;
    res.set_content(answer.body, "application/json");
  });
  server_->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"status\":\"ok\"}", "application/json");
  });
  server_->set_error_handler([&handler](const httplib::Request& req, httplib::Response& res) {
    if (res.status == 413 && req.path.rfind("/webhooks/", 0) == 0) {
      handler.count_refused(req.path.substr(std::string{"/webhooks/"}.size()), "too_large");
      res.set_content("{\"error\":\"body too large\"}", "application/json");
    }
  });
}

webhook_server::~webhook_server() = default;

rules::expected<int, std::string> webhook_server::bind(const std::string& host, int port) {
  using result = rules::expected<int, std::string>;
  if (port == 0) {
    const int bound = server_->bind_to_any_port(host);
    if (bound <= 0) return result::failure("cannot listen on " + host);
    return bound;
  }
  if (!server_->bind_to_port(host, port)) return result::failure("cannot listen on " + host + ":" + std::to_string(port));
  return port;
}

void webhook_server::serve() { server_->listen_after_bind(); }

void webhook_server::stop() { server_->stop(); }

}  // namespace slawatch::bridge
