// YAML rules text -> validated rule_set. The only place that knows YAML; its interface has no
// yaml-cpp types and it does no I/O: the caller reads the file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rules/expected.hpp"
#include "rules/model.hpp"

namespace slawatch::rules {

/// Parses and validates a rules file. On failure returns every problem found (not only the
/// first), each with file, line, column and key path. Unknown keys are problems.
expected<rule_set, std::vector<problem>> load_rules(std::string_view yaml_text,
                                                    const std::string& file_name);

}  // namespace slawatch::rules
