// libFuzzer harness: decode_event_json on arbitrary bytes (one JSON Lines line).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rules/codec.hpp"
#include "tests/fuzz/fuzz_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const auto decoded = slawatch::rules::decode_event_json(line);
  if (!decoded) {
    slawatch::fuzz::check_refusal(decoded.error());
    return 0;
  }
  // JSON strings that parsed are valid UTF-8, so the values must come back exactly.
  slawatch::fuzz::check_round_trip(*decoded, true);
  return 0;
}
