// Tests of SplitMix64 against the reference implementation's outputs
// (Vigna's splitmix64.c; the same values appear in other ports).

#include <cstdint>

#include "gtest/gtest.h"
#include "tasks/library/splitmix64.h"

namespace taskfarm::tasks {
namespace {

TEST(SplitMix64, MatchesReferenceSeedZero) {
  SplitMix64 random(0);
  EXPECT_EQ(random.Next(), 0xe220a8397b1dcdafu);
  EXPECT_EQ(random.Next(), 0x6e789e6aa1b965f4u);
  EXPECT_EQ(random.Next(), 0x06c45d188009454fu);
}

TEST(SplitMix64, MatchesReferenceSeed1234567) {
  SplitMix64 random(1234567);
  EXPECT_EQ(random.Next(), 6457827717110365317u);
  EXPECT_EQ(random.Next(), 3203168211198807973u);
  EXPECT_EQ(random.Next(), 9817491932198370423u);
}

TEST(SplitMix64, NextUnitIsTopBitsScaled) {
  SplitMix64 bits(99);
  SplitMix64 units(99);
  for (int i = 0; i < 1000; ++i) {
    const uint64_t b = bits.Next();
    const double u = units.NextUnit();
    EXPECT_EQ(u, static_cast<double>(b >> 11) / 9007199254740992.0);
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
}

}  // namespace
}  // namespace taskfarm::tasks
