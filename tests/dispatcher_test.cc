// Unit tests of master::Dispatcher, the scheduling core: the credit window,
// adaptive batch sizes, which results it accepts, and what happens to the
// tasks of a worker that dies (requeue, suspects, strikes, quarantine).
// Batches are built and committed by testutil::DispatcherHarness exactly as
// master::Session does; no sockets, no processes, no clock.

#include "master/dispatcher.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "gtest/gtest.h"
#include "proto/batch.h"
#include "proto/messages.h"
#include "tests/testutil/dispatcher_harness.h"
#include "tests/testutil/printers.h"

namespace taskfarm::master {
namespace {

using ::taskfarm::testutil::Crash;
using ::taskfarm::testutil::DispatcherHarness;
using ::taskfarm::testutil::SentBatch;

constexpr auto kTarget = std::chrono::milliseconds(2);  // target_batch_time

int64_t Pid(WorkerId w) { return static_cast<int64_t>(1000 + w); }

// The first `n` elements of `v` (all of them if it is shorter).
template <typename T>
std::vector<T> Prefix(const std::vector<T>& v, size_t n) {
  return std::vector<T>(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(
                                                   std::min(n, v.size())));
}

class DispatcherTest : public testing::Test {
 protected:
  DispatcherTest() { Use({}); }

  // Starts over with `options` and `fresh` tasks in the feed.
  void Use(Dispatcher::Options options, uint64_t fresh = UINT64_MAX,
           DispatcherHarness::MinId min_id = DispatcherHarness::MinId::kExact) {
    options.target_batch_time = kTarget;
    h_.emplace(options, fresh, min_id);
  }
  DispatcherHarness& h() { return *h_; }
  Dispatcher& d() { return h_->dispatcher(); }

  void Add(WorkerId w) { d().AddWorker(w, Pid(w)); }

  // Adds workers 1..n and measures each with one single-task batch, so that
  // their next batches hold `size` tasks. They end idle, in order 1..n.
  void AddMeasuredWorkers(WorkerId n, uint32_t size) {
    for (WorkerId w = 1; w <= n; ++w) Add(w);
    for (WorkerId w = 1; w <= n; ++w) {
      std::optional<SentBatch> b = h().Send();
      ASSERT_TRUE(b.has_value());
      ASSERT_EQ(b->worker, w);
      ASSERT_TRUE(h().Report(*b, 0, 1, 2000 / size));
    }
  }

  std::optional<SentBatch> SendExpecting(WorkerId w) {
    std::optional<SentBatch> b = h().Send();
    EXPECT_TRUE(b.has_value());
    if (b) {
      EXPECT_EQ(b->worker, w);
    }
    return b;
  }

  // Sends and completes batches until nothing is left (the feed must be
  // finite). Returns every attempt number each task id was sent with, and
  // fails the test if a batch holding several tasks was isolated.
  std::map<uint64_t, std::vector<uint32_t>> RunToEnd(
      std::vector<SentBatch>* sent = nullptr) {
    std::map<uint64_t, std::vector<uint32_t>> attempts;
    for (int round = 0; round < 10000 && (!d().Idle() || h().fresh_available());
         ++round) {
      std::vector<SentBatch> batches = h().SendAll();
      if (batches.empty()) break;
      for (const SentBatch& b : batches) {
        EXPECT_TRUE(!b.isolated || b.size() == 1);
        for (uint32_t i = 0; i < b.size(); ++i) {
          attempts[b.ids[i]].push_back(b.attempts[i]);
        }
        EXPECT_TRUE(h().Report(b, 0, b.size()));
        if (sent != nullptr) sent->push_back(b);
      }
    }
    EXPECT_TRUE(d().Idle());
    return attempts;
  }

  std::optional<DispatcherHarness> h_;
};

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

// --- Deaths -----------------------------------------------------------------

TEST_F(DispatcherTest, DeathStrikesTheLastUnfinishedTaskAndRequeuesQueuedOnes) {
  Use({.window = 2});
  AddMeasuredWorkers(2, 4);
  std::vector<SentBatch> sent = h().SendAll();  // 1:a 2:b 1:c 2:d
  ASSERT_EQ(sent.size(), 4u);
  const SentBatch& running = sent[0];
  const SentBatch& queued = sent[2];
  ASSERT_TRUE(h().Report(running, 0, 3));
  EXPECT_TRUE(d().RemoveWorker(1, Crash()).empty());

  // The struck task goes alone to a worker with nothing outstanding, marked
  // as its second attempt.
  Add(3);
  std::optional<SentBatch> alone = SendExpecting(3);
  ASSERT_TRUE(alone.has_value());
  EXPECT_TRUE(alone->isolated);
  EXPECT_EQ(alone->ids, (std::vector<uint64_t>{running.ids[3]}));
  EXPECT_EQ(alone->attempts, (std::vector<uint32_t>{2}));

  // The queued batch comes back first in the next normal batch, no strike.
  ASSERT_TRUE(h().Report(sent[1], 0, 4));
  std::optional<SentBatch> next = SendExpecting(2);
  ASSERT_TRUE(next.has_value());
  EXPECT_FALSE(next->isolated);
  EXPECT_EQ(Prefix(next->ids, 4), queued.ids);
  EXPECT_EQ(Prefix(next->attempts, 4), (std::vector<uint32_t>(4, 1)));
}

TEST_F(DispatcherTest, SeveralUnfinishedTasksBecomeSuspectsRunOneAtATime) {
  AddMeasuredWorkers(2, 4);
  std::optional<SentBatch> b = SendExpecting(1);
  ASSERT_TRUE(b.has_value());
  ASSERT_TRUE(h().Report(*b, 0, 1));
  ASSERT_TRUE(h().Report(*SendExpecting(2), 0, 4));  // 2 is idle again
  EXPECT_TRUE(d().RemoveWorker(1, Crash()).empty());
  EXPECT_EQ(d().requeued(), 3u);

  for (uint32_t i = 1; i < 4; ++i) {
    SCOPED_TRACE(testing::Message() << "suspect " << i);
    std::optional<SentBatch> s = h().Send();
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->worker, 2u);
    EXPECT_TRUE(s->isolated);
    EXPECT_EQ(s->ids, (std::vector<uint64_t>{b->ids[i]}));
    EXPECT_EQ(s->attempts, (std::vector<uint32_t>{1})) << "a suspect is struck";
    EXPECT_FALSE(h().Send().has_value())
        << "a worker running a suspect got more";
    ASSERT_TRUE(h().Report(*s, 0, 1));
  }
  EXPECT_EQ(d().requeued(), 0u);
  std::optional<SentBatch> normal = SendExpecting(2);
  ASSERT_TRUE(normal.has_value());
  EXPECT_FALSE(normal->isolated);
}

TEST_F(DispatcherTest, OnlyAsManyWorkersAsSuspectsDrainTheRestKeepWorking) {
  Use({.window = 2});
  AddMeasuredWorkers(5, 4);
  std::map<WorkerId, std::vector<SentBatch>> by_worker;
  for (const SentBatch& b : h().SendAll()) by_worker[b.worker].push_back(b);
  ASSERT_EQ(by_worker.size(), 5u);
  // Worker 1 dies with 2 unfinished tasks: two suspects, so two workers are
  // kept empty for them; its queued batch is innocent.
  const SentBatch running = by_worker[1][0];
  const SentBatch queued = by_worker[1][1];
  ASSERT_TRUE(h().Report(running, 0, 2));
  d().RemoveWorker(1, Crash());

  ASSERT_TRUE(h().Report(by_worker[2][0], 0, 4));
  EXPECT_FALSE(h().Send().has_value()) << "worker 2 should drain";
  ASSERT_TRUE(h().Report(by_worker[3][0], 0, 4));
  EXPECT_FALSE(h().Send().has_value()) << "worker 3 should drain";

  ASSERT_TRUE(h().Report(by_worker[4][0], 0, 4));
  std::optional<SentBatch> normal = SendExpecting(4);
  ASSERT_TRUE(normal.has_value());
  EXPECT_FALSE(normal->isolated);
  EXPECT_EQ(Prefix(normal->ids, 4), queued.ids);

  ASSERT_TRUE(h().Report(by_worker[2][1], 0, 4));
  std::optional<SentBatch> first = SendExpecting(2);
  ASSERT_TRUE(h().Report(by_worker[3][1], 0, 4));
  std::optional<SentBatch> second = SendExpecting(3);
  ASSERT_TRUE(first && second);
  EXPECT_TRUE(first->isolated && second->isolated);
  EXPECT_EQ(first->ids, (std::vector<uint64_t>{running.ids[2]}));
  EXPECT_EQ(second->ids, (std::vector<uint64_t>{running.ids[3]}));
}

TEST_F(DispatcherTest, DrainedWorkerGetsTheIsolatedTaskAtTheEndOfTheFeed) {
  // A ready worker that has nothing to be sent must not hide a drained one
  // behind it from the task waiting to run alone.
  Use({.window = 2}, /*fresh=*/4);
  for (WorkerId w : {1u, 2u, 3u}) Add(w);
  std::vector<SentBatch> sent = h().SendAll();  // 1:[0] 2:[1] 3:[2] 1:[3]
  ASSERT_EQ(sent.size(), 4u);
  d().RemoveWorker(3, Crash());  // task 2 struck: it must run alone
  ASSERT_TRUE(h().Report(sent[0], 0, 1));
  EXPECT_FALSE(h().Send().has_value()) << "worker 2 should drain first";
  ASSERT_TRUE(h().Report(sent[1], 0, 1));

  std::optional<SentBatch> alone = SendExpecting(2);
  ASSERT_TRUE(alone.has_value());
  EXPECT_TRUE(alone->isolated);
  EXPECT_EQ(alone->ids, (std::vector<uint64_t>{2}));
}

TEST_F(DispatcherTest, SuspectThatKillsItsWorkerIsStruck) {
  AddMeasuredWorkers(2, 4);
  std::optional<SentBatch> b = SendExpecting(1);
  ASSERT_TRUE(b.has_value());
  ASSERT_TRUE(h().Report(*b, 0, 1));
  ASSERT_TRUE(h().Report(*SendExpecting(2), 0, 4));
  d().RemoveWorker(1, Crash());
  std::optional<SentBatch> suspect = SendExpecting(2);
  ASSERT_TRUE(suspect.has_value());
  EXPECT_TRUE(d().RemoveWorker(2, Crash()).empty());

  Add(3);
  std::map<uint64_t, std::vector<uint32_t>> attempts;
  for (int i = 0; i < 3; ++i) {
    std::optional<SentBatch> s = SendExpecting(3);
    ASSERT_TRUE(s.has_value());
    EXPECT_TRUE(s->isolated);
    attempts[s->ids[0]].push_back(s->attempts[0]);
    ASSERT_TRUE(h().Report(*s, 0, 1));
  }
  EXPECT_EQ(attempts,
            (std::map<uint64_t, std::vector<uint32_t>>{
                {b->ids[1], {2}}, {b->ids[2], {1}}, {b->ids[3], {1}}}));
}

TEST_F(DispatcherTest, QuarantinesATaskAfterRetriesStrikes) {
  Use({.retries = 3}, /*fresh=*/2);
  Add(1);
  std::optional<SentBatch> b = SendExpecting(1);
  ASSERT_TRUE(b.has_value());
  ASSERT_EQ(b->ids, (std::vector<uint64_t>{0}));

  // Deaths 1 and 2 strike task 0; it comes back alone, attempt 2, then 3.
  const char* reasons[] = {"SIGSEGV", "exit 3", "SIGBUS"};
  std::vector<LooseTask> quarantined;
  for (WorkerId w = 1; w <= 3; ++w) {
    SCOPED_TRACE(testing::Message() << "death " << w);
    if (w > 1) {
      Add(w);
      std::optional<SentBatch> again = SendExpecting(w);
      ASSERT_TRUE(again.has_value());
      EXPECT_TRUE(again->isolated);
      EXPECT_EQ(again->ids, (std::vector<uint64_t>{0}));
      EXPECT_EQ(again->attempts,
                (std::vector<uint32_t>{static_cast<uint32_t>(w)}));
    }
    quarantined = d().RemoveWorker(w, Crash(reasons[w - 1], Pid(w)));
    EXPECT_EQ(quarantined.empty(), w < 3);
  }
  ASSERT_EQ(quarantined.size(), 1u);
  const LooseTask& t = quarantined[0];
  EXPECT_EQ(t.id, 0u);
  EXPECT_EQ(t.kind, 0u);
  const proto::Value arg = int64_t{0};
  EXPECT_EQ(t.args, proto::PackArgs({&arg, 1}));
  EXPECT_EQ(t.strikes, 3u);
  EXPECT_EQ(t.attempts, 3u);
  EXPECT_EQ(t.failure, proto::TaskStatus::kCrashed);
  EXPECT_EQ(t.reason, "SIGBUS");
  EXPECT_EQ(t.last_pid, Pid(3));

  // Never sent again: only task 1 is left.
  Add(4);
  std::map<uint64_t, std::vector<uint32_t>> rest = RunToEnd();
  EXPECT_EQ(rest, (std::map<uint64_t, std::vector<uint32_t>>{{1, {1}}}));
}

TEST_F(DispatcherTest, LossRunningPinpointsTheCulprit) {
  Use({}, /*fresh=*/6);  // 2 for measuring, 4 in the batch
  AddMeasuredWorkers(2, 4);
  std::optional<SentBatch> b = SendExpecting(1);
  ASSERT_TRUE(b.has_value());
  ASSERT_TRUE(h().Report(*b, 0, 1));
  Loss loss = Crash();
  loss.running = std::make_pair(b->batch_id, uint32_t{2});
  d().RemoveWorker(1, loss);

  EXPECT_EQ(RunToEnd(),
            (std::map<uint64_t, std::vector<uint32_t>>{
                {b->ids[1], {1}}, {b->ids[2], {2}}, {b->ids[3], {1}}}));
}

TEST_F(DispatcherTest, LossRunningInALaterBatchPinpointsTheCulprit) {
  // Results for the first batch can still be on their way (heartbeats
  // travel on their own socket) when the worker is declared lost.
  Use({.window = 2}, /*fresh=*/14);
  AddMeasuredWorkers(2, 4);
  std::optional<SentBatch> first = SendExpecting(1);
  std::optional<SentBatch> second = SendExpecting(2);
  std::optional<SentBatch> third = SendExpecting(1);
  ASSERT_TRUE(first && second && third);
  ASSERT_TRUE(h().Report(*first, 0, 3));
  ASSERT_TRUE(h().Report(*second, 0, 4));
  Loss loss = Crash();
  loss.running = std::make_pair(third->batch_id, uint32_t{0});
  d().RemoveWorker(1, loss);

  std::map<uint64_t, std::vector<uint32_t>> attempts = RunToEnd();
  EXPECT_EQ(attempts[first->ids[3]], (std::vector<uint32_t>{1}));
  EXPECT_EQ(attempts[third->ids[0]], (std::vector<uint32_t>{2}));
}

TEST_F(DispatcherTest, LossRunningATaskAlreadyReportedIsIgnored) {
  Use({}, /*fresh=*/6);
  AddMeasuredWorkers(2, 4);
  std::optional<SentBatch> b = SendExpecting(1);
  ASSERT_TRUE(b.has_value());
  ASSERT_TRUE(h().Report(*b, 0, 2));
  Loss loss = Crash();
  loss.running = std::make_pair(b->batch_id, uint32_t{1});  // done already
  d().RemoveWorker(1, loss);

  // Inferred instead: two suspects, each run alone, neither struck.
  std::vector<SentBatch> sent;
  EXPECT_EQ(RunToEnd(&sent), (std::map<uint64_t, std::vector<uint32_t>>{
                                 {b->ids[2], {1}}, {b->ids[3], {1}}}));
  for (const SentBatch& s : sent) EXPECT_TRUE(s.isolated);
}

// --- Fatal ------------------------------------------------------------------

TEST_F(DispatcherTest, FatalStrikesTheNamedTaskWithItsStatus) {
  struct Case {
    proto::FatalKind kind;
    proto::TaskStatus status;
  };
  const Case cases[] = {
      {proto::FatalKind::kOom, proto::TaskStatus::kOom},
      {proto::FatalKind::kTimeout, proto::TaskStatus::kTimeout},
      {proto::FatalKind::kException, proto::TaskStatus::kCrashed},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(proto::TaskStatusName(c.status));
    Use({.window = 2, .retries = 1}, /*fresh=*/10);
    AddMeasuredWorkers(1, 4);
    std::vector<SentBatch> sent = h().SendAll();
    ASSERT_EQ(sent.size(), 2u);
    ASSERT_TRUE(h().Report(sent[0], 0, 1));

    std::vector<LooseTask> q =
        d().OnFatal(1, proto::Fatal{sent[0].batch_id, 2, c.kind, "boom"});
    ASSERT_EQ(q.size(), 1u);
    EXPECT_EQ(q[0].id, sent[0].ids[2]);
    EXPECT_EQ(q[0].failure, c.status);
    EXPECT_EQ(q[0].reason, "boom");
    EXPECT_EQ(q[0].last_pid, Pid(1));
    EXPECT_EQ(q[0].strikes, 1u);
    // Its death later is no news: no suspects, no further strike.
    EXPECT_TRUE(d().RemoveWorker(1, Crash()).empty());

    Add(2);
    std::vector<SentBatch> rest;
    std::map<uint64_t, std::vector<uint32_t>> attempts = RunToEnd(&rest);
    EXPECT_EQ(attempts.count(sent[0].ids[2]), 0u) << "quarantined task resent";
    for (uint64_t id : {sent[0].ids[1], sent[0].ids[3]}) {
      EXPECT_EQ(attempts[id], (std::vector<uint32_t>{1}));
    }
    for (uint64_t id : sent[1].ids)
      EXPECT_EQ(attempts[id], (std::vector<uint32_t>{1}));
    for (const SentBatch& s : rest) EXPECT_FALSE(s.isolated) << "suspects made";
  }
}

TEST_F(DispatcherTest, FatalThatDoesNotFitIsIgnored) {
  AddMeasuredWorkers(2, 4);
  std::optional<SentBatch> b = SendExpecting(1);
  ASSERT_TRUE(b.has_value());
  ASSERT_TRUE(h().Report(*b, 0, 2));
  struct Case {
    const char* what;
    WorkerId worker;
    uint64_t batch_id;
    uint32_t index;
  };
  const Case cases[] = {
      {"other worker", 2, b->batch_id, 2},
      {"unknown batch", 1, b->batch_id + 100, 2},
      {"task already reported", 1, b->batch_id, 1},
      {"index past the end", 1, b->batch_id, 4},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_TRUE(d().OnFatal(c.worker, {c.batch_id, c.index,
                                       proto::FatalKind::kException, "x"})
                    .empty());
  }
  EXPECT_TRUE(h().Report(*b, 2, 2)) << "an ignored fatal requeued the batch";
}

// --- Bookkeeping
// --------------------------------------------------------------

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

TEST_F(DispatcherTest, StrikeRecordSurvivesAnotherIsolatedTaskCompleting) {
  // Session::Dispatch commits a batch of requeued tasks with min_id 0; the
  // completion of one struck task must not clear the strikes of task 0.
  Use({.retries = 2}, /*fresh=*/2, DispatcherHarness::MinId::kLikeSession);
  Add(1);
  Add(2);
  ASSERT_EQ(h().SendAll().size(), 2u);  // 1:[0] 2:[1]
  d().RemoveWorker(1, Crash());         // task 0: one strike
  d().RemoveWorker(2, Crash());         // task 1: one strike
  Add(3);
  Add(4);
  std::optional<SentBatch> zero = SendExpecting(3);
  std::optional<SentBatch> one = SendExpecting(4);
  ASSERT_TRUE(zero && one);
  ASSERT_EQ(zero->ids, (std::vector<uint64_t>{0}));
  ASSERT_TRUE(h().Report(*one, 0, 1));

  std::vector<LooseTask> q = d().RemoveWorker(3, Crash());
  ASSERT_EQ(q.size(), 1u) << "task 0 lost its first strike";
  EXPECT_EQ(q[0].id, 0u);
  EXPECT_EQ(q[0].strikes, 2u);
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
