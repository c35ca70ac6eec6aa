// Partition function: the published test vectors (README "Partitions"), which any producer's
// reimplementation must reproduce.
#include "rules/partition.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <vector>

using namespace slawatch::rules;

TEST_CASE("fnv1a_64 matches the reference vectors of FNV", "[partition]") {
  // From the FNV reference test suite (Fowler, Noll, Vo).
  CHECK(fnv1a_64("") == 0xcbf29ce484222325ULL);
  CHECK(fnv1a_64("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(fnv1a_64("foobar") == 0x85944171f73967e8ULL);
}

TEST_CASE("partition_of: the documented vectors", "[partition]") {
  struct vector {
    const char* case_id;
    std::uint64_t hash;
    std::uint32_t of_16;
    std::uint32_t of_3;
  };
  for (const vector& v : {vector{"CS-20250912-0042", 0x3ab4467551e0effaULL, 10, 1},
                          vector{"CS-20250912-0043", 0x3ab4477551e0f1adULL, 13, 2},
                          vector{"zendesk:35436", 0x0a95288e37873f00ULL, 0, 0},
                          vector{"servicenow:INC0000045", 0x7b429bfe9f95f2d1ULL, 1, 1},
                          vector{"caf\xc3\xa9", 0x48e8823acfa40d89ULL, 9, 2}}) {
    INFO(v.case_id);
    CHECK(fnv1a_64(v.case_id) == v.hash);
    CHECK(partition_of(v.case_id, 16) == v.of_16);
    CHECK(partition_of(v.case_id, 3) == v.of_3);
    CHECK(partition_of(v.case_id, 1) == 0);
  }
}

TEST_CASE("partition_of spreads contract ids over every partition", "[partition]") {
  std::vector<int> counts(16, 0);
  for (int i = 0; i < 1600; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "CS-20250912-%04d", i);
    ++counts.at(partition_of(id, 16));
  }
  for (int count : counts) {
    CHECK(count > 50);  // 100 expected each; a skewed hash would starve some partitions
    CHECK(count < 150);
  }
}

TEST_CASE("partition_stream appends the partition number", "[partition]") {
  CHECK(partition_stream("slawatch:events", 0) == "slawatch:events:0");
  CHECK(partition_stream("slawatch:events", 15) == "slawatch:events:15");
}
