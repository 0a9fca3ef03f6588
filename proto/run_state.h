// File: proto/run_state.h
//
// RunState is the layout of the page a local worker shares with its master
// (base/shared_page.h): the worker stores, before and after each task, which
// task it runs. Stores are relaxed atomics (a nanosecond per task); the
// master reads the page only after the worker died, to learn exactly which
// task was running — or that none was — instead of suspecting the whole
// batch. Remote workers have no such page.
//
// Thread-safe and process-safe (lock-free atomics).

#ifndef TASKFARM_PROTO_RUN_STATE_H_
#define TASKFARM_PROTO_RUN_STATE_H_

#include <atomic>
#include <cstdint>

namespace taskfarm::proto {

struct RunState {
  std::atomic<uint64_t> batch_id{0};   // batch of the current task
  std::atomic<uint32_t> index{0};      // the task within it
  std::atomic<uint32_t> running{0};    // 1 while that task runs
  std::atomic<int64_t> started_ns{0};  // steady clock, when it started

  void Begin(uint64_t batch, uint32_t i, int64_t now_ns) {
    batch_id.store(batch, std::memory_order_relaxed);
    index.store(i, std::memory_order_relaxed);
    started_ns.store(now_ns, std::memory_order_relaxed);
    running.store(1, std::memory_order_release);
  }
  void End() { running.store(0, std::memory_order_release); }
};

static_assert(std::atomic<uint64_t>::is_always_lock_free);
static_assert(std::atomic<uint32_t>::is_always_lock_free);

}  // namespace taskfarm::proto

#endif  // TASKFARM_PROTO_RUN_STATE_H_
