// Tests of journal::IdSet: a bitmap of task ids whose memory follows the
// ids it holds, never their values.

#include "journal/id_set.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <vector>

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

// Issue 10.13: an id near 2^63 made the bitmap allocate id / 64 words
// (bad_alloc on every resend, then a crash loop).
TEST(IdSet, AHugeIdCostsNoMoreThanASmallOne) {
  IdSet s;
  const uint64_t huge = (uint64_t{1} << 63) + 12345;
  EXPECT_TRUE(s.Add(huge));
  EXPECT_FALSE(s.Add(huge));
  EXPECT_TRUE(s.Contains(huge));
  EXPECT_FALSE(s.Contains(huge - 1));
  EXPECT_TRUE(s.Add(UINT64_MAX));
  EXPECT_TRUE(s.Contains(UINT64_MAX));
  EXPECT_EQ(s.size(), 2u);
  EXPECT_LT(s.bytes(), uint64_t{1} << 20);
}

TEST(IdSet, MemoryFollowsTheIdsHeldNotTheirValues) {
  IdSet s;
  // Ids far apart: each would need a bitmap of its own.
  uint64_t id = 1;
  for (int i = 0; i < 20000; ++i) {
    id = id * 6364136223846793005u + 1442695040888963407u;  // LCG
    s.Add(id | (uint64_t{1} << 40));
  }
  EXPECT_EQ(s.size(), 20000u);
  EXPECT_LT(s.bytes(), 20000u * 64 + (uint64_t{1} << 18));
}

TEST(IdSet, IdsHeldAsideMoveIntoTheBitmapAsItGrows) {
  IdSet s;
  const uint64_t far = 5000000;  // beyond what an empty set's bitmap covers
  EXPECT_TRUE(s.Add(far));
  for (uint64_t id = 0; id < 6000000; ++id) {
    if (id != far) {
      ASSERT_TRUE(s.Add(id)) << id;
    }
  }
  EXPECT_FALSE(s.Add(far));
  EXPECT_EQ(s.size(), 6000000u);
  for (uint64_t id = 0; id < 6000000; id += 999) ASSERT_TRUE(s.Contains(id));
  EXPECT_LT(s.bytes(), 2 * 6000000u / 8 + (uint64_t{1} << 18)) << "a bitmap";
}

TEST(IdSet, VisitsEveryId) {
  IdSet s;
  const uint64_t ids[] = {0, 63, 64, 100000, uint64_t{1} << 50, UINT64_MAX};
  for (uint64_t id : ids) s.Add(id);
  std::vector<uint64_t> seen;
  s.ForEach([&](uint64_t id) { seen.push_back(id); });
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, std::vector<uint64_t>(std::begin(ids), std::end(ids)));
}

TEST(IdSet, ComesFromABitmap) {
  IdSet s = IdSet::FromWords({0b101, 0, uint64_t{1} << 63});
  EXPECT_EQ(s.size(), 3u);
  EXPECT_TRUE(s.Contains(0));
  EXPECT_FALSE(s.Contains(1));
  EXPECT_TRUE(s.Contains(2));
  EXPECT_TRUE(s.Contains(191));
  EXPECT_FALSE(s.Contains(192));
  EXPECT_TRUE(s.Add(192));
}

}  // namespace
}  // namespace taskfarm::journal
