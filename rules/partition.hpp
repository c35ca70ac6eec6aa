// The partition of a case: which of N input streams carries its events. Part of the public
// contract, so that any producer can compute it without slawatch (README, "Partitions"):
//
//   partition = FNV-1a-64(bytes of case_id) mod N
//   FNV-1a-64: h = 0xcbf29ce484222325; for each byte b: h = (h XOR b) * 0x100000001b3 (mod 2^64)
//
// The bytes are those of the case id as sent (UTF-8 for JSON), with no normalisation; the
// stream of partition p of input `slawatch:events` is `slawatch:events:p` (p in decimal).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace slawatch::rules {

/// FNV-1a, 64 bits, over `bytes` (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
std::uint64_t fnv1a_64(std::string_view bytes);

/// The partition of `case_id` among `partitions` (> 0): fnv1a_64(case_id) % partitions.
std::uint32_t partition_of(std::string_view case_id, std::uint32_t partitions);

/// The name of partition `p` of stream `base`: `<base>:<p>`.
std::string partition_stream(std::string_view base, std::uint32_t p);

}  // namespace slawatch::rules
