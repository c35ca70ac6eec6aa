// YAML rules text -> validated rule_set (../shared/spec/rules.md). The only file that includes
// yaml-cpp. It reads the whole document, reports every problem it finds with file, line, column
// and key path, and returns a model only when there is none.

// GCC 12 reports -Wmaybe-uninitialized inside libstdc++'s <regex> (std::function copies in the
// NFA builder) when std::regex is constructed under -O2 with -fsanitize=address,undefined; the
// warning is a false positive in the library, so it is silenced for the standard headers only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <functional>
#include <regex>
#pragma GCC diagnostic pop

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <utility>

#include "rules/calendar.hpp"
#include "rules/duration.hpp"
#include "rules/load.hpp"
#include "rules/match.hpp"

namespace slawatch::rules {
namespace {

/// The calendar a clock gets when neither it, its policy nor `default_calendar` names one. Unless
/// the file defines a calendar of this name, rule_set::calendar_named() gives calendar::always().
constexpr const char* builtin_calendar_name = "always";

/// One `key: value` of a YAML mapping, with the key's node for error positions.
struct yaml_entry {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
};

/// The entries of a mapping whose keys are fixed names, looked up by name.
struct yaml_fields {
  std::vector<yaml_entry> entries;

  const yaml_entry* find(std::string_view key) const {
    for (const yaml_entry& e : entries) {
      if (e.key == key) return &e;
    }
    return nullptr;
  }
  /// The value under `key` if it is present and not null (`key:` with nothing after it).
  const yaml_entry* find_value(std::string_view key) const {
    const yaml_entry* e = find(key);
    return e != nullptr && !e->value.IsNull() ? e : nullptr;
  }
};

using known_keys = std::initializer_list<std::string_view>;

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string backquoted(std::string_view text) { return "`" + std::string(text) + "`"; }

/// "; did you mean `x`?" when a known name is at most two edits away, else the list of names.
std::string suggestion(std::string_view unknown, const std::vector<std::string_view>& known) {
  std::string_view best;
  std::size_t best_distance = 3;
  for (std::string_view k : known) {
    const std::size_t d = edit_distance(unknown, k);
    if (d < best_distance) {
      best = k;
      best_distance = d;
    }
  }
  if (!best.empty()) return "; did you mean " + backquoted(best) + "?";
  if (known.empty()) return "";
  std::string list;
  for (std::string_view k : known) list += (list.empty() ? "" : ", ") + backquoted(k);
  return "; expected one of " + list;
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar:
      return "the text " + backquoted(node.Scalar());
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

std::string lower_case(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

/// 1-based line of a node, 0 when unknown (yaml-cpp marks are 0-based, -1 when unknown).
int line_of(const YAML::Node& node) { return node.Mark().line >= 0 ? node.Mark().line + 1 : 0; }

/// `YYYY-MM-DD`, a real calendar date.
std::optional<date::local_days> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](std::size_t pos, std::size_t len) -> std::optional<int> {
    int value = 0;
    auto [end, ec] = std::from_chars(text.data() + pos, text.data() + pos + len, value);
    if (ec != std::errc() || end != text.data() + pos + len) return std::nullopt;
    return value;
  };
  const auto y = number(0, 4), m = number(5, 2), d = number(8, 2);
  if (!y || !m || !d) return std::nullopt;
  const date::year_month_day ymd{date::year{*y}, date::month{static_cast<unsigned>(*m)},
                                 date::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return date::local_days{ymd};
}

std::string format_minute_of_day(int minute) {
  char text[8];
  std::snprintf(text, sizeof text, "%02d:%02d", minute / 60 % 100, minute % 60);
  return text;
}

std::string format_interval(const local_interval& i) {
  return format_minute_of_day(i.start_minute) + "-" + format_minute_of_day(i.end_minute);
}

/// Deterministic version of a file that has no `version:` key: FNV-1a 64 of its text, 16 hex
/// digits. Not cryptographic; it only tells two rule files apart in records and logs.
std::string fnv1a_hex(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash));
  return out;
}

/// Weekday keys of `hours`, to date::weekday::c_encoding() (0 = Sunday).
struct weekday_key {
  std::string_view short_name;
  std::string_view long_name;
  unsigned c_encoding;
};
constexpr weekday_key weekday_keys[] = {
    {"mon", "monday", 1}, {"tue", "tuesday", 2},  {"wed", "wednesday", 3}, {"thu", "thursday", 4},
    {"fri", "friday", 5}, {"sat", "saturday", 6}, {"sun", "sunday", 0}};

/// Policy-level settings that clocks inherit unless they set their own.
struct clock_defaults {
  std::string calendar;
  std::vector<std::string> pause_on;
  std::vector<std::int64_t> warn_at_bp;
};

/// Records where each YAML document starts and where its first node is; ignores the rest.
struct document_starts : YAML::EventHandler {
  std::vector<YAML::Mark> marks;
  std::vector<YAML::Mark> first_nodes;
  void OnDocumentStart(const YAML::Mark& mark) override { marks.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node_at(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node_at(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    node_at(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    node_at(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    node_at(mark);
  }
  void OnMapEnd() override {}

 private:
  void node_at(const YAML::Mark& mark) {
    if (first_nodes.size() < marks.size()) first_nodes.push_back(mark);
  }
};

class rules_loader {
 public:
  explicit rules_loader(std::string file_name) : file_(std::move(file_name)) {}

  expected<rule_set, std::vector<problem>> load(std::string_view text) {
    try {
      const std::string yaml(text);
      // Not YAML::LoadAll: in yaml-cpp 0.7 it never returns on a `,` outside a flow collection,
      // which yields empty documents forever without being consumed (found by fuzzing). The
      // documents are counted first, stopping at the second or when the parser stops advancing.
      std::istringstream stream(yaml);
      YAML::Parser parser(stream);
      document_starts starts;
      while (starts.marks.size() < 2 && parser.HandleNextDocument(starts)) {
      }
      if (starts.marks.size() == 2 && starts.marks[1].pos == starts.marks[0].pos) {
        const YAML::Mark& at = starts.marks[1];
        const char c =
            at.pos >= 0 && static_cast<std::size_t>(at.pos) < yaml.size() ? yaml[at.pos] : ' ';
        report_at(at, "",
                  c > 0x20 && c < 0x7f ? std::string("invalid YAML: unexpected `") + c + "`"
                                       : std::string("invalid YAML: unexpected character"));
      } else {
        if (starts.marks.size() == 2) {
          report_at(starts.first_nodes.size() == 2 ? starts.first_nodes[1] : starts.marks[1], "",
                    "a rules file holds one YAML document; remove the `---` and what "
                    "follows, or merge the documents");
        }
        read_root(YAML::Load(yaml));  // the first document only
      }
    } catch (const YAML::Exception& e) {
      // Syntax errors: yaml-cpp stops at the first, so this is the only problem reported.
      report_at(e.mark, "", "invalid YAML: " + e.msg);
    }
    if (!problems_.empty()) {
      // File order reads best; problems without a position go last.
      std::stable_sort(problems_.begin(), problems_.end(), [](const problem& a, const problem& b) {
        auto key = [](const problem& p) {
          return std::pair(p.line == 0 ? std::numeric_limits<int>::max() : p.line, p.column);
        };
        return key(a) < key(b);
      });
      return expected<rule_set, std::vector<problem>>::failure(std::move(problems_));
    }
    rules_.version = version_.empty() ? fnv1a_hex(text) : version_;
    return std::move(rules_);
  }

 private:
  // ---- reporting ---------------------------------------------------------------------------

  void report_at(const YAML::Mark& mark, std::string path, std::string message) {
    problem p;
    p.file = file_;
    p.line = mark.line >= 0 ? mark.line + 1 : 0;
    p.column = mark.column >= 0 ? mark.column + 1 : 0;
    p.path = std::move(path);
    p.message = std::move(message);
    problems_.push_back(std::move(p));
  }

  void report(const YAML::Node& at, std::string path, std::string message) {
    report_at(at.IsDefined() ? at.Mark() : YAML::Mark::null_mark(), std::move(path),
              std::move(message));
  }

  // ---- structure ---------------------------------------------------------------------------

  /// The entries of a mapping in file order. Reports a node that is not a mapping (naming `what`
  /// it should be), keys that are not text, and keys given twice (the first one is kept).
  std::optional<std::vector<yaml_entry>> entries_of(const YAML::Node& node, const std::string& path,
                                                    std::string_view what) {
    if (!node.IsMap()) {
      report(node, path, "expected " + std::string(what) + " (a mapping), got " + describe(node));
      return std::nullopt;
    }
    std::vector<yaml_entry> entries;
    std::map<std::string, int> first_line;
    for (const auto& kv : node) {
      const YAML::Node key = kv.first;
      if (!key.IsScalar()) {
        report(key, path, "a key must be text, got " + describe(key));
        continue;
      }
      const std::string name = key.Scalar();
      const std::string key_path = path.empty() ? name : path + "." + name;
      if (auto [it, inserted] = first_line.emplace(name, line_of(key)); !inserted) {
        report(key, key_path,
               "duplicate key " + backquoted(name) + " (first given on line " +
                   std::to_string(it->second) + ")");
        continue;
      }
      entries.push_back({name, key, kv.second});
    }
    return entries;
  }

  /// Like entries_of, for a mapping with fixed key names: unknown keys are reported.
  std::optional<yaml_fields> fields_of(const YAML::Node& node, const std::string& path,
                                       std::string_view what, known_keys known) {
    auto entries = entries_of(node, path, what);
    if (!entries) return std::nullopt;
    yaml_fields fields;
    const std::vector<std::string_view> names(known);
    for (yaml_entry& e : *entries) {
      if (std::find(names.begin(), names.end(), e.key) == names.end()) {
        report(e.key_node, path.empty() ? e.key : path + "." + e.key,
               "unknown key " + backquoted(e.key) + " in " + std::string(what) +
                   suggestion(e.key, names));
        continue;
      }
      fields.entries.push_back(std::move(e));
    }
    return fields;
  }

  /// A scalar's text.
  std::optional<std::string> text_of(const YAML::Node& node, const std::string& path,
                                     std::string_view what = "text") {
    if (!node.IsScalar()) {
      report(node, path, "expected " + std::string(what) + ", got " + describe(node));
      return std::nullopt;
    }
    return node.Scalar();
  }

  /// A non-empty scalar (names and references).
  std::optional<std::string> name_of(const YAML::Node& node, const std::string& path) {
    auto text = text_of(node, path, "a name");
    if (text && trimmed(*text).empty()) {
      report(node, path, "a name must not be empty");
      return std::nullopt;
    }
    return text;
  }

  /// A list of scalars; a single scalar is taken as a list of one.
  std::optional<std::vector<std::pair<std::string, YAML::Node>>> text_list(const YAML::Node& node,
                                                                           const std::string& path,
                                                                           std::string_view what) {
    std::vector<std::pair<std::string, YAML::Node>> items;
    if (node.IsScalar()) {
      items.emplace_back(node.Scalar(), node);
      return items;
    }
    if (!node.IsSequence()) {
      report(node, path, "expected a list of " + std::string(what) + ", got " + describe(node));
      return std::nullopt;
    }
    bool ok = true;
    std::size_t index = 0;
    for (const auto& item_value : node) {
      const YAML::Node item = item_value;
      const std::string item_path = path + "[" + std::to_string(index++) + "]";
      if (auto text = text_of(item, item_path, what)) {
        items.emplace_back(std::move(*text), item);
      } else {
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return items;
  }

  std::optional<std::int64_t> duration_of(const YAML::Node& node, const std::string& path) {
    auto text = text_of(node, path, "a duration such as `15m`");
    if (!text) return std::nullopt;
    auto seconds = parse_duration(trimmed(*text));
    if (!seconds) {
      report(node, path, seconds.error());
      return std::nullopt;
    }
    return *seconds;
  }

  /// A whole number >= 1 (escalation levels).
  std::optional<int> level_of(const YAML::Node& node, const std::string& path) {
    auto text = text_of(node, path, "a level (a whole number from 1)");
    if (!text) return std::nullopt;
    int level = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), level);
    if (ec != std::errc() || end != text->data() + text->size() || level < 1) {
      report(node, path, "expected a level (a whole number from 1), got " + backquoted(*text));
      return std::nullopt;
    }
    return level;
  }

  /// Statuses, lower-cased and without repeats (the engine lower-cases `status` too).
  std::optional<std::vector<std::string>> pause_on_of(const YAML::Node& node,
                                                      const std::string& path) {
    if (node.IsNull()) return std::vector<std::string>{};
    auto items = text_list(node, path, "statuses");
    if (!items) return std::nullopt;
    std::vector<std::string> statuses;
    for (const auto& [text, item] : *items) {
      std::string status = lower_case(trimmed(text));
      if (status.empty()) {
        report(item, path, "a status must not be empty");
        return std::nullopt;
      }
      if (std::find(statuses.begin(), statuses.end(), status) == statuses.end()) {
        statuses.push_back(std::move(status));
      }
    }
    return statuses;
  }

  /// Warning thresholds in basis points of the target, ascending, each above 0 % and below 100 %
  /// (at 100 % the clock breaches, which is reported anyway).
  std::optional<std::vector<std::int64_t>> warn_at_of(const YAML::Node& node,
                                                      const std::string& path) {
    if (node.IsNull()) return std::vector<std::int64_t>{};
    auto items = text_list(node, path, "percentages such as `75%`");
    if (!items) return std::nullopt;
    std::vector<std::int64_t> thresholds;
    bool ok = true;
    std::size_t index = 0;
    for (const auto& [text, item] : *items) {
      const std::string item_path =
          node.IsSequence() ? path + "[" + std::to_string(index++) + "]" : path;
      auto bp = parse_percent_basis_points(trimmed(text));
      if (!bp) {
        report(item, item_path, bp.error());
        ok = false;
      } else if (*bp <= 0 || *bp >= 10000) {
        report(item, item_path,
               "a warning must be above 0% and below 100% of the target, got " + backquoted(text));
        ok = false;
      } else {
        thresholds.push_back(*bp);
      }
    }
    if (!ok) return std::nullopt;
    std::sort(thresholds.begin(), thresholds.end());
    thresholds.erase(std::unique(thresholds.begin(), thresholds.end()), thresholds.end());
    return thresholds;
  }

  // ---- references --------------------------------------------------------------------------

  /// Calendars may be referenced when the file declares them (even if they failed to build:
  /// their own error is enough) or by the built-in name.
  bool check_calendar_reference(const YAML::Node& at, const std::string& path,
                                const std::string& name) {
    if (calendar_names_.count(name) != 0 || name == builtin_calendar_name) return true;
    std::vector<std::string_view> known(calendar_names_.begin(), calendar_names_.end());
    if (calendar_names_.count(builtin_calendar_name) == 0) known.push_back(builtin_calendar_name);
    report(at, path, "unknown calendar " + backquoted(name) + suggestion(name, known));
    return false;
  }

  bool check_receiver_reference(const YAML::Node& at, const std::string& path,
                                const std::string& name) {
    if (receiver_names_.count(name) != 0) return true;
    const std::vector<std::string_view> known(receiver_names_.begin(), receiver_names_.end());
    report(at, path,
           "unknown receiver " + backquoted(name) +
               (known.empty() ? "; define it under `receivers`" : suggestion(name, known)));
    return false;
  }

  std::optional<std::vector<std::string>> receiver_list_of(const YAML::Node& node,
                                                           const std::string& path) {
    if (node.IsNull()) return std::vector<std::string>{};
    auto items = text_list(node, path, "receiver names");
    if (!items) return std::nullopt;
    std::vector<std::string> names;
    bool ok = true;
    std::size_t index = 0;
    for (const auto& [name, item] : *items) {
      const std::string item_path =
          node.IsSequence() ? path + "[" + std::to_string(index++) + "]" : path;
      if (!check_receiver_reference(item, item_path, name)) {
        ok = false;
      } else if (std::find(names.begin(), names.end(), name) == names.end()) {
        names.push_back(name);
      }
    }
    if (!ok) return std::nullopt;
    return names;
  }

  // ---- top level ---------------------------------------------------------------------------

  void read_root(const YAML::Node& root) {
    if (root.IsNull() || !root.IsDefined()) {
      problem p;
      p.file = file_;
      p.line = 1;
      p.column = 1;
      p.message = "the rules file is empty; it needs at least `policies`";
      problems_.push_back(std::move(p));
      return;
    }
    auto fields = fields_of(root, "", "the rules file",
                            {"version", "calendars", "default_calendar", "policies", "escalations",
                             "impact", "receivers", "retarget"});
    if (!fields) return;

    if (const yaml_entry* e = fields->find("version")) {
      if (auto text = name_of(e->value, "version")) version_ = trimmed(*text);
    }
    if (const yaml_entry* e = fields->find_value("retarget")) read_retarget(e->value);
    if (const yaml_entry* e = fields->find_value("calendars")) read_calendars(e->value);
    if (const yaml_entry* e = fields->find("default_calendar")) {
      if (auto name = name_of(e->value, "default_calendar")) {
        if (check_calendar_reference(e->value, "default_calendar", *name)) {
          default_calendar_ = *name;
        }
      }
    }
    // Receivers first: escalations and policies refer to them.
    if (const yaml_entry* e = fields->find_value("receivers")) read_receivers(e->value);
    if (const yaml_entry* e = fields->find_value("escalations")) read_escalations(e->value);
    const yaml_entry* policies = fields->find_value("policies");
    if (policies == nullptr) {
      report(fields->find("policies") ? fields->find("policies")->key_node : root, "policies",
             "at least one policy is required; the last one, without `match`, is the fallback "
             "for every case");
    } else {
      read_policies(policies->value);
    }
    if (const yaml_entry* e = fields->find_value("impact")) read_impact(e->value);
  }

  void read_retarget(const YAML::Node& node) {
    auto text = text_of(node, "retarget", "`keep_start`, `restart` or `strictest`");
    if (!text) return;
    for (retarget_mode m :
         {retarget_mode::keep_start, retarget_mode::restart, retarget_mode::strictest}) {
      if (trimmed(*text) == to_string(m)) {
        rules_.retarget = m;
        return;
      }
    }
    report(node, "retarget",
           "unknown retarget mode " + backquoted(*text) +
               suggestion(trimmed(*text), {"keep_start", "restart", "strictest"}));
  }

  // ---- calendars ---------------------------------------------------------------------------

  void read_calendars(const YAML::Node& node) {
    auto entries = entries_of(node, "calendars", "calendars by name");
    if (!entries) return;
    // Declare every name first so that references to a broken calendar report only its own error.
    for (const yaml_entry& e : *entries) calendar_names_.insert(e.key);
    for (const yaml_entry& e : *entries) {
      const std::string path = "calendars." + e.key;
      auto spec = read_calendar_spec(e.key, e.value, path);
      if (!spec) continue;
      auto built = calendar::make(std::move(*spec));
      if (!built) {
        report(e.value, path, built.error());
        continue;
      }
      rules_.calendars.emplace(e.key, std::move(*built));
    }
  }

  std::optional<calendar_spec> read_calendar_spec(const std::string& name, const YAML::Node& node,
                                                  const std::string& path) {
    auto fields =
        fields_of(node, path, "a calendar", {"timezone", "hours", "holidays", "overrides"});
    if (!fields) return std::nullopt;
    calendar_spec spec;
    spec.name = name;
    bool ok = true;

    const yaml_entry* hours = fields->find_value("hours");
    if (hours == nullptr) {
      report(node, path + ".hours",
             "missing `hours`: write `24/7` or weekly hours such as `mon: [\"08:00-18:00\"]`");
      ok = false;
    } else if (hours->value.IsScalar()) {
      if (trimmed(hours->value.Scalar()) == "24/7") {
        spec.always_open = true;
      } else {
        report(hours->value, path + ".hours",
               "expected `24/7` or weekly hours by day (mon..sun), got " + describe(hours->value));
        ok = false;
      }
    } else {
      ok = read_weekly_hours(hours->value, path + ".hours", spec) && ok;
    }

    if (const yaml_entry* tz = fields->find_value("timezone")) {
      if (auto zone = text_of(tz->value, path + ".timezone", "an IANA time zone name")) {
        spec.timezone = trimmed(*zone);
      } else {
        ok = false;
      }
    } else if (!spec.always_open && hours != nullptr) {
      // Weekly hours are local wall time; guessing UTC would silently shift every business hour.
      report(node, path + ".timezone",
             "missing `timezone`: weekly hours are local time, so name the zone, e.g. "
             "`America/New_York` or `UTC`");
      ok = false;
    }

    if (const yaml_entry* e = fields->find_value("holidays")) {
      ok = read_holidays(e->value, path + ".holidays", spec) && ok;
    }
    if (const yaml_entry* e = fields->find_value("overrides")) {
      ok = read_overrides(e->value, path + ".overrides", spec) && ok;
    }
    if (!ok) return std::nullopt;
    return spec;
  }

  bool read_weekly_hours(const YAML::Node& node, const std::string& path, calendar_spec& spec) {
    auto entries = entries_of(node, path, "`24/7` or weekly hours by day (mon..sun)");
    if (!entries) return false;
    bool ok = true;
    std::array<bool, 7> seen{};
    for (const yaml_entry& e : *entries) {
      const std::string day_path = path + "." + e.key;
      const std::string key = lower_case(e.key);
      const weekday_key* day = nullptr;
      for (const weekday_key& w : weekday_keys) {
        if (key == w.short_name || key == w.long_name) day = &w;
      }
      if (day == nullptr) {
        std::vector<std::string_view> names;
        for (const weekday_key& w : weekday_keys) names.push_back(w.short_name);
        report(e.key_node, day_path, "unknown day " + backquoted(e.key) + suggestion(key, names));
        ok = false;
        continue;
      }
      if (seen[day->c_encoding]) {
        report(e.key_node, day_path,
               "hours for " + std::string(day->long_name) + " are given twice");
        ok = false;
        continue;
      }
      seen[day->c_encoding] = true;
      if (auto intervals = read_intervals(e.value, day_path)) {
        spec.weekly[day->c_encoding] = std::move(*intervals);
      } else {
        ok = false;
      }
    }
    return ok;
  }

  /// `HH:MM-HH:MM` intervals of one day, sorted; overlapping ones are an error. An empty list
  /// means closed.
  std::optional<std::vector<local_interval>> read_intervals(const YAML::Node& node,
                                                            const std::string& path) {
    auto items = text_list(node, path, "intervals such as `08:00-18:00`");
    if (!items) return std::nullopt;
    std::vector<local_interval> intervals;
    bool ok = true;
    std::size_t index = 0;
    for (const auto& [text, item] : *items) {
      const std::string item_path =
          node.IsSequence() ? path + "[" + std::to_string(index++) + "]" : path;
      auto interval = parse_local_interval(trimmed(text));
      if (!interval) {
        report(item, item_path, interval.error());
        ok = false;
      } else {
        intervals.push_back(*interval);
      }
    }
    if (!ok) return std::nullopt;
    std::sort(intervals.begin(), intervals.end(),
              [](const local_interval& a, const local_interval& b) {
                return a.start_minute < b.start_minute;
              });
    for (std::size_t i = 1; i < intervals.size(); ++i) {
      if (intervals[i].start_minute < intervals[i - 1].end_minute) {
        report(node, path,
               "intervals " + format_interval(intervals[i - 1]) + " and " +
                   format_interval(intervals[i]) + " overlap");
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return intervals;
  }

  bool read_holidays(const YAML::Node& node, const std::string& path, calendar_spec& spec) {
    auto items = text_list(node, path, "dates such as `2026-12-25`");
    if (!items) return false;
    bool ok = true;
    std::size_t index = 0;
    for (const auto& [text, item] : *items) {
      const std::string item_path =
          node.IsSequence() ? path + "[" + std::to_string(index++) + "]" : path;
      if (auto day = parse_date(trimmed(text))) {
        spec.holidays.insert(*day);
      } else {
        report(item, item_path, "expected a date YYYY-MM-DD, got " + backquoted(text));
        ok = false;
      }
    }
    return ok;
  }

  bool read_overrides(const YAML::Node& node, const std::string& path, calendar_spec& spec) {
    auto entries = entries_of(node, path, "hours by date");
    if (!entries) return false;
    bool ok = true;
    for (const yaml_entry& e : *entries) {
      const std::string day_path = path + "." + e.key;
      auto day = parse_date(trimmed(e.key));
      if (!day) {
        report(e.key_node, day_path, "expected a date YYYY-MM-DD, got " + backquoted(e.key));
        ok = false;
        continue;
      }
      if (spec.holidays.count(*day) != 0) {
        report(e.key_node, day_path,
               backquoted(e.key) + " is both a holiday and an override; keep one of them");
        ok = false;
        continue;
      }
      if (e.value.IsNull()) {
        report(e.value, day_path, "expected a list of intervals; write `[]` for closed all day");
        ok = false;
        continue;
      }
      if (auto intervals = read_intervals(e.value, day_path)) {
        spec.overrides[*day] = std::move(*intervals);
      } else {
        ok = false;
      }
    }
    return ok;
  }

  // ---- receivers ---------------------------------------------------------------------------

  void read_receivers(const YAML::Node& node) {
    auto entries = entries_of(node, "receivers", "receivers by name");
    if (!entries) return;
    for (const yaml_entry& e : *entries) receiver_names_.insert(e.key);
    // Receivers with an outside_hours fallback, and its node, for the loop check below.
    std::vector<std::pair<std::string, YAML::Node>> fallbacks;
    for (const yaml_entry& e : *entries) {
      const std::string path = "receivers." + e.key;
      const auto fields = fields_of(e.value, path, "a receiver",
                                    {"alertmanager", "webhook", "hours", "outside_hours"});
      if (!fields) continue;
      const yaml_fields& f = *fields;
      receiver r;
      r.name = e.key;
      bool ok = true;
      const yaml_entry* alertmanager = f.find_value("alertmanager");
      const yaml_entry* webhook = f.find_value("webhook");
      if (alertmanager == nullptr && webhook == nullptr) {
        report(e.value, path,
               "a receiver needs `alertmanager: {severity: ...}` or `webhook: {url: ...}`");
        ok = false;
      }
      if (alertmanager != nullptr) {
        ok = read_alertmanager(alertmanager->value, path + ".alertmanager", r) && ok;
      }
      if (webhook != nullptr) ok = read_webhook(webhook->value, path + ".webhook", r) && ok;
      const yaml_entry* hours = f.find_value("hours");
      if (hours != nullptr) {
        auto name = name_of(hours->value, path + ".hours");
        if (name && check_calendar_reference(hours->value, path + ".hours", *name)) {
          r.hours = *name;
        } else {
          ok = false;
        }
      }
      if (const yaml_entry* outside = f.find_value("outside_hours")) {
        auto name = name_of(outside->value, path + ".outside_hours");
        if (!name) {
          ok = false;
        } else if (hours == nullptr) {
          report(outside->key_node, path + ".outside_hours",
                 "`outside_hours` needs `hours`: without them the receiver is always reachable");
          ok = false;
        } else if (!check_receiver_reference(outside->value, path + ".outside_hours", *name)) {
          ok = false;
        } else {
          r.outside_hours = *name;
          fallbacks.emplace_back(e.key, outside->value);
        }
      }
      if (ok) rules_.receivers.emplace(e.key, std::move(r));
    }
    // A chain of outside_hours that comes back to where it started would never deliver.
    for (const auto& [start, outside_node] : fallbacks) {
      std::set<std::string> visited{start};
      std::string current = start;
      while (true) {
        auto it = rules_.receivers.find(current);
        if (it == rules_.receivers.end() || it->second.outside_hours.empty()) break;
        current = it->second.outside_hours;
        if (current == start) {
          report(outside_node, "receivers." + start + ".outside_hours",
                 "`outside_hours` of " + backquoted(start) + " leads back to itself");
          break;
        }
        if (!visited.insert(current).second) break;  // a cycle not through `start`: reported there
      }
    }
  }

  bool read_alertmanager(const YAML::Node& node, const std::string& path, receiver& r) {
    auto fields = fields_of(node, path, "Alertmanager settings", {"severity"});
    if (!fields) return false;
    const yaml_entry* severity = fields->find_value("severity");
    if (severity == nullptr) {
      report(node, path + ".severity", "missing `severity`, e.g. `warning` or `page`");
      return false;
    }
    auto text = name_of(severity->value, path + ".severity");
    if (!text) return false;
    r.alertmanager_severity = trimmed(*text);
    return true;
  }

  bool read_webhook(const YAML::Node& node, const std::string& path, receiver& r) {
    auto fields = fields_of(node, path, "webhook settings", {"url", "format"});
    if (!fields) return false;
    bool ok = true;
    if (const yaml_entry* url = fields->find_value("url")) {
      auto text = text_of(url->value, path + ".url", "a URL");
      const std::string value = text ? trimmed(*text) : std::string();
      if (!text) {
        ok = false;
      } else if (value.rfind("http://", 0) != 0 && value.rfind("https://", 0) != 0) {
        report(url->value, path + ".url",
               "expected an http:// or https:// URL, got " + backquoted(value));
        ok = false;
      } else {
        r.webhook_url = value;
      }
    } else {
      report(node, path + ".url", "missing `url`");
      ok = false;
    }
    if (const yaml_entry* format = fields->find_value("format")) {
      auto text = text_of(format->value, path + ".format", "`slawatch` or `pagerduty`");
      const std::string value = text ? trimmed(*text) : std::string();
      if (!text) {
        ok = false;
      } else if (value != "slawatch" && value != "pagerduty") {
        report(format->value, path + ".format",
               "unknown webhook format " + backquoted(value) +
                   suggestion(value, {"slawatch", "pagerduty"}));
        ok = false;
      } else {
        r.webhook_format = value;
      }
    }
    return ok;
  }

  // ---- escalations -------------------------------------------------------------------------

  void read_escalations(const YAML::Node& node) {
    auto entries = entries_of(node, "escalations", "escalation chains by name");
    if (!entries) return;
    for (const yaml_entry& e : *entries) escalation_names_.insert(e.key);
    for (const yaml_entry& e : *entries) {
      const std::string path = "escalations." + e.key;
      if (!e.value.IsSequence() || e.value.size() == 0) {
        report(e.value, path,
               "expected a list of levels such as `{level: 1, at: breach, notify: [...]}`, got " +
                   describe(e.value));
        continue;
      }
      std::vector<escalation_level> levels;
      std::map<int, int> level_lines;
      bool ok = true;
      std::size_t index = 0;
      for (const auto& item_value : e.value) {
        const YAML::Node item = item_value;
        const std::string item_path = path + "[" + std::to_string(index++) + "]";
        auto level = read_escalation_level(item, item_path);
        if (!level) {
          ok = false;
          continue;
        }
        if (auto [it, inserted] = level_lines.emplace(level->level, line_of(item)); !inserted) {
          report(item, item_path + ".level",
                 "level " + std::to_string(level->level) + " is given twice (first on line " +
                     std::to_string(it->second) + ")");
          ok = false;
          continue;
        }
        levels.push_back(std::move(*level));
      }
      if (!ok) continue;
      std::sort(
          levels.begin(), levels.end(),
          [](const escalation_level& a, const escalation_level& b) { return a.level < b.level; });
      rules_.escalations.emplace(e.key, std::move(levels));
    }
  }

  std::optional<escalation_level> read_escalation_level(const YAML::Node& node,
                                                        const std::string& path) {
    auto fields = fields_of(node, path, "an escalation level", {"level", "at", "notify"});
    if (!fields) return std::nullopt;
    escalation_level result;
    bool ok = true;
    if (const yaml_entry* level = fields->find_value("level")) {
      if (auto value = level_of(level->value, path + ".level")) {
        result.level = *value;
      } else {
        ok = false;
      }
    } else {
      report(node, path + ".level", "missing `level`");
      ok = false;
    }
    if (const yaml_entry* at = fields->find_value("at")) {
      ok = read_escalation_at(at->value, path + ".at", result) && ok;
    } else {
      report(node, path + ".at",
             "missing `at`: `breach`, `breach+1h` or a percentage such as `150%`");
      ok = false;
    }
    if (const yaml_entry* notify = fields->find("notify")) {
      if (auto names = receiver_list_of(notify->value, path + ".notify")) {
        result.notify = std::move(*names);
      } else {
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return result;
  }

  /// `breach`, `breach+<duration>` or `<percent>%` of the target.
  bool read_escalation_at(const YAML::Node& node, const std::string& path,
                          escalation_level& level) {
    auto text = text_of(node, path, "`breach`, `breach+<duration>` or a percentage");
    if (!text) return false;
    const std::string value = trimmed(*text);
    constexpr std::string_view breach = "breach";
    if (value == breach) {
      level.after_breach_seconds = 0;
      return true;
    }
    if (value.rfind(breach, 0) == 0) {
      const std::string rest = trimmed(std::string_view(value).substr(breach.size()));
      if (!rest.empty() && rest.front() == '+') {
        auto seconds = parse_duration(trimmed(std::string_view(rest).substr(1)));
        if (!seconds) {
          report(node, path, seconds.error());
          return false;
        }
        level.after_breach_seconds = *seconds;
        return true;
      }
    }
    if (!value.empty() && value.back() == '%') {
      auto bp = parse_percent_basis_points(value);
      if (!bp) {
        report(node, path, bp.error());
        return false;
      }
      if (*bp <= 0) {
        report(node, path, "an escalation percentage must be above 0%");
        return false;
      }
      level.at_bp = *bp;
      return true;
    }
    report(node, path,
           "expected `breach`, `breach+<duration>` such as `breach+1h`, or a percentage of the "
           "target such as `150%`, got " +
               backquoted(value));
    return false;
  }

  // ---- conditions --------------------------------------------------------------------------

  /// A condition: attribute -> scalar (equals), list (any of) or operators. Null is empty.
  std::optional<condition> read_condition(const YAML::Node& node, const std::string& path) {
    condition result;
    if (node.IsNull()) return result;
    auto entries = entries_of(node, path, "attribute conditions such as `{priority: P1}`");
    if (!entries) return std::nullopt;
    bool ok = true;
    for (const yaml_entry& e : *entries) {
      auto predicates = read_attribute_test(e.value, path + "." + e.key, e.key);
      if (!predicates) {
        ok = false;
        continue;
      }
      result.keys.emplace(e.key, std::move(*predicates));
    }
    if (!ok) return std::nullopt;
    return result;
  }

  /// The value as the engine will see it in attributes: YAML booleans become `true`/`false`;
  /// other scalars keep their text (`10000` stays "10000"), quoted or not.
  static std::string attribute_text(const YAML::Node& scalar) {
    const std::string& text = scalar.Scalar();
    if (scalar.Tag() == "?") {  // plain (unquoted) scalar: YAML 1.2 core booleans
      if (text == "true" || text == "True" || text == "TRUE") return "true";
      if (text == "false" || text == "False" || text == "FALSE") return "false";
    }
    return text;
  }

  /// equals_any over a scalar or a list of scalars.
  std::optional<predicate> read_any_of(const YAML::Node& node, const std::string& path) {
    predicate p;
    p.kind = predicate::op::equals_any;
    if (node.IsScalar()) {
      p.values.push_back(attribute_text(node));
      return p;
    }
    if (!node.IsSequence()) {
      report(node, path, "expected a value or a list of values, got " + describe(node));
      return std::nullopt;
    }
    if (node.size() == 0) {
      report(node, path, "an empty list matches nothing; give at least one value");
      return std::nullopt;
    }
    bool ok = true;
    std::size_t index = 0;
    for (const auto& item_value : node) {
      const YAML::Node item = item_value;
      const std::string item_path = path + "[" + std::to_string(index++) + "]";
      if (!item.IsScalar()) {
        report(item, item_path, "expected a value, got " + describe(item));
        ok = false;
        continue;
      }
      p.values.push_back(attribute_text(item));
    }
    if (!ok) return std::nullopt;
    return p;
  }

  std::optional<std::vector<predicate>> read_attribute_test(const YAML::Node& node,
                                                            const std::string& path,
                                                            const std::string& attribute) {
    if (node.IsMap()) return read_operators(node, path, attribute);
    if (node.IsNull()) {
      report(node, path, "expected a value, a list of values or operators, got nothing");
      return std::nullopt;
    }
    auto any_of = read_any_of(node, path);
    if (!any_of) return std::nullopt;
    return std::vector<predicate>{std::move(*any_of)};
  }

  /// `{gt:, gte:, lt:, lte:, in:, not:, regex:}`; all of them must hold.
  std::optional<std::vector<predicate>> read_operators(const YAML::Node& node,
                                                       const std::string& path,
                                                       const std::string& attribute) {
    auto fields =
        fields_of(node, path, "operators", {"gt", "gte", "lt", "lte", "in", "not", "regex"});
    if (!fields) return std::nullopt;
    if (fields->entries.empty()) {
      if (node.size() == 0) {
        report(node, path, "no operator given; use gt, gte, lt, lte, in, not or regex");
      }
      return std::nullopt;
    }
    std::vector<predicate> predicates;
    bool ok = true;
    for (const yaml_entry& e : fields->entries) {
      const std::string op_path = path + "." + e.key;
      std::optional<predicate> p;
      if (e.key == "in") {
        p = read_any_of(e.value, op_path);
      } else if (e.key == "not") {
        p = read_not(e.value, op_path, attribute);
      } else if (e.key == "regex") {
        p = read_regex(e.value, op_path, attribute);
      } else {
        p = read_comparison(e.key, e.value, op_path);
      }
      if (p) {
        predicates.push_back(std::move(*p));
      } else {
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return predicates;
  }

  std::optional<predicate> read_comparison(const std::string& op, const YAML::Node& node,
                                           const std::string& path) {
    auto text = text_of(node, path, "a number");
    if (!text) return std::nullopt;
    const auto number = attribute_number(trimmed(*text));
    if (!number) {
      report(node, path, "expected a number, got " + backquoted(*text));
      return std::nullopt;
    }
    predicate p;
    p.kind = op == "gt"    ? predicate::op::gt
             : op == "gte" ? predicate::op::gte
             : op == "lt"  ? predicate::op::lt
                           : predicate::op::lte;
    p.number = *number;
    return p;
  }

  std::optional<predicate> read_regex(const YAML::Node& node, const std::string& path,
                                      const std::string& attribute) {
    auto text = text_of(node, path, "a regular expression");
    if (!text) return std::nullopt;
    auto flags = std::regex::ECMAScript;
    if (folds_case(attribute)) flags |= std::regex::icase;
    predicate p;
    p.kind = predicate::op::regex;
    p.pattern = *text;
    try {
      p.compiled = std::make_shared<const std::regex>(*text, flags);
    } catch (const std::regex_error& e) {
      report(node, path, "invalid regular expression " + backquoted(*text) + ": " + e.what());
      return std::nullopt;
    }
    return p;
  }

  /// `not: value`, `not: [values]` or `not: {one operator}`. Several operators under one `not`
  /// are refused: "not all of them" and "none of them" are easy to confuse in an SLA rule.
  std::optional<predicate> read_not(const YAML::Node& node, const std::string& path,
                                    const std::string& attribute) {
    predicate p;
    p.kind = predicate::op::not_;
    if (node.IsMap()) {
      if (node.size() > 1) {
        report(node, path,
               "`not` takes one operator (or a value or a list); split the test into separate "
               "conditions");
        return std::nullopt;
      }
      auto inner = read_operators(node, path, attribute);
      if (!inner) return std::nullopt;
      p.negated = std::move(*inner);
      return p;
    }
    auto any_of = read_any_of(node, path);
    if (!any_of) return std::nullopt;
    p.negated.push_back(std::move(*any_of));
    return p;
  }

  // ---- policies ----------------------------------------------------------------------------

  void read_policies(const YAML::Node& node) {
    if (!node.IsSequence() || node.size() == 0) {
      report(node, "policies",
             "expected a list of policies (at least one; the last, without `match`, is the "
             "fallback), got " +
                 describe(node));
      return;
    }
    std::map<std::string, int> name_lines;
    std::optional<std::size_t> first_catch_all;
    std::string first_catch_all_name;
    std::size_t index = 0;
    const std::size_t count = node.size();
    for (const auto& item_value : node) {
      const YAML::Node item = item_value;
      const std::size_t i = index++;
      const std::string path = "policies[" + std::to_string(i) + "]";
      auto fields = fields_of(
          item, path, "a policy",
          {"name", "match", "calendar", "pause_on", "warn_at", "clocks", "escalation", "notify"});
      if (!fields) {
        if (i + 1 == count) report_no_fallback(item, path);
        continue;
      }
      std::string name;
      if (const yaml_entry* e = fields->find_value("name")) {
        if (auto text = name_of(e->value, path + ".name")) {
          name = trimmed(*text);
          if (auto [it, inserted] = name_lines.emplace(name, line_of(e->value)); !inserted) {
            report(e->value, path + ".name",
                   "duplicate policy name " + backquoted(name) + " (first on line " +
                       std::to_string(it->second) + ")");
          }
        }
      } else {
        report(item, path + ".name", "missing `name`");
      }

      // The catch-all checks look at the YAML itself, so that a mistake inside a match does not
      // also produce a misleading "no fallback".
      const yaml_entry* match = fields->find_value("match");
      const bool catch_all = match == nullptr || (match->value.IsMap() && match->value.size() == 0);
      if (first_catch_all) {
        report(item, path,
               "this policy can never apply: " + backquoted(first_catch_all_name) + " (policies[" +
                   std::to_string(*first_catch_all) + "]) has no match and takes every case");
      } else if (catch_all) {
        first_catch_all = i;
        first_catch_all_name = name;
      }
      if (i + 1 == count && !catch_all) report_no_fallback(item, path);

      policy p;
      p.name = name;
      if (auto parsed = read_policy(*fields, item, path, p); parsed && !name.empty()) {
        rules_.policies.push_back(std::move(p));
      }
    }
  }

  /// The spec asks for "a fallback"; we require it to be the last policy, so that every case has
  /// a policy and the order of the list alone decides which one.
  void report_no_fallback(const YAML::Node& last_policy, const std::string& path) {
    report(last_policy, path,
           "no fallback policy: the last policy must have no `match`, so that a case no other "
           "policy matches still gets an SLA");
  }

  bool read_policy(const yaml_fields& fields, const YAML::Node& node, const std::string& path,
                   policy& p) {
    bool ok = true;
    if (const yaml_entry* e = fields.find("match")) {
      if (auto c = read_condition(e->value, path + ".match")) {
        p.match = std::move(*c);
      } else {
        ok = false;
      }
    }
    clock_defaults defaults;
    defaults.calendar = default_calendar_;
    if (const yaml_entry* e = fields.find_value("calendar")) {
      auto name = name_of(e->value, path + ".calendar");
      if (name && check_calendar_reference(e->value, path + ".calendar", trimmed(*name))) {
        defaults.calendar = trimmed(*name);
      } else {
        ok = false;
      }
    }
    if (const yaml_entry* e = fields.find("pause_on")) {
      if (auto statuses = pause_on_of(e->value, path + ".pause_on")) {
        defaults.pause_on = std::move(*statuses);
      } else {
        ok = false;
      }
    }
    if (const yaml_entry* e = fields.find("warn_at")) {
      if (auto thresholds = warn_at_of(e->value, path + ".warn_at")) {
        defaults.warn_at_bp = std::move(*thresholds);
      } else {
        ok = false;
      }
    }
    if (const yaml_entry* e = fields.find_value("escalation")) {
      auto name = name_of(e->value, path + ".escalation");
      if (!name) {
        ok = false;
      } else if (escalation_names_.count(trimmed(*name)) == 0) {
        const std::vector<std::string_view> known(escalation_names_.begin(),
                                                  escalation_names_.end());
        report(e->value, path + ".escalation",
               "unknown escalation " + backquoted(*name) +
                   (known.empty() ? "; define it under `escalations`"
                                  : suggestion(trimmed(*name), known)));
        ok = false;
      } else {
        p.escalation = trimmed(*name);
      }
    }
    if (const yaml_entry* e = fields.find("notify")) {
      if (auto names = receiver_list_of(e->value, path + ".notify")) {
        p.notify = std::move(*names);
      } else {
        ok = false;
      }
    }
    if (const yaml_entry* e = fields.find("clocks")) {
      ok = read_clocks(e->value, path + ".clocks", defaults, p) && ok;
    } else {
      report(node, path + ".clocks",
             "missing `clocks`: a policy sets its SLA targets, e.g. `clocks: {first_response: "
             "{target: 1h}}` (write `clocks: {}` for a policy without SLA)");
      ok = false;
    }
    return ok;
  }

  bool read_clocks(const YAML::Node& node, const std::string& path, const clock_defaults& defaults,
                   policy& p) {
    auto entries = entries_of(node, path, "clocks by name");
    if (!entries) return false;
    bool ok = true;
    for (const yaml_entry& e : *entries) {
      const std::string clock_path = path + "." + e.key;
      const auto kind = parse_clock_kind(e.key);
      if (!kind) {
        std::vector<std::string_view> names;
        for (clock_kind k : all_clock_kinds) names.push_back(to_string(k));
        report(e.key_node, clock_path,
               "unknown clock " + backquoted(e.key) + suggestion(e.key, names));
        ok = false;
        continue;
      }
      if (auto rule = read_clock(e.value, clock_path, defaults)) {
        p.clocks.emplace(*kind, std::move(*rule));
      } else {
        ok = false;
      }
    }
    return ok;
  }

  /// `{target, calendar, pause_on, warn_at}`, or a bare duration as shorthand for the target.
  std::optional<clock_rule> read_clock(const YAML::Node& node, const std::string& path,
                                       const clock_defaults& defaults) {
    clock_rule rule;
    rule.calendar = defaults.calendar;
    rule.pause_on = defaults.pause_on;
    rule.warn_at_bp = defaults.warn_at_bp;
    const YAML::Node* target_node = nullptr;
    std::string target_path = path + ".target";
    bool ok = true;
    std::optional<yaml_fields> fields;
    if (node.IsScalar()) {
      target_node = &node;
      target_path = path;
    } else {
      fields = fields_of(node, path, "a clock", {"target", "calendar", "pause_on", "warn_at"});
      if (!fields) return std::nullopt;
      if (const yaml_entry* e = fields->find_value("target")) {
        target_node = &e->value;
      } else {
        report(node, target_path, "missing `target`, e.g. `target: 4h`");
        ok = false;
      }
      if (const yaml_entry* e = fields->find_value("calendar")) {
        auto name = name_of(e->value, path + ".calendar");
        if (name && check_calendar_reference(e->value, path + ".calendar", trimmed(*name))) {
          rule.calendar = trimmed(*name);
        } else {
          ok = false;
        }
      }
      if (const yaml_entry* e = fields->find("pause_on")) {
        if (auto statuses = pause_on_of(e->value, path + ".pause_on")) {
          rule.pause_on = std::move(*statuses);
        } else {
          ok = false;
        }
      }
      if (const yaml_entry* e = fields->find("warn_at")) {
        if (auto thresholds = warn_at_of(e->value, path + ".warn_at")) {
          rule.warn_at_bp = std::move(*thresholds);
        } else {
          ok = false;
        }
      }
    }
    if (target_node != nullptr) {
      if (auto seconds = duration_of(*target_node, target_path)) {
        if (*seconds <= 0) {
          report(*target_node, target_path, "a target must be longer than 0s");
          ok = false;
        } else {
          rule.target_seconds = *seconds;
        }
      } else {
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return rule;
  }

  // ---- impact ------------------------------------------------------------------------------

  void read_impact(const YAML::Node& node) {
    if (!node.IsSequence()) {
      report(node, "impact",
             "expected a list of impact rules such as `{name: legal, when: {legal_risk: true}, "
             "level: 2}`, got " +
                 describe(node));
      return;
    }
    std::map<std::string, int> name_lines;
    std::size_t index = 0;
    for (const auto& item_value : node) {
      const YAML::Node item = item_value;
      const std::string path = "impact[" + std::to_string(index++) + "]";
      auto fields = fields_of(item, path, "an impact rule", {"name", "when", "level"});
      if (!fields) continue;
      impact_rule rule;
      bool ok = true;
      if (const yaml_entry* e = fields->find_value("name")) {
        if (auto text = name_of(e->value, path + ".name")) {
          rule.name = trimmed(*text);
          if (auto [it, inserted] = name_lines.emplace(rule.name, line_of(e->value)); !inserted) {
            report(e->value, path + ".name",
                   "duplicate impact rule name " + backquoted(rule.name) + " (first on line " +
                       std::to_string(it->second) + ")");
            ok = false;
          }
        } else {
          ok = false;
        }
      } else {
        report(item, path + ".name", "missing `name`");
        ok = false;
      }
      if (const yaml_entry* e = fields->find_value("when")) {
        auto when = read_condition(e->value, path + ".when");
        if (!when) {
          ok = false;
        } else if (when->empty()) {
          report(e->value, path + ".when",
                 "an empty `when` would escalate every case; name the attributes to test");
          ok = false;
        } else {
          rule.when = std::move(*when);
        }
      } else {
        report(item, path + ".when", "missing `when`, e.g. `when: {legal_risk: true}`");
        ok = false;
      }
      if (const yaml_entry* e = fields->find_value("level")) {
        if (auto level = level_of(e->value, path + ".level")) {
          rule.level = *level;
        } else {
          ok = false;
        }
      } else {
        report(item, path + ".level", "missing `level`");
        ok = false;
      }
      if (ok) rules_.impact.push_back(std::move(rule));
    }
  }

  std::string file_;
  std::vector<problem> problems_;
  rule_set rules_;
  std::string version_;
  std::string default_calendar_ = builtin_calendar_name;
  std::set<std::string> calendar_names_;    // declared, whether or not they built
  std::set<std::string> receiver_names_;    // declared, whether or not they are valid
  std::set<std::string> escalation_names_;  // declared, whether or not they are valid
};

}  // namespace

expected<rule_set, std::vector<problem>> load_rules(std::string_view yaml_text,
                                                    const std::string& file_name) {
  return rules_loader(file_name).load(yaml_text);
}

}  // namespace slawatch::rules
