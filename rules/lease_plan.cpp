// Lease bookkeeping (see lease_plan.hpp).
#include "rules/lease_plan.hpp"

namespace slawatch::rules {

std::uint32_t fair_share(std::uint32_t partitions, std::uint32_t live_instances) {
  if (live_instances == 0) return partitions;
  return partitions / live_instances + (partitions % live_instances == 0 ? 0 : 1);
}

lease_plan plan_leases(std::uint32_t partitions, std::uint32_t live_instances,
                       const std::set<std::uint32_t>& owned,
                       const std::set<std::uint32_t>& held_by_others, std::uint64_t offset) {
  lease_plan plan;
  if (partitions == 0) return plan;
  const std::uint32_t share = fair_share(partitions, live_instances);
  std::vector<std::uint32_t> mine;
  for (const std::uint32_t p : owned)
    if (p < partitions) mine.push_back(p);
  // Above the share: give back the highest-numbered ones (a stable, predictable choice).
  while (mine.size() > share) {
    plan.release.push_back(mine.back());
    mine.pop_back();
  }
  const auto start = static_cast<std::uint32_t>(offset % partitions);
  for (std::uint32_t i = 0; i < partitions && mine.size() + plan.acquire.size() < share; ++i) {
    const std::uint32_t p = (start + i) % partitions;
    if (owned.count(p) == 0 && held_by_others.count(p) == 0) plan.acquire.push_back(p);
  }
  return plan;
}

}  // namespace slawatch::rules
