// Case partitioning (see partition.hpp for the contract).
#include "rules/partition.hpp"

namespace slawatch::rules {

std::uint64_t fnv1a_64(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;  // wraps mod 2^64: unsigned arithmetic, as FNV specifies
  }
  return hash;
}

std::uint32_t partition_of(std::string_view case_id, std::uint32_t partitions) {
  return partitions == 0 ? 0 : static_cast<std::uint32_t>(fnv1a_64(case_id) % partitions);
}

std::string partition_stream(std::string_view base, std::uint32_t p) {
  std::string name(base);
  name += ':';
  name += std::to_string(p);
  return name;
}

}  // namespace slawatch::rules
