// Unit tests of master::Dispatcher when workers die: queued batches
// requeued without a strike, the running task struck (or its batch mates
// made suspects and run alone), Loss.running and Fatal naming the culprit,
// and quarantine after --retries strikes. Whole runs are in
// dispatcher_scenario_test.cc.

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "gtest/gtest.h"
#include "master/dispatcher.h"
#include "proto/batch.h"
#include "proto/messages.h"
#include "tests/testutil/dispatcher_fixture.h"
#include "tests/testutil/dispatcher_harness.h"
#include "tests/testutil/printers.h"

namespace taskfarm::master {
namespace {

using ::taskfarm::testutil::Crash;
using ::taskfarm::testutil::DispatcherHarness;
using ::taskfarm::testutil::Pid;
using ::taskfarm::testutil::Prefix;
using ::taskfarm::testutil::SentBatch;
using DispatcherTest = ::taskfarm::testutil::DispatcherFixture;

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

TEST_F(DispatcherTest, StrikeRecordSurvivesAnotherIsolatedTaskCompleting) {
  // A batch of requeued tasks may be committed with a min_id below its own
  // ids; the completion of one struck task must not clear the strikes of
  // task 0.
  Use({.retries = 2}, /*fresh=*/2);
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

}  // namespace
}  // namespace taskfarm::master
