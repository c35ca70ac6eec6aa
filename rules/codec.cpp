// Events in (JSON Lines, Redis stream fields) and records out (JSON Lines).
//
// Decoding checks what the contract fixes and normalises spellings so rules compare like with
// like:
//   type            one of the contract's names, else `unknown_type`
//   case_id         non-empty, at most 128 printable ASCII characters
//   ts              ISO 8601 with `Z` or an offset, else `bad_timestamp`
//   event_id        optional, at most 256 printable ASCII characters
//   priority        P1..P4 in any case, stored upper-case
//   channel         phone | email | chat | social | portal in any case, stored lower-case
//   status          any non-blank text, stored lower-case
//   legal_risk      true | false in any case, stored lower-case
//   revenue_impact  a finite decimal number
//   csat            integer 1..5, required by `csat.received`
//   nps             integer 0..10
//   level           integer >= 1
// Every other attribute is kept as text. JSON null and empty strings mean "absent"; nested
// objects and arrays are refused. Personal attributes (rules/event.cpp) are dropped unseen.
// Error details name the field and what was expected, never the value, which may be personal.
#include "rules/codec.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>

namespace slawatch::rules {

namespace {

constexpr std::size_t max_case_id_chars = 128;
constexpr std::size_t max_event_id_chars = 256;

using field_list = std::vector<std::pair<std::string, std::string>>;

decode_error error_of(std::string reason, std::string detail) {
  return decode_error{std::move(reason), std::move(detail)};
}

bool is_printable_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

std::string to_lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string to_upper_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

/// A whole decimal integer (optional leading `-`), nothing else.
std::optional<long long> parse_integer(std::string_view text) {
  long long value = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (first != last && *first == '+') ++first;
  const auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || end != last || first == last) return std::nullopt;
  return value;
}

bool is_finite_number(const std::string& text) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text.front())) != 0) return false;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && std::isfinite(value);
}

/// Printable type names are echoed in the error; anything else could be arbitrary input.
std::string describe_type(std::string_view type) {
  const bool plain =
      !type.empty() && type.size() <= 40 && std::all_of(type.begin(), type.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
      });
  return plain ? "unknown event type `" + std::string(type) + "`" : "unknown event type";
}

/// Checks and normalises one attribute value in place; returns the error detail when invalid.
std::optional<std::string> normalise_attribute(const std::string& name, std::string& value) {
  if (name == "priority") {
    value = to_upper_ascii(value);
    if (value.size() == 2 && value[0] == 'P' && value[1] >= '1' && value[1] <= '4') return {};
    return "`priority` must be P1, P2, P3 or P4";
  }
  if (name == "channel") {
    value = to_lower_ascii(value);
    static const std::array<std::string_view, 5> channels{"phone", "email", "chat", "social",
                                                          "portal"};
    if (std::find(channels.begin(), channels.end(), value) != channels.end()) return {};
    return "`channel` must be phone, email, chat, social or portal";
  }
  if (name == "status") {
    value = to_lower_ascii(value);
    if (!is_blank(value)) return {};
    return "`status` must not be blank";
  }
  if (name == "legal_risk") {
    value = to_lower_ascii(value);
    if (value == "true" || value == "false") return {};
    return "`legal_risk` must be true or false";
  }
  if (name == "revenue_impact") {
    if (is_finite_number(value)) return {};
    return "`revenue_impact` must be a number (USD)";
  }
  if (name == "csat" || name == "nps" || name == "level") {
    const auto number = parse_integer(value);
    const long long low = name == "nps" ? 0 : 1;
    const long long high = name == "csat" ? 5 : name == "nps" ? 10 : 1'000'000;
    if (number && *number >= low && *number <= high) {
      value = std::to_string(*number);
      return {};
    }
    if (name == "csat") return "`csat` must be an integer from 1 to 5";
    if (name == "nps") return "`nps` must be an integer from 0 to 10";
    return "`level` must be an integer of at least 1";
  }
  return {};
}

/// The shared part of both decoders: `fields` are the present, non-null values as text.
expected<event, decode_error> decode_fields(const field_list& fields) {
  const std::string* type_text = nullptr;
  const std::string* case_id = nullptr;
  const std::string* ts_text = nullptr;
  event decoded;
  attributes attrs;
  for (const auto& [name, value] : fields) {
    if (name.empty() || !is_printable_ascii(name)) {
      return expected<event, decode_error>::failure(
          error_of("bad_value", "field names must be non-empty printable ASCII"));
    }
    if (name == "type") {
      type_text = &value;
    } else if (name == "case_id") {
      case_id = &value;
    } else if (name == "ts") {
      ts_text = &value;
    } else if (name == "event_id") {
      decoded.event_id = value;
    } else if (!is_personal_attribute(name) && !value.empty()) {
      attrs[name] = value;
    } else {
      // Personal data is dropped here, before anything can store or log it; an empty value
      // means the attribute is absent, like JSON null.
      attrs.erase(name);
    }
  }

  using result = expected<event, decode_error>;
  if (type_text == nullptr || type_text->empty()) {
    return result::failure(error_of("missing_field", "missing field `type`"));
  }
  const auto type = parse_event_type(*type_text);
  if (!type) return result::failure(error_of("unknown_type", describe_type(*type_text)));
  decoded.type = *type;

  if (case_id == nullptr || case_id->empty()) {
    return result::failure(error_of("missing_field", "missing field `case_id`"));
  }
  if (case_id->size() > max_case_id_chars || !is_printable_ascii(*case_id)) {
    return result::failure(
        error_of("bad_value", "`case_id` must be at most 128 printable ASCII characters"));
  }
  decoded.case_id = *case_id;

  if (ts_text == nullptr || ts_text->empty()) {
    return result::failure(error_of("missing_field", "missing field `ts`"));
  }
  const auto ts = parse_iso8601(*ts_text);
  if (!ts) {
    return result::failure(error_of(
        "bad_timestamp", "`ts` must be ISO 8601 with Z or an offset, e.g. 2025-09-12T14:03:00Z"));
  }
  decoded.ts = *ts;

  if (decoded.event_id.size() > max_event_id_chars || !is_printable_ascii(decoded.event_id)) {
    return result::failure(
        error_of("bad_value", "`event_id` must be at most 256 printable ASCII characters"));
  }

  for (auto& [name, value] : attrs) {
    if (auto problem = normalise_attribute(name, value)) {
      return result::failure(error_of("bad_value", *problem));
    }
  }
  if (decoded.type == event_type::csat_received && attrs.count("csat") == 0) {
    return result::failure(error_of("missing_field", "`csat.received` needs field `csat`"));
  }
  decoded.attrs = attrs;
  return decoded;
}

/// A JSON number as attribute text: integers without `.0`, others in the shortest form that
/// reads back to the same double.
std::string number_text(const nlohmann::json& value) {
  if (value.is_number_integer() && !value.is_number_unsigned()) {
    return std::to_string(value.get<std::int64_t>());
  }
  if (value.is_number_unsigned()) return std::to_string(value.get<std::uint64_t>());
  const double d = value.get<double>();
  // 2^53: every integer below it is exact in a double, so the integer text is the same number.
  constexpr double exact_integer_limit = 9007199254740992.0;
  if (std::trunc(d) == d && std::fabs(d) < exact_integer_limit) {
    return std::to_string(static_cast<std::int64_t>(d));
  }
  return value.dump();
}

/// Basis points as percent: 5000 -> 50, 1250 -> 12.5 (a JSON integer when whole).
nlohmann::ordered_json percent_of_basis_points(std::int64_t bp) {
  if (bp % 100 == 0) return nlohmann::ordered_json(bp / 100);
  return nlohmann::ordered_json(static_cast<double>(bp) / 100.0);
}

/// Appends `text` as a JSON string: quotes, backslashes and control characters escaped, UTF-8
/// kept, and each byte that is not part of valid UTF-8 replaced by U+FFFD (as dump_line does).
void append_json_string(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      switch (byte) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        default:
          if (byte < 0x20) {
            out += "\\u00";
            out += hex[byte >> 4];
            out += hex[byte & 0xf];
          } else {
            out += static_cast<char>(byte);
          }
      }
      ++i;
      continue;
    }
    // Length of a well-formed UTF-8 sequence starting here (RFC 3629), 0 if it is not one.
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xbf;
    if (byte >= 0xc2 && byte <= 0xdf) {
      length = 2;
    } else if (byte >= 0xe0 && byte <= 0xef) {
      length = 3;
      if (byte == 0xe0) low = 0xa0;
      if (byte == 0xed) high = 0x9f;  // no UTF-16 surrogates
    } else if (byte >= 0xf0 && byte <= 0xf4) {
      length = 4;
      if (byte == 0xf0) low = 0x90;
      if (byte == 0xf4) high = 0x8f;
    }
    bool valid = length != 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      valid = k == 1 ? (next >= low && next <= high) : (next >= 0x80 && next <= 0xbf);
    }
    if (valid) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
    }
  }
  out += '"';
}

std::string dump_line(const nlohmann::ordered_json& out) {
  // Invalid UTF-8 (from an attribute the source sent) is replaced rather than thrown on.
  return out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

expected<event, decode_error> decode_event_json(std::string_view line) {
  using result = expected<event, decode_error>;
  if (line.size() > max_event_bytes) {
    return result::failure(
        error_of("oversize", "event larger than " + std::to_string(max_event_bytes) + " bytes"));
  }
  nlohmann::json document = nlohmann::json::parse(line, nullptr, false);
  if (document.is_discarded()) {
    return result::failure(error_of("bad_json", "not valid JSON"));
  }
  if (!document.is_object()) {
    return result::failure(error_of("bad_json", "an event must be a JSON object"));
  }
  field_list fields;
  fields.reserve(document.size());
  for (auto it = document.begin(); it != document.end(); ++it) {
    const nlohmann::json& value = it.value();
    if (value.is_null()) continue;
    if (value.is_string()) {
      fields.emplace_back(it.key(), value.get<std::string>());
    } else if (value.is_boolean()) {
      fields.emplace_back(it.key(), value.get<bool>() ? "true" : "false");
    } else if (value.is_number()) {
      fields.emplace_back(it.key(), number_text(value));
    } else {
      const std::string name =
          is_printable_ascii(it.key()) && it.key().size() <= 64 ? "`" + it.key() + "`" : "a field";
      return result::failure(error_of("bad_value", name + " must be a string, number or boolean"));
    }
  }
  return decode_fields(fields);
}

expected<event, decode_error> decode_event_fields(
    const std::vector<std::pair<std::string, std::string>>& fields) {
  std::size_t bytes = 0;
  for (const auto& [name, value] : fields) bytes += name.size() + value.size();
  if (bytes > max_event_bytes) {
    return expected<event, decode_error>::failure(
        error_of("oversize", "event larger than " + std::to_string(max_event_bytes) + " bytes"));
  }
  return decode_fields(fields);
}

std::string encode_event_json(const event& e) {
  // Written by hand, not through ordered_json: importers and the load generator encode millions
  // of events, and this avoids building a JSON tree for each.
  std::string out;
  out.reserve(96 + 32 * e.attrs.size());
  out += R"({"type":)";
  append_json_string(out, to_string(e.type));
  out += R"(,"case_id":)";
  append_json_string(out, e.case_id);
  out += R"(,"ts":)";
  append_json_string(out, format_iso8601(e.ts));
  if (!e.event_id.empty()) {
    out += R"(,"event_id":)";
    append_json_string(out, e.event_id);
  }
  for (const auto& [name, value] : e.attrs) {
    out += ',';
    append_json_string(out, name);
    out += ':';
    append_json_string(out, value);
  }
  out += '}';
  return out;
}

namespace {

/// Appends `text` as a JSON string exactly as nlohmann's dump (error handler `replace`) writes
/// it. Plain printable ASCII without quotes or backslashes, nearly every record field, is copied
/// as it is; anything else goes through nlohmann, so its escaping and its replacement of invalid
/// UTF-8 stay the reference.
void append_record_string(std::string& out, std::string_view text) {
  const bool plain = std::all_of(text.begin(), text.end(),
                                 [](char c) { return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\'; });
  if (plain) {
    out += '"';
    out.append(text);
    out += '"';
  } else {
    out += dump_line(nlohmann::ordered_json(std::string(text)));
  }
}

/// Appends `,"key":` (the first key of an object has no comma: the caller writes `{"record":`).
void append_key(std::string& out, const char* key) {
  out += ",\"";
  out += key;
  out += "\":";
}

void append_integer(std::string& out, std::int64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

}  // namespace

std::string encode_record_json(const record& r) {
  std::string out;
  out.reserve(384);
  append_record_json(out, r);
  return out;
}

void append_record_json(std::string& out, const record& r) {
  // Written by hand rather than through ordered_json (the replay and the writer encode every
  // record): the keys in a fixed order, no spaces, as nlohmann's dump would write them; the
  // codec tests compare both on every kind of record.
  const auto string_field = [&out](const char* key, std::string_view value) {
    append_key(out, key);
    append_record_string(out, value);
  };
  const auto integer_field = [&out](const char* key, std::int64_t value) {
    append_key(out, key);
    append_integer(out, value);
  };
  const auto time_field = [&out](const char* key, instant t) {
    append_key(out, key);
    out += '"';
    out += format_iso8601(t);
    out += '"';
  };
  switch (r.type) {
    case record::kind::outcome:
      out += R"({"record":"outcome")";
      string_field("id", r.id);
      string_field("case_id", r.case_id);
      string_field("metric", r.metric);
      integer_field("cycle", r.cycle);
      string_field("policy", r.policy);
      integer_field("target_seconds", r.target_seconds);
      time_field("started_at", r.started_at);
      time_field("due_at", r.due_at);
      time_field("stopped_at", r.at);
      integer_field("elapsed_seconds", r.elapsed_seconds);
      integer_field("paused_seconds", r.paused_seconds);
      string_field("outcome", r.met ? "met" : "breached");
      break;
    case record::kind::notification:
      out += R"({"record":"notification")";
      string_field("id", r.id);
      string_field("case_id", r.case_id);
      string_field("kind", r.notification_kind);
      string_field("metric", r.metric);
      integer_field("cycle", r.cycle);
      integer_field("level", r.level);
      time_field("due_at", r.due_at);
      time_field("at", r.at);
      string_field("policy", r.policy);
      append_key(out, "notify");
      out += '[';
      for (std::size_t i = 0; i < r.notify.size(); ++i) {
        if (i > 0) out += ',';
        append_record_string(out, r.notify[i]);
      }
      out += ']';
      if (r.notification_kind == "warning") {
        append_key(out, "threshold_percent");
        out += dump_line(percent_of_basis_points(r.threshold_bp));
      }
      if (!r.reason.empty()) string_field("reason", r.reason);
      break;
    case record::kind::audit:
      out += R"({"record":"audit")";
      string_field("id", r.id);
      string_field("case_id", r.case_id);
      time_field("at", r.at);
      string_field("action", r.action);
      string_field("metric", r.metric);
      integer_field("cycle", r.cycle);
      string_field("detail", r.detail);
      break;
  }
  out += '}';
}

bool is_contract_case_id(std::string_view id) {
  // CS-YYYYMMDD-#### (four or more digits).
  constexpr std::size_t prefix = 3;  // "CS-"
  constexpr std::size_t date_digits = 8;
  if (id.size() < prefix + date_digits + 1 + 4 || id.substr(0, prefix) != "CS-") return false;
  const auto all_digits = [](std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
  };
  const std::string_view date = id.substr(prefix, date_digits);
  if (!all_digits(date) || id[prefix + date_digits] != '-') return false;
  const int month = (date[4] - '0') * 10 + (date[5] - '0');
  const int day = (date[6] - '0') * 10 + (date[7] - '0');
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  return all_digits(id.substr(prefix + date_digits + 1));
}

}  // namespace slawatch::rules
