// Tests of rules/match.cpp: predicates, conditions and policy selection.
// Same GCC 12 false positive in <regex> under sanitizers as in rules/load.cpp.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <functional>
#include <regex>
#pragma GCC diagnostic pop

#include <catch2/catch.hpp>
#include <string>

#include "rules/match.hpp"

namespace {

using namespace slawatch::rules;

predicate any_of(std::vector<std::string> values) {
  predicate p;
  p.kind = predicate::op::equals_any;
  p.values = std::move(values);
  return p;
}

predicate compare(predicate::op kind, double number) {
  predicate p;
  p.kind = kind;
  p.number = number;
  return p;
}

predicate matches(const std::string& pattern, bool icase = false) {
  predicate p;
  p.kind = predicate::op::regex;
  p.pattern = pattern;
  auto flags = std::regex::ECMAScript;
  if (icase) flags |= std::regex::icase;
  p.compiled = std::make_shared<const std::regex>(pattern, flags);
  return p;
}

predicate none_of(std::vector<predicate> negated) {
  predicate p;
  p.kind = predicate::op::not_;
  p.negated = std::move(negated);
  return p;
}

bool holds_for(const predicate& p, const std::string& value) { return holds(p, &value); }

policy named(const std::string& name, condition match) {
  policy p;
  p.name = name;
  p.match = std::move(match);
  return p;
}

}  // namespace

TEST_CASE("equals_any compares text exactly and fails on an absent value", "[match]") {
  const predicate p = any_of({"phone", "chat"});
  CHECK(holds_for(p, "chat"));
  CHECK_FALSE(holds_for(p, "Chat"));
  CHECK_FALSE(holds_for(p, "chat "));
  CHECK_FALSE(holds_for(p, "email"));
  CHECK_FALSE(holds(p, nullptr));
  CHECK_FALSE(holds_for(any_of({}), ""));
}

TEST_CASE("numeric operators compare numbers and fail on text", "[match]") {
  CHECK(holds_for(compare(predicate::op::gt, 10000), "10000.5"));
  CHECK_FALSE(holds_for(compare(predicate::op::gt, 10000), "10000"));
  CHECK(holds_for(compare(predicate::op::gte, 10000), "10000"));
  CHECK(holds_for(compare(predicate::op::gte, 10000), "1e5"));
  CHECK(holds_for(compare(predicate::op::lt, 0), "-0.5"));
  CHECK_FALSE(holds_for(compare(predicate::op::lt, 0), "0"));
  CHECK(holds_for(compare(predicate::op::lte, 0), "0"));
  CHECK(holds_for(compare(predicate::op::lte, 5), "+5"));
  CHECK_FALSE(holds_for(compare(predicate::op::lte, 5), "+-5"));
  CHECK(attribute_number("12.5") == 12.5);
  CHECK_FALSE(attribute_number("+"));
  for (const char* not_a_number : {"", "lots", "10k", "10 000", " 10", "nan", "inf", "0x10"}) {
    INFO(not_a_number);
    CHECK_FALSE(holds_for(compare(predicate::op::gte, -1e300), not_a_number));
    CHECK_FALSE(holds_for(compare(predicate::op::lte, 1e300), not_a_number));
  }
  CHECK_FALSE(holds(compare(predicate::op::lt, 1), nullptr));
}

TEST_CASE("a regex must match the whole value", "[match]") {
  const predicate p = matches("vip|gold");
  CHECK(holds_for(p, "vip"));
  CHECK(holds_for(p, "gold"));
  CHECK_FALSE(holds_for(p, "vip,gold"));
  CHECK_FALSE(holds_for(p, "VIP"));
  CHECK(holds_for(matches("vip", true), "VIP"));
  CHECK_FALSE(holds(p, nullptr));
}

TEST_CASE("not holds when none of its predicates holds, including for an absent value", "[match]") {
  const predicate p = none_of({any_of({"spam", "test"})});
  CHECK(holds_for(p, "billing"));
  CHECK_FALSE(holds_for(p, "spam"));
  CHECK_FALSE(holds_for(p, "test"));
  CHECK(holds(p, nullptr));
  const predicate not_big = none_of({compare(predicate::op::gt, 100)});
  CHECK(holds_for(not_big, "100"));
  CHECK(holds_for(not_big, "n/a"));
  CHECK_FALSE(holds_for(not_big, "101"));
  const predicate double_negation = none_of({p});
  CHECK(holds_for(double_negation, "spam"));
  CHECK_FALSE(holds(double_negation, nullptr));
}

TEST_CASE("a condition needs every key and every predicate of a key", "[match]") {
  condition c;
  c.keys["priority"] = {any_of({"P1", "P2"})};
  c.keys["revenue_impact"] = {compare(predicate::op::gte, 10), compare(predicate::op::lt, 20)};
  CHECK(holds(c, {{"priority", "P1"}, {"revenue_impact", "10"}}));
  CHECK(holds(c, {{"priority", "P2"}, {"revenue_impact", "19.99"}, {"team", "x"}}));
  CHECK_FALSE(holds(c, {{"priority", "P1"}, {"revenue_impact", "20"}}));
  CHECK_FALSE(holds(c, {{"priority", "P3"}, {"revenue_impact", "15"}}));
  CHECK_FALSE(holds(c, {{"priority", "P1"}}));
  CHECK_FALSE(holds(c, {{"Priority", "P1"}, {"revenue_impact", "15"}}));  // names are exact
  CHECK(holds(condition{}, {}));
  CHECK(holds(condition{}, {{"priority", "P1"}}));
}

TEST_CASE("priority, status and channel compare ignoring case; other attributes exactly",
          "[match]") {
  for (const char* name : {"priority", "status", "channel"}) {
    INFO(name);
    CHECK(folds_case(name));
    condition c;
    c.keys[name] = {any_of({"Pending"})};
    CHECK(holds(c, {{name, "pending"}}));
    CHECK(holds(c, {{name, "PENDING"}}));
    CHECK_FALSE(holds(c, {{name, "pendin"}}));
    condition negated;
    negated.keys[name] = {none_of({any_of({"pending"})})};
    CHECK_FALSE(holds(negated, {{name, "Pending"}}));
    CHECK(holds(negated, {{name, "open"}}));
  }
  for (const char* name : {"team", "category", "Priority", "customer_tier"}) {
    INFO(name);
    CHECK_FALSE(folds_case(name));
    condition c;
    c.keys[name] = {any_of({"Gold"})};
    CHECK(holds(c, {{name, "Gold"}}));
    CHECK_FALSE(holds(c, {{name, "gold"}}));
  }
}

TEST_CASE("select_policy takes the first policy whose match holds", "[match]") {
  rule_set rules;
  CHECK(select_policy(rules, {{"priority", "P1"}}) == nullptr);

  condition p1;
  p1.keys["priority"] = {any_of({"P1"})};
  condition vip_p1 = p1;
  vip_p1.keys["customer_tier"] = {any_of({"vip"})};
  rules.policies = {named("vip-p1", vip_p1), named("p1", p1), named("fallback", {}),
                    named("unreachable", p1)};

  CHECK(select_policy(rules, {{"priority", "P1"}, {"customer_tier", "vip"}}) == &rules.policies[0]);
  CHECK(select_policy(rules, {{"priority", "p1"}, {"customer_tier", "gold"}}) ==
        &rules.policies[1]);
  CHECK(select_policy(rules, {{"priority", "P2"}}) == &rules.policies[2]);
  CHECK(select_policy(rules, {}) == &rules.policies[2]);

  rules.policies = {named("p1", p1)};
  CHECK(select_policy(rules, {{"priority", "P2"}}) == nullptr);
}
