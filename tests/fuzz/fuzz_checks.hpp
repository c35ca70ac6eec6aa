// What every fuzz harness checks besides "no crash, no sanitizer report": refusals carry a known
// reason and a detail, and an accepted event survives encode_event_json -> decode_event_json.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

#include "rules/codec.hpp"

namespace slawatch::fuzz {

/// Stops the fuzzer with a message: libFuzzer saves the input that got here as a crash.
[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "fuzz check failed: %s\n", what);
  std::abort();
}

/// A refusal names one of the documented reasons (rules/codec.hpp) and says why.
inline void check_refusal(const rules::decode_error& error) {
  static const std::set<std::string> reasons{"bad_json",     "missing_field", "bad_timestamp",
                                             "unknown_type", "bad_value",     "oversize"};
  if (reasons.count(error.reason) == 0) fail("decode error with an undocumented reason");
  if (error.detail.empty()) fail("decode error without a detail");
}

/// Re-decodes the encoding of an accepted event; `exact_values` when the attribute values are
/// known to be valid UTF-8 (the encoder replaces invalid bytes with U+FFFD, by design).
inline void check_round_trip(const rules::event& decoded, bool exact_values) {
  const std::string line = rules::encode_event_json(decoded);
  const auto again = rules::decode_event_json(line);
  if (!again) fail("the encoding of an accepted event is refused by the decoder");
  if (again->type != decoded.type || again->case_id != decoded.case_id || again->ts != decoded.ts ||
      again->event_id != decoded.event_id) {
    fail("type, case_id, ts or event_id changed through encode and decode");
  }
  if (again->attrs.size() != decoded.attrs.size())
    fail("attributes lost through encode and decode");
  if (exact_values && again->attrs != decoded.attrs)
    fail("attributes changed through encode and decode");
  if (rules::encode_event_json(*again) != line) fail("encoding is not stable after one round");
}

}  // namespace slawatch::fuzz
