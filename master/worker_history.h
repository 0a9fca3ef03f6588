// File: master/worker_history.h
//
// WorkerHistory keeps what a dashboard shows of the workers that have no
// local slot (remote workers, and local ones started by a wrapper of
// --worker_bin), one entry per process (host and pid), beyond the workers
// connected now: the tasks it reported under earlier identities, how
// often it was declared lost and how often it came back (a worker that
// rejoins says hello again, under a new identity), and whether it went as
// lost or was let go. Local slots keep the same in their LocalSlot. At
// most kMaxGone processes that went are kept (the newest).
//
// MasterCore calls it on hellos and losses only, never per task.
//
// Use from one thread.

#ifndef TASKFARM_MASTER_WORKER_HISTORY_H_
#define TASKFARM_MASTER_WORKER_HISTORY_H_

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "master/worker_table.h"

namespace taskfarm::master {

class WorkerHistory {
 public:
  static constexpr size_t kMaxGone = 1024;

  struct Process {
    std::string host;
    int64_t pid = 0;
    bool remote = false;
    std::optional<WorkerId> current;  // connected now, as this worker
    uint64_t tasks_before = 0;        // reported under earlier identities
    uint32_t lost = 0;                // times declared lost
    uint32_t rejoined = 0;            // times it said hello again
    bool went_lost = false;           // it went as lost (not let go)
  };

  // Worker `w` (no slot) said hello.
  void Joined(const WorkerEntry& w);
  // `w` is declared lost (silence, bad results); it is removed next.
  void Lost(const WorkerEntry& w);
  // `w` left the worker table, for whatever reason.
  void Gone(const WorkerEntry& w);

  // Every process, by host then pid.
  template <typename F>
  void ForEach(F f) const {
    for (const auto& [key, p] : processes_) f(p);
  }
  size_t size() const { return processes_.size(); }

 private:
  using Key = std::pair<std::string, int64_t>;
  static Key KeyOf(const WorkerEntry& w) { return {w.host, w.pid}; }

  std::map<Key, Process> processes_;
  std::deque<Key> gone_;  // in the order they went (a key may repeat)
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_WORKER_HISTORY_H_
