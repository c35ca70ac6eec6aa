// The checked-in corpus of malformed events (tests/fuzz/corpus/malformed_events, one JSON Lines
// event per file; malformed_fields, one stream entry per file in the form of
// tests/fuzz/field_lines.hpp) through the decoders of this build. Each file's name starts with
// the reason it must be refused with (`bad_timestamp-feb-30.json`); every one is refused with
// that reason and a detail, none crashes. The seeds of the fuzzers must all be accepted.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "rules/codec.hpp"
#include "tests/fuzz/field_lines.hpp"

using namespace slawatch::rules;
namespace fs = std::filesystem;

namespace {

const fs::path corpus_dir = fs::path(SLAWATCH_SOURCE_DIR) / "tests/fuzz/corpus";

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// The reason a corpus file must be refused with: its name up to the first `-`.
std::string expected_reason(const fs::path& file) {
  const std::string name = file.filename().string();
  return name.substr(0, name.find('-'));
}

template <class Decode>
void check_refused(const std::vector<fs::path>& files, Decode decode) {
  for (const fs::path& file : files) {
    INFO(file.filename().string());
    const auto decoded = decode(read_bytes(file));
    REQUIRE_FALSE(decoded);
    CHECK(decoded.error().reason == expected_reason(file));
    CHECK_FALSE(decoded.error().detail.empty());
  }
}

}  // namespace

TEST_CASE("every malformed JSON event of the corpus is refused with its reason", "[codec][fuzz]") {
  const auto files = files_in(corpus_dir / "malformed_events");
  REQUIRE(files.size() >= 50);
  check_refused(files, [](const std::string& bytes) { return decode_event_json(bytes); });
}

TEST_CASE("every malformed stream entry of the corpus is refused with its reason",
          "[codec][fuzz]") {
  const auto files = files_in(corpus_dir / "malformed_fields");
  REQUIRE(files.size() >= 20);
  check_refused(files, [](const std::string& bytes) {
    return decode_event_fields(slawatch::fuzz::parse_field_lines(bytes));
  });
}

TEST_CASE("every seed event of the fuzz corpus is accepted", "[codec][fuzz]") {
  for (const fs::path& file : files_in(corpus_dir / "event_json")) {
    INFO(file.filename().string());
    const auto decoded = decode_event_json(read_bytes(file));
    CHECK(decoded);
  }
  for (const fs::path& file : files_in(corpus_dir / "event_fields")) {
    INFO(file.filename().string());
    const auto decoded = decode_event_fields(slawatch::fuzz::parse_field_lines(read_bytes(file)));
    CHECK(decoded);
  }
}

TEST_CASE("field lines split at the first = of each line", "[fuzz]") {
  using fields = std::vector<std::pair<std::string, std::string>>;
  CHECK(slawatch::fuzz::parse_field_lines("") == fields{});
  CHECK(slawatch::fuzz::parse_field_lines("a=b=c\nd\n=e") ==
        fields{{"a", "b=c"}, {"d", ""}, {"", "e"}});
  CHECK(slawatch::fuzz::parse_field_lines("a=1\n") == fields{{"a", "1"}});
}
