// Lease bookkeeping: fair shares and one round of acquire/release decisions.
#include "rules/lease_plan.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <vector>

using namespace slawatch::rules;
using parts = std::vector<std::uint32_t>;

TEST_CASE("fair_share is ceil(partitions / live instances)", "[lease]") {
  CHECK(fair_share(16, 3) == 6);
  CHECK(fair_share(16, 2) == 8);
  CHECK(fair_share(16, 4) == 4);
  CHECK(fair_share(16, 1) == 16);
  CHECK(fair_share(16, 0) == 16);
  CHECK(fair_share(3, 5) == 1);
  CHECK(fair_share(0, 3) == 0);
}

TEST_CASE("a lone instance takes every free partition, from its offset on", "[lease]") {
  const auto plan = plan_leases(4, 1, {}, {}, 6);
  CHECK(plan.acquire == parts{2, 3, 0, 1});
  CHECK(plan.release.empty());
}

TEST_CASE("an instance stops at its fair share and skips leases held by others", "[lease]") {
  // 16 partitions, 3 live: share 6. Owns 2; others hold 0..5: takes 4 free ones from 6 on.
  const auto plan = plan_leases(16, 3, {14, 15}, {0, 1, 2, 3, 4, 5}, 0);
  CHECK(plan.acquire == parts{6, 7, 8, 9});
  CHECK(plan.release.empty());
}

TEST_CASE("when another instance joins, the surplus is given back", "[lease]") {
  // Owned all 16 alone; now 2 live: share 8, gives back the highest 8.
  std::set<std::uint32_t> all;
  for (std::uint32_t p = 0; p < 16; ++p) all.insert(p);
  const auto plan = plan_leases(16, 2, all, {}, 3);
  CHECK(plan.release == parts{15, 14, 13, 12, 11, 10, 9, 8});
  CHECK(plan.acquire.empty());
}

TEST_CASE("after an instance dies its expired leases are taken over", "[lease]") {
  // Three instances had 6, 5, 5; the third died and its leases expired: 2 live, share 8.
  const std::set<std::uint32_t> mine{0, 1, 2, 3, 4, 5};
  const std::set<std::uint32_t> other{6, 7, 8, 9, 10};
  const auto plan = plan_leases(16, 2, mine, other, 0);
  CHECK(plan.acquire == parts{11, 12});
  CHECK(plan_leases(16, 2, other, {0, 1, 2, 3, 4, 5, 11, 12}, 0).acquire == parts{13, 14, 15});
}

TEST_CASE("every partition ends up owned once when instances plan in turn", "[lease]") {
  // Three instances with different offsets, each applying its plan in turn until stable.
  std::vector<std::set<std::uint32_t>> owned(3);
  for (int round = 0; round < 5; ++round) {
    for (std::size_t i = 0; i < owned.size(); ++i) {
      std::set<std::uint32_t> others;
      for (std::size_t j = 0; j < owned.size(); ++j)
        if (j != i) others.insert(owned[j].begin(), owned[j].end());
      const auto plan = plan_leases(16, 3, owned[i], others, i * 7);
      for (const auto p : plan.release) owned[i].erase(p);
      for (const auto p : plan.acquire) owned[i].insert(p);
    }
  }
  std::set<std::uint32_t> all;
  std::size_t total = 0;
  for (const auto& o : owned) {
    CHECK(o.size() <= 6);
    total += o.size();
    all.insert(o.begin(), o.end());
  }
  CHECK(total == 16);
  CHECK(all.size() == 16);
}
