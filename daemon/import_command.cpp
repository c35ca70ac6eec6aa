// `slawatch import FORMAT FILE`: a ticketing export in, contract events (JSON Lines) out.
#include <iostream>

#include "daemon/commands.hpp"
#include "replay/import.hpp"

namespace slawatch::cli {

void add_import_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "import",
      "Convert a ticketing export into contract events (JSON Lines on stdout; a summary of rows "
      "read, events written and rows that could not be mapped on stderr)");
  struct args {
    std::string format, file;
  };
  auto a = std::make_shared<args>();
  cmd->add_option("FORMAT", a->format, "servicenow | bpic2013 | helpdesk")
      ->required()
      ->check(CLI::IsMember({"servicenow", "bpic2013", "helpdesk"}));
  cmd->add_option("FILE", a->file, "The export (CSV, optionally gzip-compressed)")->required();
  cmd->callback([a] {
    const auto format = replay::parse_import_format(a->format);
    auto in = replay::open_maybe_gzip(a->file);
    if (!in) {
      std::cerr << "slawatch import: " << in.error() << '\n';
      throw command_exit{2};
    }
    std::ios::sync_with_stdio(false);
    auto summary = replay::import_csv(*format, **in, std::cout);
    std::cout.flush();
    if (!summary) {
      std::cerr << "slawatch import: " << a->file << ": " << summary.error() << '\n';
      throw command_exit{1};
    }
    replay::write_import_summary(std::cerr, *format, *summary);
    throw command_exit{0};
  });
}

}  // namespace slawatch::cli
