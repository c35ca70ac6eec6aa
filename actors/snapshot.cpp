#include "actors/snapshot.hpp"

#include <cstdint>
#include <optional>

#include "rules/codec.hpp"

namespace slawatch::actors {

namespace {

constexpr std::string_view magic = "slawatch-snapshot/";

bool fits(std::string_view text) { return text.find_first_of("\t\n") == std::string_view::npos; }

/// Splits `line` at its first tab: {tag, rest}; no tab: {line, ""}.
std::pair<std::string_view, std::string_view> split_tab(std::string_view line) {
  const auto tab = line.find('\t');
  if (tab == std::string_view::npos) return {line, {}};
  return {line.substr(0, tab), line.substr(tab + 1)};
}

/// Sixteen lower-case hex digits, as encode_snapshot() writes a record hash.
std::optional<std::uint64_t> parse_hash(std::string_view text) {
  if (text.size() != 16) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : text) {
    int digit = 0;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else {
      return std::nullopt;
    }
    value = value << 4 | static_cast<std::uint64_t>(digit);
  }
  return value;
}

}  // namespace

rules::expected<std::string, std::string> encode_snapshot(const case_archive& archive) {
  using result = rules::expected<std::string, std::string>;
  if (archive.case_id.empty() || !fits(archive.case_id))
    return result::failure("case id unfit for a snapshot");
  if (!fits(archive.last_applied.stream) || !fits(archive.last_applied.id))
    return result::failure("entry reference unfit for a snapshot");
  std::string out;
  out.reserve(128 + archive.events.size() * 160 + archive.emitted.size() * 19);
  out += magic;
  out += std::to_string(snapshot_version);
  out += "\ncase\t";
  out += archive.case_id;
  out += "\nflags\t";
  out += archive.open ? '1' : '0';
  out += archive.fcr_counted ? '1' : '0';
  out += '\n';
  if (!archive.last_applied.id.empty()) {
    out += "last\t";
    out += archive.last_applied.stream;
    out += '\t';
    out += archive.last_applied.id;
    out += '\n';
  }
  for (const auto& e : archive.events.events()) {
    out += "e\t";
    out += rules::encode_event_json(e);  // JSON escapes every control character: one line
    out += '\n';
  }
  static constexpr char hex[] = "0123456789abcdef";
  for (const std::uint64_t hash : archive.emitted.hashes()) {  // in order: one state, one text
    char line[2 + 16 + 1] = {'h', '\t'};
    for (int digit = 0; digit < 16; ++digit) line[2 + digit] = hex[(hash >> (60 - 4 * digit)) & 0xf];
    line[18] = '\n';
    out.append(line, sizeof line);
  }
  return out;
}

rules::expected<case_archive, std::string> decode_snapshot(std::string_view bytes) {
  using result = rules::expected<case_archive, std::string>;
  case_archive out;
  std::size_t pos = 0;
  std::size_t line_number = 0;
  bool have_case = false;
  bool have_flags = false;
  bool version_1 = false;
  while (pos < bytes.size()) {
    const auto end = bytes.find('\n', pos);
    if (end == std::string_view::npos)
      return result::failure("snapshot truncated (no final line break)");
    const auto line = bytes.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    // Only for errors: a snapshot has a line per event and per record written.
    const auto where = [line_number] { return "snapshot line " + std::to_string(line_number) + ": "; };
    if (line_number == 1) {
      if (line.substr(0, magic.size()) != magic) return result::failure("not a slawatch snapshot");
      const auto version = line.substr(magic.size());
      if (version != std::to_string(snapshot_version) && version != "1")
        return result::failure("snapshot version " + std::string{version} +
                               ", this slawatch reads versions 1 and " + std::to_string(snapshot_version));
      version_1 = version == "1";
      continue;
    }
    const auto [tag, rest] = split_tab(line);
    if (tag == "e") {
      if (!have_case) return result::failure(where() + "event before the case id");
      auto e = rules::decode_event_json(rest);
      if (!e)
        return result::failure(where() + "bad event: " + e.error().reason + ": " + e.error().detail);
      if (e->case_id != out.case_id) return result::failure(where() + "event of another case");
      out.events.add(std::move(*e));
    } else if (tag == "h" && !version_1) {
      const auto hash = parse_hash(rest);
      if (!hash) return result::failure(where() + "bad record hash");
      out.emitted.insert_hash(*hash);
    } else if (tag == "r" && version_1) {
      if (!have_case || rest.empty()) return result::failure(where() + "bad record id");
      out.emitted.insert(out.case_id + ":" + std::string{rest});
    } else if (tag == "R" && version_1) {
      if (rest.empty()) return result::failure(where() + "bad record id");
      out.emitted.insert(rest);
    } else if (tag == "case") {
      if (have_case || rest.empty()) return result::failure(where() + "bad case line");
      out.case_id = std::string{rest};
      have_case = true;
    } else if (tag == "flags") {
      if (have_flags || rest.size() != 2 || (rest[0] != '0' && rest[0] != '1') ||
          (rest[1] != '0' && rest[1] != '1'))
        return result::failure(where() + "bad flags");
      out.open = rest[0] == '1';
      out.fcr_counted = rest[1] == '1';
      have_flags = true;
    } else if (tag == "last") {
      const auto [stream, id] = split_tab(rest);
      if (stream.empty() || id.empty()) return result::failure(where() + "bad last entry");
      out.last_applied = entry_ref{std::string{stream}, std::string{id}};
    } else {
      return result::failure(where() + "unknown item");
    }
  }
  if (line_number == 0) return result::failure("empty snapshot");
  if (!have_case || !have_flags) return result::failure("snapshot without its case id or flags");
  return out;
}

}  // namespace slawatch::actors
