// The text form of a Redis stream entry used by the decode_event_fields fuzzer and its corpus
// (tests/fuzz/corpus/event_fields, malformed_fields): one field per line, `name=value`, split
// at the first `=` (a line without one is a name with an empty value). Values cannot hold a
// newline in this form; everything else, NUL and invalid UTF-8 included, passes through.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slawatch::fuzz {

/// Splits `text` into the field/value pairs of one stream entry (see the file comment).
inline std::vector<std::pair<std::string, std::string>> parse_field_lines(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> fields;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    const std::size_t equals = line.find('=');
    if (equals == std::string_view::npos) {
      fields.emplace_back(std::string(line), std::string());
    } else {
      fields.emplace_back(std::string(line.substr(0, equals)),
                          std::string(line.substr(equals + 1)));
    }
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return fields;
}

}  // namespace slawatch::fuzz
