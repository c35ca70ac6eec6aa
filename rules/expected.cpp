// Rendering of problems found in user input.
#include "rules/expected.hpp"

namespace slawatch::rules {

std::string to_string(const problem& p) {
  // Location parts are joined with ':' the way compilers print them, so editors can jump there.
  std::string out = p.file;
  if (p.line > 0) {
    if (!out.empty()) out += ':';
    out += std::to_string(p.line);
    if (p.column > 0) out += ':' + std::to_string(p.column);
  }
  if (!out.empty()) out += ": ";
  if (!p.path.empty()) out += p.path + ": ";
  out += p.message;
  return out;
}

}  // namespace slawatch::rules
