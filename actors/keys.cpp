#include "actors/keys.hpp"

#include "rules/partition.hpp"

namespace slawatch::actors::keys {

std::string partition_tag(std::uint32_t partition) {
  return "{slawatch:p" + std::to_string(partition) + "}";
}

std::string case_tag(const std::string& case_id, std::uint32_t partitions) {
  return partition_tag(rules::partition_of(case_id, partitions));
}

std::string case_snapshot(const std::string& tag, const std::string& case_id) {
  return tag + ":case:" + case_id;
}

std::string open_index(const std::string& tag) { return tag + ":open"; }

std::string closed_index(const std::string& tag) { return tag + ":closed"; }

std::string marker(const std::string& tag) { return tag + ":marker"; }

std::string lease(const std::string& tag) { return tag + ":lease"; }

std::string instances() { return "slawatch:instances"; }

std::string writer_commit(const std::string& tag, const std::string& writer) {
  return tag + ":commit:" + writer;
}

}  // namespace slawatch::actors::keys
