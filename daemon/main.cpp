// slawatch: watches customer-service SLAs. `slawatch --help` lists the commands.
#include <iostream>

#include "daemon/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"slawatch " SLAWATCH_VERSION
               ": watches customer-service SLAs (first response, next reply, resolution) against "
               "YAML rules with business calendars"};
  app.set_version_flag("--version", std::string{"slawatch "} + SLAWATCH_VERSION);
  app.require_subcommand(1);
  slawatch::cli::add_check_command(app);
  slawatch::cli::add_due_command(app);
  slawatch::cli::add_replay_command(app);
  slawatch::cli::add_import_command(app);
#ifdef SLAWATCH_WITH_DAEMON
  slawatch::cli::add_run_command(app);
  slawatch::cli::add_generate_command(app);
  slawatch::cli::add_case_command(app);
  slawatch::cli::add_publish_command(app);
#endif
#ifdef SLAWATCH_WITH_BRIDGE
  slawatch::cli::add_bridge_command(app);
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 exits 0 for --help and 106+ for errors; the contract says bad arguments exit 2.
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const slawatch::cli::command_exit& done) {
    return done.status;
  }
  return 0;
}
