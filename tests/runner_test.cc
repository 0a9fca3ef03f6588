// Tests of worker::Runner's chunks of results: in batch order, one Results
// per chunk with the right offsets; and the records of tasks that ended
// before a slow task are sent while it runs, by FlushDuringTask (from
// another thread) and by FlushThread, not after it.

#include "worker/runner.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "proto/batch.h"
#include "proto/run_state.h"
#include "tasks/registry.h"
#include "tests/testutil/wait.h"
#include "worker/flush_thread.h"

namespace taskfarm::worker {
namespace {

// The task kind "gate": blocks until the test opens the gate.
std::atomic<bool> gate_open{false};

absl::Status Gate(const tasks::Call&, std::string* result) {
  while (!gate_open.load()) std::this_thread::yield();
  *result = "through";
  return absl::OkStatus();
}
TASKFARM_TASK(gate, "", "test: blocks until the test opens it", &Gate);

// Collects what the Runner sends, from any thread.
class Collector : public ResultSink {
 public:
  void Send(const proto::Results& header, absl::string_view body) override {
    proto::RecordReader reader;
    ASSERT_TRUE(reader.Open(body).ok());
    ASSERT_EQ(reader.size(), header.count);
    absl::MutexLock lock(&mutex_);
    headers_.push_back(header);
    records_ += header.count;
  }
  uint32_t records() const {
    absl::MutexLock lock(&mutex_);
    return records_;
  }
  std::vector<proto::Results> headers() const {
    absl::MutexLock lock(&mutex_);
    return headers_;
  }

 private:
  mutable absl::Mutex mutex_;
  std::vector<proto::Results> headers_;
  uint32_t records_ = 0;
};

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gate_open.store(false);
    kinds_ = tasks::TaskRegistry::Global()->List();
    runner_ = std::make_unique<Runner>(kinds_, 1, tasks::Env{}, &state_);
  }

  uint32_t Kind(const std::string& name) const {
    for (uint32_t i = 0; i < kinds_.size(); ++i) {
      if (kinds_[i]->name == name) return i;
    }
    ADD_FAILURE() << name;
    return 0;
  }

  // `fibs` fib tasks, then one gate task: ids 0 .. fibs.
  void OpenBatch(int fibs) {
    proto::TaskBatchWriter writer;
    const proto::Value ten = int64_t{10};
    for (int i = 0; i < fibs; ++i) {
      writer.Add(static_cast<uint64_t>(i), Kind("fib"), {ten}, 1);
    }
    writer.Add(static_cast<uint64_t>(fibs), Kind("gate"), {}, 1);
    frame_ = std::string(writer.Finish());
    ASSERT_TRUE(reader_.Open(frame_).ok());
  }

  // Whether the gate task (index `index`) is running.
  bool GateRunning(uint32_t index) const {
    return state_.running.load() != 0 && state_.index.load() == index;
  }

  std::vector<const tasks::TaskDef*> kinds_;
  proto::RunState state_;
  std::unique_ptr<Runner> runner_;
  std::string frame_;
  proto::TaskBatchReader reader_;
  Collector sink_;
};

TEST_F(RunnerTest, FlushDuringTaskSendsWhatEndedBeforeTheRunningTask) {
  OpenBatch(4);
  std::thread run([&] { EXPECT_FALSE(runner_->Run(5, reader_, &sink_)); });
  ASSERT_TRUE(testutil::WaitUntil([&] { return GateRunning(4); }));
  // On a slow machine the task thread may have sent some itself (a task
  // that ended kFlushDeadline after its chunk began): whatever is left.
  const uint32_t before = sink_.records();
  EXPECT_EQ(runner_->FlushDuringTask(std::chrono::nanoseconds(0)), before < 4);
  EXPECT_EQ(sink_.records(), 4u) << "the four fib results wait for the gate";
  EXPECT_FALSE(runner_->FlushDuringTask(std::chrono::nanoseconds(0)))
      << "nothing more to send";
  gate_open.store(true);
  run.join();
  std::vector<proto::Results> headers = sink_.headers();
  ASSERT_GE(headers.size(), 2u);
  uint32_t next = 0, ok = 0;
  for (const proto::Results& h : headers) {
    EXPECT_EQ(h.batch_id, 5u);
    EXPECT_EQ(h.offset, next);
    next += h.count;
    ok += h.by_status[0];
  }
  EXPECT_EQ(next, 5u);
  EXPECT_EQ(ok, 5u);
  EXPECT_EQ(headers.back().offset, 4u);
  EXPECT_EQ(headers.back().count, 1u);
}

TEST_F(RunnerTest, FlushDuringTaskWaitsForTheDeadline) {
  OpenBatch(2);
  std::thread run([&] { EXPECT_FALSE(runner_->Run(6, reader_, &sink_)); });
  ASSERT_TRUE(testutil::WaitUntil([&] { return GateRunning(2); }));
  const size_t chunks = sink_.headers().size();
  EXPECT_FALSE(runner_->FlushDuringTask(std::chrono::hours(1)));
  EXPECT_EQ(sink_.headers().size(), chunks) << "sent before its deadline";
  gate_open.store(true);
  run.join();
  EXPECT_EQ(sink_.records(), 3u);
}

TEST_F(RunnerTest, FlushDuringTaskIsANoOpBetweenBatches) {
  EXPECT_FALSE(runner_->FlushDuringTask(std::chrono::nanoseconds(0)));
  EXPECT_EQ(sink_.records(), 0u);
}

TEST_F(RunnerTest, FlushThreadSendsResultsHeldBehindASlowTask) {
  OpenBatch(20);
  FlushThread flusher(runner_.get());
  std::thread run([&] { EXPECT_FALSE(runner_->Run(7, reader_, &sink_)); });
  // The gate stays shut until the twenty results arrived on their own.
  EXPECT_TRUE(testutil::WaitUntil([&] { return sink_.records() == 20u; }));
  EXPECT_TRUE(GateRunning(20));
  gate_open.store(true);
  run.join();
  EXPECT_EQ(sink_.records(), 21u);
}

TEST_F(RunnerTest, ChunksAreInBatchOrderWithoutGaps) {
  OpenBatch(300);
  gate_open.store(true);
  FlushThread flusher(runner_.get());
  EXPECT_FALSE(runner_->Run(8, reader_, &sink_));
  uint32_t next = 0;
  for (const proto::Results& h : sink_.headers()) {
    EXPECT_EQ(h.offset, next);
    next += h.count;
  }
  EXPECT_EQ(next, 301u);
}

}  // namespace
}  // namespace taskfarm::worker
