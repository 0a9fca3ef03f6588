// File: master/local_slot.h
//
// LocalSlot is everything the master knows of one local worker slot (or
// the logger's): the slot's role, the worker id of its current child once
// it said hello, and the page the child publishes its running task in
// (proto/run_state.h), kept across the slot's restarts. Its state, pid and
// restart delay are in the SlotBook under the same number. RunningFromPage
// reads the page of a dead (or frozen) worker into a Loss: which task was
// running, or that none was.
//
// Plain data; use from one thread.

#ifndef TASKFARM_MASTER_LOCAL_SLOT_H_
#define TASKFARM_MASTER_LOCAL_SLOT_H_

#include <optional>

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

// Zeroes a page before a new child publishes in it.
inline void ClearPage(const base::SharedPage& page) {
  new (page.data()) proto::RunState;
}

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_LOCAL_SLOT_H_
