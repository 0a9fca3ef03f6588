// Tests of supervise::CrashLoopBreaker: it trips at N deaths within the
// window, forgets deaths that fall out of it, and is reset by a success.
// Time is passed in; no clock is read.

#include "supervise/crash_loop.h"

#include <chrono>

#include "gtest/gtest.h"

namespace taskfarm::supervise {
namespace {

using std::chrono::seconds;

const base::Instant kT0 = base::Instant{} + std::chrono::hours(1);

TEST(CrashLoopBreaker, TripsAtTheNthDeathWithinTheWindow) {
  CrashLoopBreaker breaker(3, seconds(10));
  breaker.RecordDeath(kT0);
  breaker.RecordDeath(kT0 + seconds(1));
  EXPECT_FALSE(breaker.Tripped());
  breaker.RecordDeath(kT0 + seconds(2));
  EXPECT_TRUE(breaker.Tripped());
  EXPECT_EQ(breaker.recent_deaths(), 3u);
  breaker.RecordDeath(kT0 + seconds(3));
  EXPECT_TRUE(breaker.Tripped());
}

TEST(CrashLoopBreaker, DeathsOlderThanTheWindowDoNotCount) {
  CrashLoopBreaker breaker(3, seconds(10));
  breaker.RecordDeath(kT0);
  breaker.RecordDeath(kT0 + seconds(1));
  breaker.RecordDeath(kT0 + seconds(12));  // the first two are 11+ s old
  EXPECT_FALSE(breaker.Tripped());
  EXPECT_EQ(breaker.recent_deaths(), 1u);
}

TEST(CrashLoopBreaker, ADeathExactlyAWindowAgoStillCounts) {
  CrashLoopBreaker breaker(2, seconds(10));
  breaker.RecordDeath(kT0);
  breaker.RecordDeath(kT0 + seconds(10));
  EXPECT_TRUE(breaker.Tripped());
}

TEST(CrashLoopBreaker, SuccessForgetsTheDeaths) {
  CrashLoopBreaker breaker(3, seconds(10));
  breaker.RecordDeath(kT0);
  breaker.RecordDeath(kT0 + seconds(1));
  breaker.RecordSuccess();
  EXPECT_EQ(breaker.recent_deaths(), 0u);
  breaker.RecordDeath(kT0 + seconds(2));
  breaker.RecordDeath(kT0 + seconds(3));
  EXPECT_FALSE(breaker.Tripped());
  breaker.RecordDeath(kT0 + seconds(4));
  EXPECT_TRUE(breaker.Tripped());
}

TEST(CrashLoopBreaker, ZeroDeathsMeansNeverTrip) {
  CrashLoopBreaker breaker(0, seconds(10));
  for (int i = 0; i < 100; ++i) breaker.RecordDeath(kT0);
  EXPECT_FALSE(breaker.Tripped());
}

}  // namespace
}  // namespace taskfarm::supervise
