// Unit tests of master::Dispatcher, the scheduling core, in normal running:
// the credit window, adaptive batch sizes, which results it accepts, and its
// bookkeeping. What happens when workers die is in
// dispatcher_recovery_test.cc. Batches are built and committed by
// testutil::DispatcherHarness as master::Session does; no sockets, no
// processes, no clock.

#include "master/dispatcher.h"

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "gtest/gtest.h"
#include "proto/batch.h"
#include "proto/messages.h"
#include "tests/testutil/dispatcher_fixture.h"
#include "tests/testutil/dispatcher_harness.h"
#include "tests/testutil/printers.h"

namespace taskfarm::master {
namespace {

using ::taskfarm::testutil::Crash;
using ::taskfarm::testutil::SentBatch;
using DispatcherTest = ::taskfarm::testutil::DispatcherFixture;

// --- Credit -----------------------------------------------------------------

TEST_F(DispatcherTest, GrantsAtMostWindowBatchesToOneWorker) {
  Use({.window = 3});
  Add(1);
  EXPECT_EQ(h().SendAll().size(), 3u);
  EXPECT_EQ(d().outstanding_batches(), 3u);
  EXPECT_FALSE(d().NextGrant(/*fresh_available=*/true).has_value());
}

TEST_F(DispatcherTest, OnlyACompletedBatchFreesCredit) {
  Use({.window = 2});
  AddMeasuredWorkers(1, 4);
  std::vector<SentBatch> sent = h().SendAll();
  ASSERT_EQ(sent.size(), 2u);
  ASSERT_EQ(sent[0].size(), 4u);

  ASSERT_TRUE(h().Report(sent[0], 0, 3));
  EXPECT_FALSE(d().NextGrant(true).has_value())
      << "3 of 4 results freed credit";

  ASSERT_TRUE(h().Report(sent[0], 3, 1));
  EXPECT_EQ(h().SendAll().size(), 1u);
}

TEST_F(DispatcherTest, GrantsRotateAmongWorkers) {
  Use({.window = 2});
  for (WorkerId w : {1u, 2u, 3u}) Add(w);
  std::vector<WorkerId> order;
  for (const SentBatch& b : h().SendAll()) order.push_back(b.worker);
  EXPECT_EQ(order, (std::vector<WorkerId>{1, 2, 3, 1, 2, 3}));
}

TEST_F(DispatcherTest, NoGrantWithoutWorkers) {
  EXPECT_FALSE(d().NextGrant(true).has_value());
}

TEST_F(DispatcherTest, RemovedWorkerGetsNoGrant) {
  Add(1);
  Add(2);
  EXPECT_TRUE(d().RemoveWorker(1, Crash()).empty());
  std::vector<SentBatch> sent = h().SendAll();
  EXPECT_EQ(sent.size(), 2u);
  for (const SentBatch& b : sent) EXPECT_EQ(b.worker, 2u);
}

TEST_F(DispatcherTest, NoGrantWhenNothingIsLeftToSend) {
  Use({}, /*fresh=*/0);
  Add(1);
  EXPECT_FALSE(d().NextGrant(/*fresh_available=*/false).has_value());
  EXPECT_TRUE(d().Idle());
}

TEST_F(DispatcherTest, WorkerWithNothingToDoLaterGetsRequeuedTasks) {
  // retries = 1: a struck task is quarantined at once and never waits to be
  // run alone, so only the innocent requeued batch is left to send.
  Use({.window = 2, .retries = 1}, /*fresh=*/3);
  Add(1);
  Add(2);
  std::vector<SentBatch> sent = h().SendAll();  // 1:[0] 2:[1] 1:[2]
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_FALSE(d().NextGrant(false).has_value());

  std::vector<LooseTask> quarantined = d().RemoveWorker(1, Crash());
  ASSERT_EQ(quarantined.size(), 1u);
  EXPECT_EQ(quarantined[0].id, 0u);

  std::optional<SentBatch> again = SendExpecting(2);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->ids, (std::vector<uint64_t>{2}));
  EXPECT_EQ(again->attempts, (std::vector<uint32_t>{1}));
}

TEST_F(DispatcherTest, ReturnGivesTheGrantBack) {
  Use({.window = 1});
  Add(1);
  std::optional<Dispatcher::Grant> grant = d().NextGrant(true);
  ASSERT_TRUE(grant.has_value());
  EXPECT_FALSE(d().NextGrant(true).has_value()) << "granted twice";

  d().Return(*grant);
  std::optional<Dispatcher::Grant> again = d().NextGrant(true);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->worker, 1u);
  EXPECT_EQ(d().outstanding_batches(), 0u);
}

// --- Batch size -------------------------------------------------------------

TEST_F(DispatcherTest, FirstBatchOfEveryWorkerHasOneTask) {
  AddMeasuredWorkers(1, 100);
  Add(2);
  std::vector<SentBatch> sent = h().SendAll();
  ASSERT_EQ(sent.size(), 4u);
  for (const SentBatch& b : sent) {
    SCOPED_TRACE(testing::Message() << "worker " << b.worker);
    EXPECT_EQ(b.max_tasks, b.worker == 1 ? 100u : 1u);
  }
}

TEST_F(DispatcherTest, BatchSizeAimsAtTargetBatchTime) {
  struct Case {
    uint64_t us_per_task;
    uint32_t expected;
  };
  // target 2 ms, max_batch 1024
  const Case cases[] = {{5000, 1}, {2000, 1}, {500, 4}, {100, 20},
                        {10, 200}, {1, 1024}, {0, 1024}};
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message() << c.us_per_task << " us per task");
    Use({.max_batch = 1024});
    Add(1);
    std::optional<SentBatch> first = h().Send();
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->max_tasks, 1u);
    ASSERT_TRUE(h().Report(*first, 0, 1, c.us_per_task));
    std::optional<SentBatch> next = h().Send();
    ASSERT_TRUE(next.has_value());
    EXPECT_EQ(next->max_tasks, c.expected);
    EXPECT_EQ(next->size(), c.expected);
  }
}

TEST_F(DispatcherTest, BatchSizeIsCappedByMaxBatch) {
  Use({.max_batch = 8});
  AddMeasuredWorkers(1, 500);
  std::optional<SentBatch> b = h().Send();
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->size(), 8u);
}

TEST_F(DispatcherTest, BatchesShrinkToAShareOfWhatIsLeft) {
  // Two workers measured at 100 tasks per batch; 100 fresh tasks after the
  // two measuring ones. Each grant is at most half of what is left split
  // between the two workers: 25, 18, 14, ... down to 1, never 100.
  Use({.window = 1}, /*fresh=*/102);
  AddMeasuredWorkers(2, 100);
  h().TellTasksLeft();
  uint64_t left = 100;
  std::vector<uint32_t> sizes;
  while (std::optional<SentBatch> b = h().Send()) {
    EXPECT_EQ(b->size(), std::max<uint64_t>(1, left / 4)) << "left " << left;
    left -= b->size();
    sizes.push_back(b->size());
    ASSERT_TRUE(h().Report(*b, 0, b->size(), 20));
  }
  EXPECT_EQ(left, 0u);
  ASSERT_GE(sizes.size(), 2u);
  EXPECT_EQ(sizes.front(), 25u);
  EXPECT_EQ(sizes.back(), 1u);
}

TEST_F(DispatcherTest, TimePerTaskIsMeasuredPerChunkAndMovesTowardNewSpeed) {
  Use({.window = 1});
  AddMeasuredWorkers(1, 200);  // 10 us per task
  // Tasks now take 50 us: the size moves from 200 toward 2 ms / 50 us = 40.
  uint32_t size = 200;
  for (int i = 0; i < 60; ++i) {
    std::optional<SentBatch> b = h().Send();
    ASSERT_TRUE(b.has_value());
    ASSERT_EQ(b->size(), size);
    ASSERT_TRUE(h().Report(*b, 0, b->size(), 50 * uint64_t{b->size()}));
    std::optional<Dispatcher::Grant> g = d().NextGrant(true);
    ASSERT_TRUE(g.has_value());
    d().Return(*g);
    if (i == 0) {
      EXPECT_LT(g->max_tasks, 200u);
      EXPECT_GT(g->max_tasks, 40u);
    }
    EXPECT_LE(g->max_tasks, size) << "moved away from the new speed";
    size = g->max_tasks;
  }
  EXPECT_EQ(size, 40u);
}

// --- Results ----------------------------------------------------------------

class DispatcherResultsTest : public DispatcherTest {
 protected:
  void SetUp() override {
    AddMeasuredWorkers(2, 4);
    std::optional<SentBatch> b = SendExpecting(1);
    ASSERT_TRUE(b.has_value());
    ASSERT_EQ(b->size(), 4u);
    batch_ = *b;
  }
  SentBatch batch_;
};

TEST_F(DispatcherResultsTest, AcceptsInOrderChunks) {
  EXPECT_TRUE(h().Report(batch_, 0, 1));
  EXPECT_TRUE(h().Report(batch_, 1, 2));
  EXPECT_EQ(d().Running(1), std::make_pair(batch_.batch_id, uint32_t{3}));
  EXPECT_TRUE(h().Report(batch_, 3, 1));
  EXPECT_EQ(d().outstanding_batches(), 0u);
}

TEST_F(DispatcherResultsTest, RejectsChunksThatDoNotFollowOn) {
  ASSERT_TRUE(h().Report(batch_, 0, 1));
  struct Case {
    const char* what;
    uint32_t offset, count;
  };
  const Case cases[] = {
      {"repeat", 0, 1},   {"gap", 2, 1},   {"past the end", 4, 1},
      {"overlong", 1, 4}, {"empty", 1, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_FALSE(h().Report(batch_, c.offset, c.count));
  }
  // None of them moved the batch on.
  EXPECT_TRUE(h().Report(batch_, 1, 3));
}

TEST_F(DispatcherResultsTest, RejectsResultsFromAnotherWorker) {
  EXPECT_FALSE(h().ReportAs(2, batch_, 0, 4));
  EXPECT_TRUE(h().Report(batch_, 0, 4));
}

TEST_F(DispatcherResultsTest, RejectsUnknownBatch) {
  SentBatch bogus = batch_;
  bogus.batch_id += 1000;
  EXPECT_FALSE(h().Report(bogus, 0, 1));
}

TEST_F(DispatcherResultsTest, RejectsResultsOfARequeuedBatch) {
  ASSERT_TRUE(h().Report(batch_, 0, 1));
  d().RemoveWorker(1, Crash());
  EXPECT_FALSE(h().Report(batch_, 1, 3));
  EXPECT_FALSE(h().ReportAs(2, batch_, 1, 3));
}

TEST_F(DispatcherResultsTest, RejectsResultsOfACompletedBatch) {
  ASSERT_TRUE(h().Report(batch_, 0, 4));
  EXPECT_FALSE(h().Report(batch_, 0, 4));
}

// --- Bookkeeping ------------------------------------------------------------

TEST_F(DispatcherTest, IdleAndLowestPendingIdFollowTheTasks) {
  Use({.window = 2}, /*fresh=*/18);
  EXPECT_TRUE(d().Idle());
  EXPECT_FALSE(d().LowestPendingId().has_value());
  AddMeasuredWorkers(2, 4);                     // ids 0 and 1
  std::vector<SentBatch> sent = h().SendAll();  // 1:2-5 2:6-9 1:10-13 2:14-17
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_FALSE(d().Idle());
  EXPECT_EQ(d().LowestPendingId(), 2u);

  ASSERT_TRUE(h().Report(sent[0], 0, 4));
  EXPECT_EQ(d().LowestPendingId(), 6u);
  d().RemoveWorker(1, Crash());  // 10-13 become suspects
  ASSERT_TRUE(h().Report(sent[1], 0, 4));
  EXPECT_EQ(d().LowestPendingId(), 10u);
  EXPECT_FALSE(d().Idle());

  ASSERT_TRUE(h().Report(sent[3], 0, 4));
  RunToEnd();
  EXPECT_TRUE(d().Idle());
  EXPECT_FALSE(d().LowestPendingId().has_value());
}

TEST_F(DispatcherTest, RunningNamesTheOldestUnfinishedTask) {
  Use({.window = 2});
  AddMeasuredWorkers(1, 4);
  EXPECT_FALSE(d().Running(1).has_value());
  EXPECT_FALSE(d().Running(7).has_value());
  std::vector<SentBatch> sent = h().SendAll();
  ASSERT_EQ(sent.size(), 2u);
  ASSERT_TRUE(h().Report(sent[0], 0, 3));
  EXPECT_EQ(d().Running(1), std::make_pair(sent[0].batch_id, uint32_t{3}));
  ASSERT_TRUE(h().Report(sent[0], 3, 1));
  EXPECT_EQ(d().Running(1), std::make_pair(sent[1].batch_id, uint32_t{0}));
}

// Issue 10 item 8: a negative --batch-time made grants overflow; a batch
// too large for a frame could not even be read back to requeue it, and
// the master aborted on a failed CHECK when its worker was removed.
TEST_F(DispatcherTest, BatchesStayWithinAFrameWhateverTheOptions) {
  for (auto target : {std::chrono::milliseconds(-5), std::chrono::milliseconds(0),
                      std::chrono::milliseconds(100000)}) {
    SCOPED_TRACE(target.count());
    Use({.max_batch = 1u << 30});
    h_.emplace(master::Dispatcher::Options{.target_batch_time = target,
                                           .max_batch = 1u << 30},
               /*fresh=*/1u << 20);
    Add(1);
    std::optional<SentBatch> first = h().Send();
    ASSERT_TRUE(first.has_value());
    ASSERT_TRUE(h().Report(*first, 0, 1, /*elapsed_us=*/0));
    std::optional<SentBatch> b = h().Send();
    ASSERT_TRUE(b.has_value());
    EXPECT_GE(b->size(), 1u);
    EXPECT_LE(b->size(), proto::kMaxBatchSize);
    d().RemoveWorker(1, Crash());  // reads the batch back: must not abort
    EXPECT_EQ(d().requeued(), b->size());
  }
}

TEST(DispatcherDeathTest, CommittingAnEmptyBatchIsABug) {
  Dispatcher d({});
  d.AddWorker(1, 1001);
  std::optional<Dispatcher::Grant> g = d.NextGrant(true);
  ASSERT_TRUE(g.has_value());
  EXPECT_DEATH_IF_SUPPORTED(
      d.Commit(*g, std::make_shared<const std::string>(), 0, 0),
      "check failed: count > 0");
}

}  // namespace
}  // namespace taskfarm::master
