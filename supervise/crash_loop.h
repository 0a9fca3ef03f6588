// File: supervise/crash_loop.h
//
// CrashLoopBreaker notices when restarting is futile: `deaths` child deaths
// (0: never) within `window`, a death exactly `window` old included, while
// no task succeeded. Then the batch
// should stop with a diagnosis rather than fork forever (the failure of
// hand-written `cluster.on('exit') -> fork()` loops and of PM2).
//
// Use from one thread.

#ifndef TASKFARM_SUPERVISE_CRASH_LOOP_H_
#define TASKFARM_SUPERVISE_CRASH_LOOP_H_

#include <cstddef>
#include <deque>

#include "base/clock.h"

namespace taskfarm::supervise {

class CrashLoopBreaker {
 public:
  CrashLoopBreaker(size_t deaths, base::Duration window)
      : limit_(deaths), window_(window) {}

  void RecordDeath(base::Instant now) {
    deaths_.push_back(now);
    while (!deaths_.empty() && deaths_.front() < now - window_) {
      deaths_.pop_front();
    }
  }
  // A task completed: the deaths so far were not a loop.
  void RecordSuccess() { deaths_.clear(); }
  bool Tripped() const { return limit_ > 0 && deaths_.size() >= limit_; }
  size_t recent_deaths() const { return deaths_.size(); }

 private:
  size_t limit_;
  base::Duration window_;
  std::deque<base::Instant> deaths_;
};

}  // namespace taskfarm::supervise

#endif  // TASKFARM_SUPERVISE_CRASH_LOOP_H_
