// libFuzzer harness: decode_event_fields on the fields of arbitrary bytes (field_lines.hpp).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rules/codec.hpp"
#include "tests/fuzz/field_lines.hpp"
#include "tests/fuzz/fuzz_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto fields = slawatch::fuzz::parse_field_lines(
      std::string_view(reinterpret_cast<const char*>(data), size));
  const auto decoded = slawatch::rules::decode_event_fields(fields);
  if (!decoded) {
    slawatch::fuzz::check_refusal(decoded.error());
    return 0;
  }
  // Stream values are bytes, not necessarily UTF-8: only the shape must survive.
  slawatch::fuzz::check_round_trip(*decoded, false);
  return 0;
}
