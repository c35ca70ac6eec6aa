// `slawatch replay --rules R --events FILE [--until ISO]`: contract events in, SLA records out.
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "daemon/commands.hpp"
#include "replay/import.hpp"
#include "replay/replay.hpp"

namespace slawatch::cli {

void add_replay_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "replay",
      "Apply contract events (JSON Lines) under a rules file and print the outcome and "
      "notification records (JSON Lines, byte-identical across runs); a summary with adherence "
      "per clock and priority goes to stderr");
  struct args {
    std::string rules, events, until;
    bool audit = false;
  };
  auto a = std::make_shared<args>();
  cmd->add_option("--rules", a->rules, "Rules file (YAML)")->required();
  cmd->add_option("--events", a->events,
                  "Events file, JSON Lines, optionally gzip-compressed; - reads stdin")
      ->required();
  cmd->add_option("--until", a->until,
                  "Evaluate as of this instant (ISO 8601); default: the latest event time");
  cmd->add_flag("--audit", a->audit, "Also print the audit trail records");
  cmd->callback([a] {
    std::optional<rules::instant> until;
    if (!a->until.empty()) {
      until = rules::parse_iso8601(a->until);
      if (!until) {
        std::cerr << "slawatch replay: --until " << a->until
                  << ": not an ISO 8601 date-time (e.g. 2026-03-02T09:30:00Z)\n";
        throw command_exit{2};
      }
    }
    const auto rs = load_rules_or_exit(a->rules, 2);
    std::unique_ptr<std::istream> file;
    std::istream* in = &std::cin;
    if (a->events != "-") {
      auto opened = replay::open_maybe_gzip(a->events);
      if (!opened) {
        std::cerr << "slawatch replay: " << opened.error() << '\n';
        throw command_exit{2};
      }
      file = std::move(*opened);
      in = file.get();
    }
    std::ios::sync_with_stdio(false);
    replay::replay_options options;
    options.include_audit = a->audit;
    options.progress = isatty(STDERR_FILENO) != 0;
    replay::run_replay(*in, rs, until, std::cout, std::cerr, options);
    std::cout.flush();
    throw command_exit{0};
  });
}

}  // namespace slawatch::cli
