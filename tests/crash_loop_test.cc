// Tests of supervise::CrashLoopBreaker: it trips at N deaths within the
// window, forgets deaths that fall out of it, and is reset by a success.
// Time is passed in; no clock is read.

#include "supervise/crash_loop.h"

#include <chrono>
#include <initializer_list>

#include "gtest/gtest.h"

namespace taskfarm::supervise {
namespace {

using std::chrono::seconds;

const base::Instant kT0 = base::Instant{} + std::chrono::hours(1);

// Records a death at each of `at` (seconds after kT0).
void DeathsAt(CrashLoopBreaker& breaker, std::initializer_list<int> at) {
  for (int s : at) breaker.RecordDeath(kT0 + seconds(s));
}

TEST(CrashLoopBreaker, TripsAtTheNthDeathWithinTheWindow) {
  CrashLoopBreaker breaker(3, seconds(10));
  DeathsAt(breaker, {0, 1});
  EXPECT_FALSE(breaker.Tripped());
  DeathsAt(breaker, {2});
  EXPECT_TRUE(breaker.Tripped());
  EXPECT_EQ(breaker.recent_deaths(), 3u);
  DeathsAt(breaker, {3});
  EXPECT_TRUE(breaker.Tripped());
}

TEST(CrashLoopBreaker, DeathsOlderThanTheWindowDoNotCount) {
  CrashLoopBreaker breaker(3, seconds(10));
  DeathsAt(breaker, {0, 1, 12});  // the first two are 11+ s old at 12
  EXPECT_FALSE(breaker.Tripped());
  EXPECT_EQ(breaker.recent_deaths(), 1u);
}

TEST(CrashLoopBreaker, ADeathExactlyAWindowAgoStillCounts) {
  CrashLoopBreaker breaker(2, seconds(10));
  DeathsAt(breaker, {0, 10});
  EXPECT_TRUE(breaker.Tripped());
}

TEST(CrashLoopBreaker, SuccessForgetsTheDeaths) {
  CrashLoopBreaker breaker(3, seconds(10));
  DeathsAt(breaker, {0, 1});
  breaker.RecordSuccess();
  EXPECT_EQ(breaker.recent_deaths(), 0u);
  DeathsAt(breaker, {2, 3});
  EXPECT_FALSE(breaker.Tripped());
  DeathsAt(breaker, {4});
  EXPECT_TRUE(breaker.Tripped());
}

TEST(CrashLoopBreaker, ZeroDeathsMeansNeverTrip) {
  CrashLoopBreaker breaker(0, seconds(10));
  for (int i = 0; i < 100; ++i) breaker.RecordDeath(kT0);
  EXPECT_FALSE(breaker.Tripped());
}

}  // namespace
}  // namespace taskfarm::supervise
