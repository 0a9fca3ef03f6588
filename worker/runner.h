// File: worker/runner.h
//
// Runner executes the tasks of one batch in order and turns them into
// records. It knows no sockets: finished records go to a ResultSink in
// chunks: at the end of the batch, when a task ends kFlushDeadline or more
// after the chunk began, and, from another thread, while a task has run
// for kFlushDeadline with records of earlier tasks waiting
// (FlushDuringTask, which worker/flush_thread.h calls every few ms). So no
// result waits much longer than kFlushDeadline behind a slow task of its
// batch. A task that throws ends the batch: Run returns a Fatal naming it,
// after the records of the tasks before it were flushed.
//
// The two threads never touch the records at once, and the task thread
// pays about a nanosecond per task for it: it publishes each task's start
// and end in the RunState page anyway; the flush thread takes the records
// only while a task runs (an asymmetric Dekker handshake, see
// asymmetric_fence.h), and a task that ends during such a send waits for
// it to finish.
//
// Example:
//   Runner runner(kinds, getpid(), env, &state);
//   std::optional<proto::Fatal> fatal = runner.Run(batch_id, reader, &sink);
//
// Use Run from one thread (the worker's main thread); FlushDuringTask,
// WaitForBatch and Close from one other.

#ifndef TASKFARM_WORKER_RUNNER_H_
#define TASKFARM_WORKER_RUNNER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "proto/batch.h"
#include "proto/messages.h"
#include "tasks/registry.h"
#include "tasks/task.h"
#include "proto/run_state.h"
#include "worker/asymmetric_fence.h"

namespace taskfarm::worker {

// The longest a finished result should wait for its chunk to be sent
// (plus up to one FlushThread period).
inline constexpr std::chrono::milliseconds kFlushDeadline{5};

class ResultSink {
 public:
  virtual ~ResultSink() = default;
  // `body` is a records frame (proto/batch.h) for `header.count` tasks.
  virtual void Send(const proto::Results& header, absl::string_view body) = 0;
};

class Runner {
 public:
  // `kinds[i]` runs tasks of kind index i (the order of the hello message).
  Runner(std::vector<const tasks::TaskDef*> kinds, int64_t pid,
         tasks::Env env, proto::RunState* state);
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  // Runs the tasks of `batch` in order, sending results to `sink`. Returns
  // the Fatal to report if a task threw (std::bad_alloc: FatalKind::kOom).
  // After each chunk it sends itself, it asks `stop_requested` (if set);
  // when that says yes, it returns without running the rest.
  std::optional<proto::Fatal> Run(uint64_t batch_id,
                                  const proto::TaskBatchReader& batch,
                                  ResultSink* sink,
                                  const std::function<bool()>& stop_requested = {});

  // From another thread, while Run is in progress: if the task running now
  // has run for `deadline` and records of the tasks before it wait, sends
  // them through Run's sink, from the calling thread. Returns whether it
  // sent. Run's sink must be usable from the calling thread while Run's
  // thread is inside a task (the worker's is: its main thread uses the
  // socket only between tasks).
  bool FlushDuringTask(std::chrono::nanoseconds deadline);

  // From another thread: blocks until a batch is in progress (returns
  // true) or Close was called (returns false).
  bool WaitForBatch() const;
  // Wakes WaitForBatch for good.
  void Close();

  void set_env(tasks::Env env) { env_ = std::move(env); }

 private:
  enum Phase : uint32_t { kIdle = 0, kInBatch = 1, kClosed = 2 };

  // Runs one task into records_, starting at *now (steady clock, ns), and
  // sets *now to when it ended. Returns a Fatal if it threw (*now is then
  // left as it was).
  std::optional<proto::Fatal> RunOne(uint64_t batch_id, uint32_t index,
                                     const proto::TaskBatchReader& batch,
                                     int64_t* now);
  // Publishes that the task ended; returns once the records are this
  // thread's again (a FlushDuringTask in progress has ended).
  void EndTask();
  // Sends the records so far; `end` ends the chunk's wall time.
  void Flush(uint64_t batch_id, int64_t end, ResultSink* sink);

  std::vector<const tasks::TaskDef*> kinds_;
  int64_t pid_;
  tasks::Env env_;
  proto::RunState* state_;

  proto::RecordWriter records_;
  proto::Results pending_;  // header of the records not yet flushed
  int64_t chunk_start_ns_ = 0;
  proto::TaskView task_;    // reused: no allocation per task
  std::string result_;      // reused

  // Shared with the flush thread.
  AsymmetricFence fence_;
  std::atomic<uint32_t> phase_{kIdle};
  std::atomic<uint32_t> flushing_{0};  // the flush thread holds the records
  std::atomic<uint32_t> unsent_{0};    // pending_.count, for a cheap look
  uint64_t batch_id_ = 0;              // of the Run in progress
  ResultSink* sink_ = nullptr;         // of the Run in progress
};

}  // namespace taskfarm::worker

#endif  // TASKFARM_WORKER_RUNNER_H_
