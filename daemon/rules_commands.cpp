// `slawatch check` and `slawatch due`: the rules file, validated and asked.
#include <fstream>
#include <iostream>
#include <sstream>

#include "daemon/commands.hpp"
#include "rules/duration.hpp"
#include "rules/load.hpp"

namespace slawatch::cli {

std::string read_file_or_exit(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "slawatch: cannot read " << path << ": no such file or not readable\n";
    throw command_exit{2};
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

rules::rule_set load_rules_or_exit(const std::string& path, int failure_status) {
  auto loaded = rules::load_rules(read_file_or_exit(path), path);
  if (!loaded) {
    for (const auto& p : loaded.error()) std::cerr << rules::to_string(p) << '\n';
    std::cerr << path << ": " << loaded.error().size() << " error"
              << (loaded.error().size() == 1 ? "" : "s") << '\n';
    throw command_exit{failure_status};
  }
  return std::move(*loaded);
}

void add_check_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("check", "Validate rules files: exit 0 with a summary, or list "
                                          "every error (file:line:col: key path: message) and exit 1");
  auto files = std::make_shared<std::vector<std::string>>();
  cmd->add_option("RULES", *files, "Rules files (YAML)")->required();
  cmd->callback([files] {
    int status = 0;
    for (const auto& path : *files) {
      try {
        const auto rs = load_rules_or_exit(path, 1);
        std::size_t clocks = 0;
        for (const auto& p : rs.policies) clocks += p.clocks.size();
        std::cout << path << ": ok: version " << rs.version << ", " << rs.policies.size()
                  << " policies, " << clocks << " clocks, " << rs.calendars.size()
                  << " calendars, " << rs.escalations.size() << " escalation chains, "
                  << rs.impact.size() << " impact rules, " << rs.receivers.size()
                  << " receivers, retarget " << rules::to_string(rs.retarget) << '\n';
      } catch (const command_exit& e) {
        status = std::max(status, e.status);
      }
    }
    throw command_exit{status};
  });
}

void add_due_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "due", "Print the instant (ISO 8601 UTC) at which DURATION of a calendar's open time has "
             "elapsed since --from");
  struct args {
    std::string rules, calendar, from, in;
  };
  auto a = std::make_shared<args>();
  cmd->add_option("--rules", a->rules, "Rules file holding the calendar")->required();
  cmd->add_option("--calendar", a->calendar, "Calendar name")->required();
  cmd->add_option("--from", a->from, "Start instant, ISO 8601 with Z or an offset")->required();
  cmd->add_option("--in", a->in, "Open time to count: 45s, 15m, 4h, 2h30m, 7d or seconds")
      ->required();
  cmd->callback([a] {
    const auto from = rules::parse_iso8601(a->from);
    if (!from) {
      std::cerr << "slawatch due: --from " << a->from
                << ": not an ISO 8601 date-time (e.g. 2026-03-02T09:30:00Z)\n";
      throw command_exit{2};
    }
    const auto in = rules::parse_duration(a->in);
    if (!in) {
      std::cerr << "slawatch due: --in " << a->in << ": " << in.error() << '\n';
      throw command_exit{2};
    }
    const auto rs = load_rules_or_exit(a->rules, 2);
    auto cal = rs.calendars.find(a->calendar);
    if (cal == rs.calendars.end() && a->calendar == "always") {
      // The built-in 24/7 UTC calendar that policies without a calendar use.
      std::cout << rules::format_iso8601(rules::calendar::always().due_after(*from, *in)) << '\n';
      throw command_exit{0};
    }
    if (cal == rs.calendars.end()) {
      std::cerr << "slawatch due: no calendar named '" << a->calendar << "' in " << a->rules
                << " (it has:";
      for (const auto& [name, c] : rs.calendars) std::cerr << ' ' << name;
      std::cerr << ")\n";
      throw command_exit{2};
    }
    std::cout << rules::format_iso8601(cal->second.due_after(*from, *in)) << '\n';
    throw command_exit{0};
  });
}

}  // namespace slawatch::cli
