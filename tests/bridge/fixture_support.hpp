// Reading the fixtures of tests/bridge/fixtures/<platform>/: NAME.json is a payload shaped like
// the platform's documentation, NAME.headers its request headers (`Name: value` lines),
// NAME.expected.jsonl the contract events it must give (one encode_event_json line each; empty:
// none) or NAME.error the reason it must be refused with.
#pragma once

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "bridge/signature.hpp"

namespace slawatch::bridge::test {

inline std::filesystem::path fixture_dir(const std::string& platform) {
  return std::filesystem::path{SLAWATCH_SOURCE_DIR} / "tests" / "bridge" / "fixtures" / platform;
}

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string folded(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// Headers by lower-cased name.
struct header_map {
  std::map<std::string, std::string> values;
  void set(const std::string& name, const std::string& value) { values[folded(name)] = value; }
  header_lookup lookup() const {
    return [this](std::string_view name) {
      auto it = values.find(folded(std::string{name}));
      return it == values.end() ? std::string{} : it->second;
    };
  }
};

inline header_map read_headers(const std::filesystem::path& p) {
  header_map h;
  std::istringstream in(std::filesystem::exists(p) ? slurp(p) : std::string{});
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    auto value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    h.set(line.substr(0, colon), value);
  }
  return h;
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(line);
  return out;
}

/// The payload fixtures of a platform, sorted by name.
inline std::vector<std::filesystem::path> payloads(const std::string& platform) {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::directory_iterator(fixture_dir(platform)))
    if (entry.path().extension() == ".json") out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace slawatch::bridge::test
