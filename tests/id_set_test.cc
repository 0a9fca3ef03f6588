// Tests of journal::IdSet, the growable bitmap of task ids.

#include "journal/id_set.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace taskfarm::journal {
namespace {

TEST(IdSet, StartsEmpty) {
  IdSet s;
  EXPECT_EQ(s.size(), 0u);
  EXPECT_FALSE(s.Contains(0));
  EXPECT_FALSE(
      s.Contains(uint64_t{1} << 40));  // far past the end: no growth needed
}

TEST(IdSet, AddsEachIdOnce) {
  IdSet s;
  EXPECT_TRUE(s.Add(5));
  EXPECT_FALSE(s.Add(5));
  EXPECT_TRUE(s.Contains(5));
  EXPECT_EQ(s.size(), 1u);
}

TEST(IdSet, KeepsIdsAcrossWordBoundariesAndGrowth) {
  const uint64_t ids[] = {0,   1,   62,   63,   64,   65,
                          127, 128, 1000, 4095, 4096, 1000003};
  IdSet s;
  for (uint64_t id : ids) {
    SCOPED_TRACE(id);
    EXPECT_TRUE(s.Add(id));
  }
  EXPECT_EQ(s.size(), std::size(ids));
  for (uint64_t id : ids) {
    SCOPED_TRACE(id);
    EXPECT_TRUE(s.Contains(id));
    EXPECT_FALSE(s.Add(id));
  }
  for (uint64_t id :
       {2u, 61u, 66u, 126u, 129u, 999u, 1001u, 4094u, 4097u, 1000002u}) {
    SCOPED_TRACE(id);
    EXPECT_FALSE(s.Contains(id));
  }
  EXPECT_EQ(s.size(), std::size(ids));
}

TEST(IdSet, HoldsADenseRange) {
  IdSet s;
  for (uint64_t id = 0; id < 100000; id += 2) ASSERT_TRUE(s.Add(id));
  EXPECT_EQ(s.size(), 50000u);
  for (uint64_t id = 0; id < 100000; ++id) {
    if (s.Contains(id) != (id % 2 == 0)) FAIL() << "id " << id;
  }
}

}  // namespace
}  // namespace taskfarm::journal
