// File: worker/run_state.h
//
// What the worker's main thread is computing right now, published for its
// heartbeat thread: relaxed atomics written once per task, read once per
// heartbeat.
//
// Thread-safe.

#ifndef TASKFARM_WORKER_RUN_STATE_H_
#define TASKFARM_WORKER_RUN_STATE_H_

#include <atomic>
#include <cstdint>

namespace taskfarm::worker {

struct RunState {
  std::atomic<uint64_t> batch_id{0};    // 0 = idle
  std::atomic<uint32_t> index{0};       // task within the batch
  std::atomic<int64_t> started_ns{0};   // steady clock, when it started

  void Begin(uint64_t batch, uint32_t i, int64_t now_ns) {
    index.store(i, std::memory_order_relaxed);
    started_ns.store(now_ns, std::memory_order_relaxed);
    batch_id.store(batch, std::memory_order_release);
  }
  void Idle() { batch_id.store(0, std::memory_order_release); }
};

}  // namespace taskfarm::worker

#endif  // TASKFARM_WORKER_RUN_STATE_H_
