// Events in and records out, as text.  Pure functions (nlohmann-json inside, not in the interface).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rules/engine.hpp"
#include "rules/event.hpp"
#include "rules/expected.hpp"

namespace slawatch::rules {

/// Why an event was refused; `reason` is a stable metric label value.
struct decode_error {
  std::string reason;  ///< bad_json | missing_field | bad_timestamp | unknown_type | bad_value | oversize
  std::string detail;  ///< for logs and the dead-letter stream; never contains personal data
};

/// Largest event accepted, in bytes of JSON or of all stream fields together.
inline constexpr std::size_t max_event_bytes = 64 * 1024;

/// Decodes one JSON Lines event (values may be strings, numbers or booleans).
expected<event, decode_error> decode_event_json(std::string_view line);

/// Decodes one Redis stream entry (flat field/value pairs).
expected<event, decode_error> decode_event_fields(
    const std::vector<std::pair<std::string, std::string>>& fields);

/// One event as one line of JSON (no trailing newline): `type`, `case_id`, `ts`, `event_id` (when
/// not empty), then the attributes in name order, every value a string. decode_event_json() of
/// the result gives the event back.
std::string encode_event_json(const event& e);

/// One record as one line of JSON (no trailing newline), keys in a fixed order.
std::string encode_record_json(const record& r);

/// Appends encode_record_json(r) to `out` (no temporary string per record).
void append_record_json(std::string& out, const record& r);

/// Case id pattern of the contract: `CS-YYYYMMDD-####`; importers and platforms may use others,
/// so decoders accept any non-empty id up to 128 printable characters unless a pattern is set.
bool is_contract_case_id(std::string_view id);

}  // namespace slawatch::rules
