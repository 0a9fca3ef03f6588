// Tests of supervise::Supervisor: restart delays (0, min, 2 x min, ...
// capped at max) driven with a fake `now`, their reset by useful work or a
// stable uptime, RestartSoon, Stop (with SIGKILL at the grace deadline),
// GiveUp, and the destructor. Repeated deaths come from /bin/false; a path
// that cannot be executed is a death at once (reported at the next Reap);
// behaviour that needs a live child uses /bin/sh and sleep. The pure rules
// alone are in slot_book_test.cc.

#include "supervise/supervisor.h"

#include <signal.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testutil/children.h"
#include "tests/testutil/files.h"
#include "tests/testutil/printers.h"
#include "tests/testutil/wait.h"

namespace taskfarm::supervise {

namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const std::vector<std::string> kCannotRun = {"/nonexistent/taskfarm-worker"};
const std::vector<std::string> kExitsAtOnce = {"/bin/false"};
const std::vector<std::string> kSleeps = testutil::SleepsForever();

class SupervisorTest : public testing::Test {
 protected:
  SupervisorTest() : sup_(Policy(), Spawn()) {}

  static RestartPolicy Policy() {
    RestartPolicy p;
    p.min_delay = milliseconds(100);
    p.max_delay = seconds(1);
    p.stable_uptime = seconds(10);
    return p;
  }
  static SpawnOptions Spawn() {
    SpawnOptions o;
    o.stop_grace = milliseconds(100);  // for the destructor
    return o;
  }

  // Reaps until a death is reported: a real child takes a moment to exit.
  std::vector<Death> ReapDeaths() {
    std::vector<Death> deaths;
    EXPECT_TRUE(testutil::WaitUntil([&] {
      deaths = sup_.Reap(now_);
      return !deaths.empty();
    }));
    return deaths;
  }

  // For a slot in backoff: how many milliseconds it waits; then moves time
  // there and restarts it.
  int64_t Restart(int slot) {
    EXPECT_EQ(sup_.state(slot), ChildState::kBackoff);
    std::optional<base::Instant> next = sup_.NextDeadline();
    EXPECT_TRUE(next.has_value());
    if (!next) return -1;
    const auto delay = std::chrono::duration_cast<milliseconds>(*next - now_);
    now_ = *next;
    const int restarts = sup_.restarts();
    sup_.Tick(now_);
    // Spawned again: running, or (a path that cannot run) dead again at once.
    EXPECT_EQ(sup_.restarts(), restarts + 1);
    return delay.count();
  }

  // The slot (whose child exits at once) dies; returns its restart delay.
  int64_t DieAndRestart(int slot) {
    std::vector<Death> deaths = ReapDeaths();
    EXPECT_EQ(deaths.size(), 1u);
    return Restart(slot);
  }

  std::vector<int64_t> RestartDelays(int slot, int deaths) {
    std::vector<int64_t> delays;
    for (int i = 0; i < deaths; ++i) delays.push_back(DieAndRestart(slot));
    return delays;
  }

  base::Instant now_ = base::Instant{} + std::chrono::hours(1);
  Supervisor sup_;
};

using Delays = std::vector<int64_t>;  // milliseconds

TEST_F(SupervisorTest, QuickDeathsBackOffExponentiallyUpToTheMaximum) {
  int slot = sup_.Add("worker", kExitsAtOnce);
  sup_.Start(slot, now_);
  EXPECT_EQ(RestartDelays(slot, 8),
            (Delays{0, 100, 200, 400, 800, 1000, 1000, 1000}));
  EXPECT_EQ(sup_.restarts(), 8);
}

TEST_F(SupervisorTest, SpawnFailureIsReportedAsADeath) {
  int slot = sup_.Add("worker", kCannotRun);
  sup_.Start(slot, now_);
  EXPECT_EQ(sup_.pid(slot), 0);
  std::vector<Death> deaths = sup_.Reap(now_);
  ASSERT_EQ(deaths.size(), 1u);
  EXPECT_EQ(deaths[0].slot, slot);
  EXPECT_EQ(deaths[0].pid, 0);
  EXPECT_EQ(deaths[0].status, (ExitStatus{false, 127}));
  EXPECT_EQ(
      deaths[0].spawn_error,
      "cannot run /nonexistent/taskfarm-worker: No such file or directory");
  EXPECT_FALSE(deaths[0].was_ready);
  EXPECT_TRUE(sup_.Reap(now_).empty()) << "one failure reported twice";
}

TEST_F(SupervisorTest, UsefulWorkResetsTheBackoff) {
  int slot = sup_.Add("worker", kExitsAtOnce);
  sup_.Start(slot, now_);
  EXPECT_EQ(RestartDelays(slot, 4), (Delays{0, 100, 200, 400}));
  sup_.Productive(slot);
  EXPECT_EQ(RestartDelays(slot, 3), (Delays{0, 100, 200}));
}

TEST_F(SupervisorTest, AStableUptimeResetsTheBackoff) {
  int slot = sup_.Add("worker", kExitsAtOnce);
  sup_.Start(slot, now_);
  EXPECT_EQ(RestartDelays(slot, 3), (Delays{0, 100, 200}));
  now_ += seconds(9);  // not quite stable
  EXPECT_EQ(DieAndRestart(slot), 400);
  now_ += seconds(10);
  EXPECT_EQ(RestartDelays(slot, 2), (Delays{0, 100}));
}

TEST_F(SupervisorTest, RestartSoonSkipsOneDelay) {
  int slot = sup_.Add("worker", kExitsAtOnce);
  sup_.Start(slot, now_);
  EXPECT_EQ(RestartDelays(slot, 3), (Delays{0, 100, 200}));
  sup_.RestartSoon(slot, now_);
  // Still a quick death: the next delay goes on growing.
  EXPECT_EQ(RestartDelays(slot, 2), (Delays{0, 800}));
}

TEST_F(SupervisorTest, RestartSoonAfterDeathForgivesIt) {
  int slot = sup_.Add("worker", kExitsAtOnce);
  sup_.Start(slot, now_);
  EXPECT_EQ(RestartDelays(slot, 3), (Delays{0, 100, 200}));
  // Dead and waiting 400 ms: forgiven, it restarts now and the backoff
  // starts over.
  ASSERT_EQ(ReapDeaths().size(), 1u);
  ASSERT_EQ(sup_.state(slot), ChildState::kBackoff);
  sup_.RestartSoon(slot, now_);
  ASSERT_EQ(sup_.NextDeadline(), now_);
  const int restarts = sup_.restarts();
  sup_.Tick(now_);
  EXPECT_EQ(sup_.restarts(), restarts + 1);
  EXPECT_EQ(RestartDelays(slot, 2), (Delays{0, 100}));
}

TEST_F(SupervisorTest, RestartsAChildThatExited) {
  int slot = sup_.Add("worker", {"/bin/sh", "-c", "exit 3"});
  sup_.Start(slot, now_);
  const pid_t first = sup_.pid(slot);
  ASSERT_GT(first, 0);
  EXPECT_EQ(sup_.SlotOfPid(first), slot);
  std::vector<Death> deaths = ReapDeaths();
  ASSERT_EQ(deaths.size(), 1u);
  EXPECT_EQ(deaths[0].slot, slot);
  EXPECT_EQ(deaths[0].pid, first);
  EXPECT_EQ(deaths[0].status, (ExitStatus{false, 3}));
  EXPECT_FALSE(deaths[0].was_ready);
  EXPECT_FALSE(deaths[0].was_stopping);
  EXPECT_TRUE(deaths[0].spawn_error.empty());
  EXPECT_FALSE(sup_.SlotOfPid(first).has_value());

  EXPECT_EQ(Restart(slot), 0);
  EXPECT_GT(sup_.pid(slot), 0);
  EXPECT_NE(sup_.pid(slot), first);
}

TEST_F(SupervisorTest, DeathOfAReadyChildSaysSo) {
  int slot = sup_.Add("worker", kSleeps);
  sup_.Start(slot, now_);
  sup_.Ready(slot, now_);
  EXPECT_EQ(sup_.state(slot), ChildState::kUp);
  sup_.Kill(slot, SIGKILL);
  std::vector<Death> deaths = ReapDeaths();
  ASSERT_EQ(deaths.size(), 1u);
  EXPECT_TRUE(deaths[0].was_ready);
  EXPECT_EQ(deaths[0].status, (ExitStatus{true, SIGKILL}));
  EXPECT_EQ(sup_.state(slot), ChildState::kBackoff);
}

TEST_F(SupervisorTest, StopDuringBackoffCancelsTheRestart) {
  int slot = sup_.Add("worker", kCannotRun);
  sup_.Start(slot, now_);
  ASSERT_EQ(sup_.Reap(now_).size(), 1u);
  ASSERT_EQ(sup_.state(slot), ChildState::kBackoff);
  sup_.Stop(slot, now_, SIGTERM, seconds(1));
  EXPECT_EQ(sup_.state(slot), ChildState::kDown);
  EXPECT_FALSE(sup_.NextDeadline().has_value());
  sup_.Tick(now_ + std::chrono::hours(1));
  EXPECT_EQ(sup_.state(slot), ChildState::kDown);
  EXPECT_EQ(sup_.restarts(), 0);
}

TEST_F(SupervisorTest, StoppedChildIsNotRestarted) {
  int slot = sup_.Add("worker", kSleeps);
  sup_.Start(slot, now_);
  sup_.Stop(slot, now_, SIGTERM, seconds(5));
  EXPECT_EQ(sup_.state(slot), ChildState::kStopping);
  EXPECT_TRUE(sup_.NextDeadline() == now_ + seconds(5));
  std::vector<Death> deaths = ReapDeaths();
  ASSERT_EQ(deaths.size(), 1u);
  EXPECT_TRUE(deaths[0].was_stopping);
  EXPECT_EQ(deaths[0].status, (ExitStatus{true, SIGTERM}));
  EXPECT_EQ(sup_.state(slot), ChildState::kDown);
  EXPECT_FALSE(sup_.NextDeadline().has_value());
  sup_.Tick(now_ + std::chrono::hours(1));
  EXPECT_EQ(sup_.state(slot), ChildState::kDown);
  EXPECT_TRUE(sup_.AllExited());
}

TEST_F(SupervisorTest, StopKillsAChildStillRunningAtTheGraceDeadline) {
  const std::string ready = testutil::TempPath("ready");
  int slot = sup_.Add("worker", testutil::IgnoresSigterm(ready));
  sup_.Start(slot, now_);
  ASSERT_TRUE(testutil::WaitUntil([&] { return testutil::FileExists(ready); }));
  sup_.Stop(slot, now_, SIGTERM, seconds(2));
  sup_.Tick(now_ + seconds(1));
  EXPECT_TRUE(sup_.Reap(now_).empty()) << "killed before its grace ran out";
  now_ += seconds(2);
  sup_.Tick(now_);
  EXPECT_EQ(sup_.state(slot), ChildState::kKilling);
  std::vector<Death> deaths = ReapDeaths();
  ASSERT_EQ(deaths.size(), 1u);
  EXPECT_EQ(deaths[0].status, (ExitStatus{true, SIGKILL}));
  EXPECT_TRUE(deaths[0].was_stopping);
  EXPECT_EQ(sup_.state(slot), ChildState::kDown);
}

TEST_F(SupervisorTest, StopWithoutASignalOnlySetsTheDeadline) {
  int slot = sup_.Add("worker", kSleeps);
  sup_.Start(slot, now_);
  sup_.Stop(slot, now_, /*signal=*/0, seconds(1));
  now_ += seconds(1);
  sup_.Tick(now_);
  std::vector<Death> deaths = ReapDeaths();
  ASSERT_EQ(deaths.size(), 1u);
  EXPECT_EQ(deaths[0].status, (ExitStatus{true, SIGKILL}))
      << "it was sent SIGTERM";
}

TEST_F(SupervisorTest, ASlotWaitingToRestartHasNotExited) {
  int slot = sup_.Add("broken", kCannotRun);
  sup_.Start(slot, now_);
  ASSERT_EQ(sup_.Reap(now_).size(), 1u);
  ASSERT_EQ(sup_.pid(slot), 0);
  EXPECT_EQ(sup_.state(slot), ChildState::kBackoff);
  EXPECT_FALSE(sup_.AllExited()) << "its replacement is still to come";
  sup_.Stop(slot, now_, SIGTERM, seconds(1));
  EXPECT_EQ(sup_.state(slot), ChildState::kDown);
  EXPECT_TRUE(sup_.AllExited());
}

TEST_F(SupervisorTest, GiveUpEndsEverySlotFailed) {
  int backing_off = sup_.Add("broken", kCannotRun);
  int running = sup_.Add("worker", kSleeps);
  sup_.Start(backing_off, now_);
  sup_.Start(running, now_);
  ASSERT_EQ(sup_.Reap(now_).size(), 1u);

  sup_.GiveUp(now_);
  EXPECT_EQ(sup_.state(backing_off), ChildState::kFailed);
  EXPECT_EQ(sup_.state(running), ChildState::kLastUp);
  EXPECT_FALSE(sup_.NextDeadline().has_value()) << "a restart is still due";
  // The running child is left to the caller's Stop, and is not restarted.
  EXPECT_GT(sup_.pid(running), 0);
  sup_.Stop(running, now_, SIGTERM, seconds(5));
  std::vector<Death> deaths = ReapDeaths();
  ASSERT_EQ(deaths.size(), 1u);
  EXPECT_EQ(deaths[0].status, (ExitStatus{true, SIGTERM}));
  EXPECT_EQ(sup_.state(running), ChildState::kDown);
  EXPECT_FALSE(sup_.NextDeadline().has_value());
  sup_.Start(running, now_);
  EXPECT_EQ(sup_.state(running), ChildState::kFailed);
  EXPECT_EQ(sup_.pid(running), 0);
}

TEST(Supervisor, DestructorStopsEveryChild) {
  std::vector<pid_t> pids;
  {
    SpawnOptions spawn;
    spawn.stop_grace = milliseconds(100);
    Supervisor sup(RestartPolicy{}, spawn);
    const base::Instant now = base::Instant{} + std::chrono::hours(1);
    for (int i = 0; i < 3; ++i) {
      int slot = sup.Add("worker", kSleeps);
      sup.Start(slot, now);
      pids.push_back(sup.pid(slot));
      ASSERT_GT(pids.back(), 0);
    }
    EXPECT_FALSE(sup.AllExited());
  }
  for (pid_t pid : pids) {
    EXPECT_EQ(kill(pid, 0), -1) << pid << " outlived its supervisor";
    EXPECT_EQ(errno, ESRCH);
  }
}

}  // namespace
}  // namespace taskfarm::supervise
