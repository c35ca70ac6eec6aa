// Policy and impact matching on case attributes.
#include "rules/match.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <regex>

namespace slawatch::rules {
namespace {

bool equal_ignoring_ascii_case(const std::string& a, const std::string& b) {
  auto lower = [](unsigned char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(),
                    [&](unsigned char x, unsigned char y) { return lower(x) == lower(y); });
}

bool holds_with(const predicate& p, const std::string* value, bool fold_case) {
  switch (p.kind) {
    case predicate::op::equals_any:
      if (value == nullptr) return false;
      return std::any_of(p.values.begin(), p.values.end(), [&](const std::string& v) {
        return fold_case ? equal_ignoring_ascii_case(v, *value) : v == *value;
      });
    case predicate::op::gt:
    case predicate::op::gte:
    case predicate::op::lt:
    case predicate::op::lte: {
      if (value == nullptr) return false;
      auto number = attribute_number(*value);
      if (!number) return false;
      switch (p.kind) {
        case predicate::op::gt:
          return *number > p.number;
        case predicate::op::gte:
          return *number >= p.number;
        case predicate::op::lt:
          return *number < p.number;
        default:
          return *number <= p.number;
      }
    }
    case predicate::op::regex:
      return value != nullptr && p.compiled != nullptr && std::regex_match(*value, *p.compiled);
    case predicate::op::not_:
      return std::none_of(p.negated.begin(), p.negated.end(),
                          [&](const predicate& n) { return holds_with(n, value, fold_case); });
  }
  return false;
}

}  // namespace

std::optional<double> attribute_number(std::string_view text) {
  // std::from_chars is locale-independent, so a daemon started under a German locale still
  // reads "10000.5" as a number. It refuses a leading '+', which JSON producers may write.
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (last - first >= 2 && *first == '+' && first[1] != '-') ++first;
  double number = 0;
  auto [end, ec] = std::from_chars(first, last, number);
  if (ec != std::errc() || end != last || first == last || !std::isfinite(number)) {
    return std::nullopt;
  }
  return number;
}

bool folds_case(std::string_view attribute_name) {
  return attribute_name == "priority" || attribute_name == "status" || attribute_name == "channel";
}

bool holds(const predicate& p, const std::string* value) { return holds_with(p, value, false); }

bool holds(const condition& c, const attributes& attrs) {
  for (const auto& [name, predicates] : c.keys) {
    auto it = attrs.find(name);
    const std::string* value = it == attrs.end() ? nullptr : &it->second;
    const bool fold_case = folds_case(name);
    for (const predicate& p : predicates) {
      if (!holds_with(p, value, fold_case)) return false;
    }
  }
  return true;
}

const policy* select_policy(const rule_set& rules, const attributes& attrs) {
  for (const policy& p : rules.policies) {
    if (holds(p.match, attrs)) return &p;
  }
  return nullptr;
}

}  // namespace slawatch::rules
