// File: worker/asymmetric_fence.h
//
// AsymmetricFence: a pair of memory fences for two threads where one side
// runs often and must be nearly free (the worker's main thread, once per
// task) and the other runs rarely (the flush thread, every few
// milliseconds). Light() is a compiler-only fence; Heavy() makes every
// thread of the process execute a full memory barrier (membarrier(2),
// MEMBARRIER_CMD_PRIVATE_EXPEDITED), so that Light + Heavy together order
// a store before a load on both sides, as two full fences would (the
// "asymmetric Dekker" of userspace RCU and folly's hazard pointers). Where
// the kernel lacks membarrier (before Linux 4.14, or a seccomp filter
// forbids it), both are full fences: still correct, a few ns dearer.
//
// Example:
//   fast thread:  flag_a.store(1, relaxed); fence.Light(); b = flag_b.load(relaxed);
//   slow thread:  flag_b.store(1, relaxed); if (!fence.Heavy()) give up;
//                 a = flag_a.load(relaxed);
//   // never both a == 0 and b == 0
//
// Thread-safe after construction.

#ifndef TASKFARM_WORKER_ASYMMETRIC_FENCE_H_
#define TASKFARM_WORKER_ASYMMETRIC_FENCE_H_

#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>

namespace taskfarm::worker {

class AsymmetricFence {
 public:
  // Registers this process for expedited membarriers (once is enough;
  // see Register).
  AsymmetricFence() : expedited_(Register()) {}

  // Registers the process; true if it is (now or already). Call it while
  // the process has a single thread, before ZeroMQ starts its own: with
  // several threads Linux waits for an RCU grace period first
  // (synchronize_rcu; 11 ms measured on a 2-vCPU VM, on the worker's path
  // from its hello to its first task), with one it does not. Registering
  // again returns at once.
  static bool Register() {
    return syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED,
                   0, 0) == 0;
  }

  void Light() const {
    if (expedited_) {
      std::atomic_signal_fence(std::memory_order_seq_cst);
    } else {
      std::atomic_thread_fence(std::memory_order_seq_cst);
    }
  }

  // Returns false if the fence could not be made (membarrier failed after
  // registering, which Linux does not do): the caller must not rely on it.
  [[nodiscard]] bool Heavy() const {
    if (!expedited_) {
      std::atomic_thread_fence(std::memory_order_seq_cst);
      return true;
    }
    return syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0;
  }

  // Whether Light is compiler-only.
  bool expedited() const { return expedited_; }

 private:
  bool expedited_;
};

}  // namespace taskfarm::worker

#endif  // TASKFARM_WORKER_ASYMMETRIC_FENCE_H_
