// File: worker/runner.h
//
// Runner executes the tasks of one batch in order and turns them into
// records. It knows no sockets: finished records go to a ResultSink in
// chunks (at the end of the batch, and every kFlushInterval during a long
// one, so results are never held back behind a slow task). A task that
// throws ends the batch: Run returns a Fatal naming it, after the records of
// the tasks before it were flushed.
//
// Example:
//   Runner runner(kinds, getpid(), env, &state);
//   std::optional<proto::Fatal> fatal = runner.Run(batch_id, reader, &sink);
//
// Use from one thread (the worker's main thread).

#ifndef TASKFARM_WORKER_RUNNER_H_
#define TASKFARM_WORKER_RUNNER_H_

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

namespace taskfarm::worker {

inline constexpr std::chrono::milliseconds kFlushInterval{50};

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
  // Every kFlushInterval it asks `stop_requested` (if set); when that says
  // yes, it sends what is done and returns without running the rest.
  std::optional<proto::Fatal> Run(uint64_t batch_id,
                                  const proto::TaskBatchReader& batch,
                                  ResultSink* sink,
                                  const std::function<bool()>& stop_requested = {});

  void set_env(tasks::Env env) { env_ = std::move(env); }

 private:
  // Runs one task into records_, starting at *now (steady clock, ns), and
  // sets *now to when it ended. Returns a Fatal if it threw (*now is then
  // left as it was).
  std::optional<proto::Fatal> RunOne(uint64_t batch_id, uint32_t index,
                                     const proto::TaskBatchReader& batch,
                                     int64_t* now);
  // Sends the records so far; `now` ends the chunk's wall time.
  void Flush(uint64_t batch_id, int64_t now, ResultSink* sink);

  std::vector<const tasks::TaskDef*> kinds_;
  int64_t pid_;
  tasks::Env env_;
  proto::RunState* state_;

  proto::RecordWriter records_;
  proto::Results pending_;  // header of the records not yet flushed
  int64_t chunk_start_ns_ = 0;
  proto::TaskView task_;    // reused: no allocation per task
  std::string result_;      // reused
};

}  // namespace taskfarm::worker

#endif  // TASKFARM_WORKER_RUNNER_H_
