#include "bridge/redact.hpp"

#include <array>

#include <nlohmann/json.hpp>

#include "bridge/mapping_detail.hpp"
#include "rules/event.hpp"

namespace slawatch::bridge {

namespace {

using json = nlohmann::json;

// Key names whose values identify or quote a person: whole keys, and parts of longer keys. Broad
// on purpose: the dead-letter copy is for seeing the shape of a payload, and a removed status
// name costs less than a kept person's name.
constexpr std::array<std::string_view, 4> personal_keys{"to", "cc", "bcc", "from"};
// `string` catches Jira's changelog `fromString`/`toString`, which hold display names.
constexpr std::array<std::string_view, 20> personal_key_parts{
    "name",  "mail",    "phone", "mobile", "body", "comment", "description", "subject", "title",   "summary",
    "address", "login", "note",  "text",   "avatar", "image", "signature",   "content", "html",   "string"};

bool is_personal_key(const std::string& key) {
  const auto k = detail::lower(key);
  if (rules::is_personal_attribute(k)) return true;
  for (const auto whole : personal_keys)
    if (k == whole) return true;
  for (const auto part : personal_key_parts)
    if (k.find(part) != std::string::npos) return true;
  return false;
}

void scrub(json& node) {
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (is_personal_key(it.key()) && !it.value().is_null() && !it.value().is_boolean())
        it.value() = "[removed]";
      else
        scrub(it.value());
    }
  } else if (node.is_array()) {
    for (auto& item : node) scrub(item);
  } else if (node.is_string() && node.get_ref<const std::string&>().find('@') != std::string::npos) {
    node = "[removed]";
  }
}

}  // namespace

std::string redact_personal(std::string_view body) {
  json payload = json::parse(body.begin(), body.end(), nullptr, false);
  if (payload.is_discarded()) return {};
  scrub(payload);
  return payload.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace slawatch::bridge
