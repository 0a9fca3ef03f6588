// Tests of supervise::SlotBook, the pure half of supervision, with fake
// processes: the pace of spawns (at most max_starting not yet ready), a
// failed spawn as a death at once, the kill escalation, a slot without a
// child, and give-up. No process is started.

#include "supervise/slot_book.h"

#include <signal.h>

#include <chrono>
#include <map>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "tests/testutil/printers.h"

namespace taskfarm::supervise {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class FakeProcesses : public SlotActions {
 public:
  absl::StatusOr<pid_t> Spawn(int slot) override {
    spawned.push_back(slot);
    if (fail) return absl::ResourceExhaustedError("fork: Resource temporarily unavailable");
    return next_pid++;
  }
  void Signal(int slot, pid_t pid, int signal) override {
    signals.push_back({slot, signal});
    EXPECT_GT(pid, 0);
  }

  bool fail = false;
  pid_t next_pid = 100;
  std::vector<int> spawned;
  std::vector<std::pair<int, int>> signals;  // slot, signal
};

class SlotBookTest : public testing::Test {
 protected:
  SlotBook& Book(RestartPolicy policy = {}) {
    book_.emplace(policy, &fake_);
    return *book_;
  }

  base::Instant now_ = base::Instant{} + std::chrono::hours(1);
  FakeProcesses fake_;
  std::optional<SlotBook> book_;
};

TEST_F(SlotBookTest, AtMostMaxStartingAreSpawnedBeforeTheyAreReady) {
  SlotBook& book = Book({.max_starting = 2});
  for (int i = 0; i < 5; ++i) book.Start(book.Add(), now_);
  EXPECT_EQ(fake_.spawned, (std::vector<int>{0, 1}));
  EXPECT_EQ(book.state(2), ChildState::kPending);
  EXPECT_EQ(book.pid(2), 0);
  book.Ready(0, now_);  // one said hello: the next may start
  EXPECT_EQ(fake_.spawned, (std::vector<int>{0, 1, 2}));
  book.Exited(1, ExitStatus{false, 1}, now_);  // one died: so may another
  EXPECT_EQ(fake_.spawned, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(book.starting(), 2);
  EXPECT_EQ(book.state(4), ChildState::kPending);
}

TEST_F(SlotBookTest, StopCancelsAPendingSlot) {
  SlotBook& book = Book({.max_starting = 1});
  int a = book.Add(), b = book.Add();
  book.Start(a, now_);
  book.Start(b, now_);
  book.Stop(b, now_, SIGTERM, seconds(1));
  EXPECT_EQ(book.state(b), ChildState::kDown);
  book.Ready(a, now_);
  EXPECT_EQ(fake_.spawned, (std::vector<int>{a}));
  EXPECT_TRUE(fake_.signals.empty()) << "a slot without a child was signalled";
}

TEST_F(SlotBookTest, FailedSpawnIsADeathAtOnce) {
  SlotBook& book = Book();
  fake_.fail = true;
  int slot = book.Add();
  book.Start(slot, now_);
  EXPECT_EQ(book.state(slot), ChildState::kBackoff);
  std::vector<Death> deaths = book.TakeDeaths();
  ASSERT_EQ(deaths.size(), 1u);
  EXPECT_EQ(deaths[0].slot, slot);
  EXPECT_EQ(deaths[0].pid, 0);
  EXPECT_EQ(deaths[0].spawn_error, "fork: Resource temporarily unavailable");
  EXPECT_TRUE(book.TakeDeaths().empty());
  EXPECT_EQ(book.starting(), 0) << "a failed spawn holds no turn";
}

TEST_F(SlotBookTest, FailedSpawnsBackOffAndFreeTheirTurn) {
  SlotBook& book = Book({.min_delay = milliseconds(100),
                         .max_delay = seconds(1),
                         .max_starting = 1});
  fake_.fail = true;
  int a = book.Add(), b = book.Add();
  book.Start(a, now_);
  book.Start(b, now_);
  EXPECT_EQ(fake_.spawned, (std::vector<int>{a, b}));
  EXPECT_EQ(book.TakeDeaths().size(), 2u);
  book.Tick(now_);  // first restarts: no delay
  EXPECT_EQ(book.TakeDeaths().size(), 2u);
  EXPECT_EQ(book.NextDeadline(), now_ + milliseconds(100));
}

TEST_F(SlotBookTest, StopEscalatesToSigkillAtTheDeadline) {
  SlotBook& book = Book();
  int slot = book.Add();
  book.Start(slot, now_);
  book.Ready(slot, now_);
  book.Stop(slot, now_, SIGTERM, seconds(2));
  EXPECT_EQ(book.state(slot), ChildState::kStopping);
  EXPECT_EQ(book.NextDeadline(), now_ + seconds(2));
  book.Tick(now_ + seconds(1));
  EXPECT_EQ(book.state(slot), ChildState::kStopping);
  book.Tick(now_ + seconds(2));
  EXPECT_EQ(book.state(slot), ChildState::kKilling);
  EXPECT_EQ(fake_.signals,
            (std::vector<std::pair<int, int>>{{slot, SIGTERM}, {slot, SIGKILL}}));
  EXPECT_FALSE(book.NextDeadline().has_value());
  book.Exited(slot, ExitStatus{true, SIGKILL}, now_ + seconds(2));
  EXPECT_EQ(book.state(slot), ChildState::kDown);
  std::vector<Death> deaths = book.TakeDeaths();
  ASSERT_EQ(deaths.size(), 1u);
  EXPECT_TRUE(deaths[0].was_stopping);
  EXPECT_TRUE(deaths[0].was_ready);
  EXPECT_TRUE(book.AllExited());
}

TEST_F(SlotBookTest, AChildThatIsNotReadyInTimeIsKilledAndItsDeathCounts) {
  SlotBook& book = Book();
  int slot = book.Add(/*ready_timeout=*/seconds(30));
  book.Start(slot, now_);
  EXPECT_EQ(book.NextDeadline(), now_ + seconds(30));
  book.Tick(now_ + seconds(30));
  EXPECT_EQ(book.state(slot), ChildState::kHung);
  EXPECT_EQ(fake_.signals, (std::vector<std::pair<int, int>>{{slot, SIGKILL}}));
  book.Exited(slot, ExitStatus{true, SIGKILL}, now_ + seconds(30));
  std::vector<Death> deaths = book.TakeDeaths();
  ASSERT_EQ(deaths.size(), 1u);
  EXPECT_FALSE(deaths[0].was_stopping) << "nobody asked it to stop";
  EXPECT_FALSE(deaths[0].was_ready);
  EXPECT_EQ(book.state(slot), ChildState::kBackoff);
}

TEST_F(SlotBookTest, AReadyChildHasNoReadyDeadline) {
  SlotBook& book = Book();
  int slot = book.Add(/*ready_timeout=*/seconds(30));
  book.Start(slot, now_);
  book.Ready(slot, now_ + seconds(1));
  EXPECT_FALSE(book.NextDeadline().has_value());
}

TEST_F(SlotBookTest, ExitOfASlotWithoutAChildIsIgnored) {
  SlotBook& book = Book();
  int slot = book.Add();
  book.Exited(slot, ExitStatus{false, 0}, now_);
  EXPECT_TRUE(book.TakeDeaths().empty());
  EXPECT_EQ(book.state(slot), ChildState::kDown);
}

TEST_F(SlotBookTest, GiveUpFailsWaitingSlotsAndLetsRunningOnesEnd) {
  SlotBook& book = Book({.max_starting = 1});
  int running = book.Add(), waiting = book.Add();
  book.Start(running, now_);
  book.Start(waiting, now_);
  book.GiveUp(now_);
  EXPECT_EQ(book.state(waiting), ChildState::kFailed);
  EXPECT_EQ(book.state(running), ChildState::kLastUp);
  book.Exited(running, ExitStatus{true, SIGSEGV}, now_);
  EXPECT_EQ(book.state(running), ChildState::kFailed);
  EXPECT_FALSE(book.NextDeadline().has_value());
  EXPECT_EQ(fake_.spawned, (std::vector<int>{running}));
  EXPECT_TRUE(book.AllExited());
}

}  // namespace
}  // namespace taskfarm::supervise
