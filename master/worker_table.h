// File: master/worker_table.h
//
// WorkerTable is the master's list of connected workers, local and remote:
// who they are (from their hello), how to reach them (which listening
// socket, which routing ids), whether they are alive (expiry = last heard +
// heartbeat interval x liveness, as ppqueue.cpp does), and what their
// heartbeats last said. It decides nothing about tasks (the Dispatcher
// does) and sends nothing (MasterCore's outbox does).
//
// Use from one thread.

#ifndef TASKFARM_MASTER_WORKER_TABLE_H_
#define TASKFARM_MASTER_WORKER_TABLE_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "base/clock.h"
#include "master/dispatcher.h"
#include "proto/contract.h"
#include "proto/messages.h"

namespace taskfarm::master {

struct WorkerEntry {
  WorkerId id = 0;
  size_t port = 0;            // which listening socket it came through
  std::string worker_id;      // its own random id
  std::string task_identity;  // routing ids (proto/contract.h)
  std::string heartbeat_identity;
  int64_t pid = 0;
  std::string host;
  uint32_t cores = 0;
  std::optional<int> slot;    // its slot, for a local worker
  base::Instant joined{};
  base::Instant expiry{};     // declared lost after this
  bool welcomed = false;
  bool retiring = false;      // finishing its batches, then shut down
  proto::Heartbeat last_heartbeat;
  base::Instant last_heartbeat_at{};
  uint64_t tasks_done = 0;
  uint32_t idle_beats = 0;    // heartbeats saying idle while it holds batches
  uint64_t batches_sent = 0;  // task batches sent (its heartbeats say how
                              // many it received: the rest are on the way)
};

class WorkerTable {
 public:
  explicit WorkerTable(base::Duration liveness) : liveness_(liveness) {}
  WorkerTable(const WorkerTable&) = delete;
  WorkerTable& operator=(const WorkerTable&) = delete;

  // A worker said hello through `port`. Returns its entry (new id).
  WorkerEntry& Add(size_t port, const proto::Hello& hello,
                   std::optional<int> slot, base::Instant now);
  void Remove(WorkerId id);

  WorkerEntry* Get(WorkerId id);
  const WorkerEntry* Get(WorkerId id) const;
  // By routing id ("T..." or "H...") as it arrived on `port`. No allocation.
  WorkerEntry* ByIdentity(size_t port, absl::string_view identity);

  // It was heard from: push its expiry out (further until its first
  // heartbeat, which may come at the worker's built-in interval).
  void Touch(WorkerEntry& w, base::Instant now) {
    w.expiry = now + liveness_;
    if (w.last_heartbeat_at == base::Instant{}) w.expiry += proto::kFirstHeartbeatWithin;
    // The first heartbeat may bring the expiry in.
    earliest_expiry_ = std::min(earliest_expiry_, w.expiry);
  }
  // Workers whose expiry has passed (the caller removes them). Cheap when
  // none can have: it looks at every worker only once the earliest expiry
  // it last saw has passed, about once a heartbeat interval while workers
  // talk (and at every call while an expired one stays in the table).
  std::vector<WorkerId> Expired(base::Instant now) const;
  // No worker expires before this (a lower bound: Touch keeps it one).
  base::Instant NextExpiry() const { return earliest_expiry_; }

  size_t size() const { return entries_.size(); }
  template <typename F>
  void ForEach(F f) const {
    for (const auto& [id, entry] : entries_) f(static_cast<const WorkerEntry&>(*entry));
  }
  template <typename F>
  void ForEach(F f) {
    for (auto& [id, entry] : entries_) f(*entry);
  }

 private:
  base::Duration liveness_;
  mutable base::Instant earliest_expiry_ = base::Instant::max();
  WorkerId next_id_ = 1;
  absl::flat_hash_map<WorkerId, std::unique_ptr<WorkerEntry>> entries_;
  // By port, then routing id.
  std::vector<absl::flat_hash_map<std::string, WorkerId>> by_identity_;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_WORKER_TABLE_H_
