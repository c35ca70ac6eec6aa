// `slawatch case ID`: asks a running daemon's case API about one case and prints the answer for a
// person (or the JSON with --json). "Did we meet SLA on case X?" is the first line.
#include <httplib.h>

#include <cctype>
#include <cstdio>
#include <iostream>

#include "actors/case_json.hpp"
#include "daemon/commands.hpp"

namespace slawatch::cli {

namespace {

struct case_args {
  std::string id;
  std::string api = "http://127.0.0.1:9465";
  std::string token_file;
  bool json = false;
  double timeout = 10;
};

/// Percent-encodes everything but unreserved characters (RFC 3986), for a path segment.
std::string encode_segment(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

void show_case(const case_args& a) {
  std::string token;
  if (!a.token_file.empty()) {
    token = read_file_or_exit(a.token_file);
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  }
  httplib::Client client(a.api);
  if (!client.is_valid()) {
    std::cerr << "slawatch case: --api " << a.api << ": expected http://HOST:PORT\n";
    throw command_exit{2};
  }
  const auto timeout = std::chrono::milliseconds(static_cast<long long>(a.timeout * 1000));
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  auto res = client.Get("/api/v1/cases/" + encode_segment(a.id), headers);
  if (!res) {
    std::cerr << "slawatch case: cannot reach the case API at " << a.api << ": "
              << httplib::to_string(res.error()) << "\n";
    throw command_exit{1};
  }
  if (res->status == 404) {
    std::cerr
        << "slawatch case: " << a.id
        << ": not found (unknown to the daemon, or closed longer ago than closed_retention)\n";
    throw command_exit{1};
  }
  if (res->status != 200) {
    std::cerr << "slawatch case: the case API answered " << res->status << ": " << res->body
              << "\n";
    throw command_exit{1};
  }
  if (a.json) {
    std::cout << res->body << '\n';
    throw command_exit{0};
  }
  auto text = actors::case_text(res->body);
  if (!text) {
    std::cerr << "slawatch case: " << text.error() << "\n";
    throw command_exit{1};
  }
  std::cout << *text;
  throw command_exit{0};
}

}  // namespace

void add_case_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("case",
                                 "Show one case from a running daemon's case API: the SLA answer "
                                 "(MET, BREACHED, PENDING) on the first "
                                 "line, then every clock (state, due, stopped, elapsed, paused, "
                                 "result) and the case's timeline. Works "
                                 "for open, paused and closed cases (closed ones while the daemon "
                                 "keeps them, closed_retention).");
  cmd->footer(
      "Exit status: 0 the case was found and shown; 1 not found, the API cannot be reached or "
      "refused the "
      "request (e.g. 401: wrong or missing token); 2 bad arguments.");
  auto a = std::make_shared<case_args>();
  cmd->add_option("id", a->id, "Case id, e.g. CS-20260302-0001")->required();
  cmd->add_option("--api", a->api, "Base URL of the daemon's case API (api.listen)")
      ->capture_default_str();
  cmd->add_option("--token-file", a->token_file,
                  "File holding the API's bearer token (api.token_file)");
  cmd->add_flag("--json", a->json, "Print the API's JSON document instead of the table");
  cmd->add_option("--timeout", a->timeout, "Seconds to wait for the API")->capture_default_str();
  cmd->callback([a] { show_case(*a); });
}

}  // namespace slawatch::cli
