// Policy and impact matching on case attributes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "rules/model.hpp"

namespace slawatch::rules {

/// Case attributes: name -> value, values as text (`revenue_impact` -> "25000").
using attributes = std::map<std::string, std::string>;

/// Whether values of this attribute compare case-insensitively (ASCII): `priority`, `status` and
/// `channel`, whose spelling differs between ticketing platforms (`P1`/`p1`, `Pending`/`pending`).
/// Every other attribute compares exactly. Attribute names themselves always compare exactly.
bool folds_case(std::string_view attribute_name);

/// An attribute value as the numeric operators read it: a finite decimal number (optionally
/// signed, with fraction and exponent, no spaces), read the same in every locale.
std::optional<double> attribute_number(std::string_view text);

/// Whether one predicate holds for a value; `value` is nullptr when the attribute is absent, which
/// fails every predicate except `not`. Text comparison here is exact.
bool holds(const predicate& p, const std::string* value);

/// Whether every key of the condition holds. Equality (`equals_any`, `in`, and inside `not`) on
/// the attributes named by folds_case() ignores ASCII case; regexes on them are compiled
/// case-insensitively by the loader. An empty condition holds for every case.
bool holds(const condition& c, const attributes& attrs);

/// The first policy whose match holds; nullptr only if the rules have no policy at all
/// (the loader refuses such a file).
const policy* select_policy(const rule_set& rules, const attributes& attrs);

}  // namespace slawatch::rules
