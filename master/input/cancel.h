// File: master/input/cancel.h
//
// CancelFlag tells a long input check, running on its own thread, to stop:
// the check polls cancelled() every few thousand lines, and a reader
// blocked on a pipe or FIFO waits on fd() beside its input, so a check
// stops at once even when the writer of its FIFO holds it open and writes
// nothing.
//
// Example:
//   CancelFlag cancel;
//   std::thread check([&] { status = source.Check(..., &cancel); });
//   cancel.Cancel();   // from another thread: Check returns kCancelled
//   check.join();
//
// Thread-safe: Cancel() may be called from any thread, any number of times.

#ifndef TASKFARM_MASTER_INPUT_CANCEL_H_
#define TASKFARM_MASTER_INPUT_CANCEL_H_

#include <atomic>

namespace taskfarm::master {

class CancelFlag {
 public:
  CancelFlag();
  CancelFlag(const CancelFlag&) = delete;
  CancelFlag& operator=(const CancelFlag&) = delete;
  ~CancelFlag();

  void Cancel();
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }
  // Readable (POLLIN) once cancelled; -1 if the system had no eventfd to
  // give (then only cancelled() tells).
  int fd() const { return fd_; }

 private:
  std::atomic<bool> cancelled_{false};
  int fd_ = -1;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_INPUT_CANCEL_H_
