// Lease bookkeeping for scale-out (pure): which partitions a daemon instance should try to take
// and which to give back, from what it sees in Redis. The lease manager (not in this version)
// applies the plan with `SET <lease key> <consumer> NX PX ttl`, renews owned leases with a
// compare-and-pexpire script and releases with compare-and-delete.
#pragma once

#include <cstdint>
#include <set>
#include <vector>

namespace slawatch::rules {

/// How many partitions each of `live_instances` should own: ceil(partitions / live_instances)
/// (all of them when no instance is known to be live, i.e. this one is alone).
std::uint32_t fair_share(std::uint32_t partitions, std::uint32_t live_instances);

/// One round of lease decisions for one instance.
struct lease_plan {
  std::vector<std::uint32_t> acquire;  ///< free partitions to try `SET NX` on, in this order
  std::vector<std::uint32_t> release;  ///< owned partitions above the fair share, to give back
};

/// Plans one round. `owned`: leases this instance holds; `held_by_others`: unexpired leases of
/// other instances; `offset`: where this instance starts looking (e.g. a hash of its consumer
/// name), so that instances starting together try different partitions first. Acquires free
/// partitions until the fair share is reached; releases the highest-numbered owned partitions
/// above it. Partitions numbered `partitions` or more are ignored.
lease_plan plan_leases(std::uint32_t partitions, std::uint32_t live_instances,
                       const std::set<std::uint32_t>& owned,
                       const std::set<std::uint32_t>& held_by_others, std::uint64_t offset);

}  // namespace slawatch::rules
