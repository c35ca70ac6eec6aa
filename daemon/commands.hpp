// Subcommands of `slawatch`. Each add_*_command registers one CLI11 subcommand whose callback
// runs it; a command ends by throwing command_exit with its exit status (0 ok, 1 failure found
// in the input, e.g. invalid rules; 2 bad arguments).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "rules/model.hpp"

namespace slawatch::cli {

/// Thrown by a command's callback to end the process with `status`.
struct command_exit {
  int status = 0;
};

/// Reads a whole file; on failure prints `slawatch: cannot read FILE: reason` and exits 2.
std::string read_file_or_exit(const std::string& path);

/// Loads a rules file, or prints every problem (file:line:col: path: message) and exits with
/// `failure_status`.
rules::rule_set load_rules_or_exit(const std::string& path, int failure_status);

void add_check_command(CLI::App& app);
void add_due_command(CLI::App& app);
void add_replay_command(CLI::App& app);
void add_import_command(CLI::App& app);
#ifdef SLAWATCH_WITH_DAEMON
void add_run_command(CLI::App& app);       // daemon/run_command.cpp
void add_generate_command(CLI::App& app);  // daemon/generate_command.cpp
void add_case_command(CLI::App& app);      // daemon/case_command.cpp
void add_publish_command(CLI::App& app);   // daemon/publish_command.cpp
#endif
#ifdef SLAWATCH_WITH_BRIDGE
void add_bridge_command(CLI::App& app);  // daemon/bridge_command.cpp
#endif

}  // namespace slawatch::cli
