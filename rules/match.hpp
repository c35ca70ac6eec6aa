// Policy and impact matching on case attributes.
#pragma once

#include <map>
#include <string>

#include "rules/model.hpp"

namespace slawatch::rules {

/// Case attributes: name -> value, values as text (`revenue_impact` -> "25000").
using attributes = std::map<std::string, std::string>;

bool holds(const predicate& p, const std::string* value);
bool holds(const condition& c, const attributes& attrs);

/// The first policy whose match holds; nullptr only if the rules have no policy at all
/// (the loader refuses such a file).
const policy* select_policy(const rule_set& rules, const attributes& attrs);

}  // namespace slawatch::rules
