// File: worker/flush_thread.h
//
// FlushThread sends, while a batch runs, the results that wait behind a
// slow task of the same batch: every kFlushPeriod it asks the Runner
// (Runner::FlushDuringTask) to send the records of the tasks that ended
// before the one running now, if that one has run for kFlushDeadline. So
// with `fib 1..20; sleep 3000`, the fib results reach the master within a
// few milliseconds, not after the sleep. Between batches it sleeps on the
// Runner (no wake-ups while the worker is idle).
//
// Example:
//   Runner runner(...);
//   FlushThread flusher(&runner);   // after the runner and its sink
//   ... runner.Run(batch_id, reader, &sink) ...
//
// Thread-safe; the destructor stops and joins the thread.

#ifndef TASKFARM_WORKER_FLUSH_THREAD_H_
#define TASKFARM_WORKER_FLUSH_THREAD_H_

#include <chrono>
#include <thread>

#include "worker/runner.h"

namespace taskfarm::worker {

inline constexpr std::chrono::milliseconds kFlushPeriod{2};

class FlushThread {
 public:
  // Starts the thread. `runner` must outlive it.
  explicit FlushThread(Runner* runner);
  FlushThread(const FlushThread&) = delete;
  FlushThread& operator=(const FlushThread&) = delete;
  ~FlushThread();

 private:
  void Loop();

  Runner* runner_;
  std::thread thread_;
};

}  // namespace taskfarm::worker

#endif  // TASKFARM_WORKER_FLUSH_THREAD_H_
