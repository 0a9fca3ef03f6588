// File: master/local_slot.h
//
// LocalSlot is everything the master knows of one local worker slot (or
// the logger's): the slot's role, the worker id of its current child once
// it said hello, the page the child publishes its running task in
// (proto/run_state.h), kept across the slot's restarts, and what its
// children did (tasks, deaths). Its state, pid and restart delay are in
// the SlotBook under the same number. RunningFromPage reads the page of a
// dead (or frozen) worker into a Loss: which task was running, or that
// none was; RunningNow reads the page of a live one, for a dashboard.
//
// Plain data; use from one thread.

#ifndef TASKFARM_MASTER_LOCAL_SLOT_H_
#define TASKFARM_MASTER_LOCAL_SLOT_H_

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "base/shared_page.h"
#include "master/dispatcher.h"
#include "master/outbox.h"
#include "proto/run_state.h"

namespace taskfarm::master {

struct LocalSlot {
  SlotSpec::Role role = SlotSpec::Role::kWorker;
  std::optional<WorkerId> worker;        // its child's, once it said hello
  std::optional<base::SharedPage> page;  // a worker's running task
  bool spare = false;  // a worker slot no longer wanted: free for reuse
  int starts = 0;      // children spawned (or tried)
  bool fatal_reported = false;  // its child reported the task killing it
  // What a dashboard shows of the slot (master/snapshot.h).
  uint64_t tasks = 0;    // reported by its children
  uint32_t deaths = 0;   // of its children, not stopped by the master
  int64_t last_pid = 0;  // its last child's
  std::string host;      // as its children's hellos said
};

// Fills loss->running (or loss->idle) from a worker's page. The worker is
// dead or stopped: its page holds its last word.
inline void RunningFromPage(const base::SharedPage& page, Loss* loss) {
  const auto* state = static_cast<const proto::RunState*>(page.data());
  if (state->running.load(std::memory_order_acquire) != 0) {
    loss->running = std::make_pair(state->batch_id.load(), state->index.load());
  } else {
    loss->idle = true;
  }
}

// The task a live worker runs, from its page: batch id, index and when it
// started (steady clock, ns); nullopt if it runs none. The worker writes
// the page while we read: a read that straddles two tasks is discarded.
struct PageTask {
  uint64_t batch_id = 0;
  uint32_t index = 0;
  int64_t started_ns = 0;
};
inline std::optional<PageTask> RunningNow(const base::SharedPage& page) {
  const auto* state = static_cast<const proto::RunState*>(page.data());
  if (state->running.load(std::memory_order_acquire) == 0) return std::nullopt;
  const int64_t started = state->started_ns.load(std::memory_order_relaxed);
  PageTask t{state->batch_id.load(std::memory_order_relaxed),
             state->index.load(std::memory_order_relaxed), started};
  std::atomic_thread_fence(std::memory_order_acquire);
  if (state->started_ns.load(std::memory_order_relaxed) != started ||
      state->running.load(std::memory_order_relaxed) == 0) {
    return std::nullopt;
  }
  return t;
}

// Zeroes a page before a new child publishes in it.
inline void ClearPage(const base::SharedPage& page) {
  new (page.data()) proto::RunState;
}

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_LOCAL_SLOT_H_
