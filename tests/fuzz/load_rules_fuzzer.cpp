// libFuzzer harness: load_rules on arbitrary text. Besides "no crash": a refusal lists at least
// one problem, each with a message and the file name it was given.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rules/load.hpp"
#include "tests/fuzz/fuzz_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto loaded = slawatch::rules::load_rules(text, "fuzz.yaml");
  if (loaded) return 0;
  if (loaded.error().empty()) slawatch::fuzz::fail("refused rules without a problem");
  for (const auto& p : loaded.error()) {
    if (p.message.empty()) slawatch::fuzz::fail("a problem without a message");
    if (p.file != "fuzz.yaml") slawatch::fuzz::fail("a problem without the file name");
    if (p.line < 0 || p.column < 0) slawatch::fuzz::fail("a problem with a negative position");
  }
  return 0;
}
