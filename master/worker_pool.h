// File: master/worker_pool.h
//
// WorkerPool is the master's list of connected workers: who they are (from
// their hello), how to reach them (a socket and a routing id), whether they
// are alive (expiry = last heard + heartbeat interval x liveness, as
// ppqueue.cpp does), and what their heartbeats last said. It sends them
// messages; it decides nothing about tasks (that is the Dispatcher's job).
//
// Use from one thread.

#ifndef TASKFARM_MASTER_WORKER_POOL_H_
#define TASKFARM_MASTER_WORKER_POOL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "base/clock.h"
#include "master/dispatcher.h"
#include "proto/messages.h"
#include "proto/transport.h"

namespace taskfarm::master {

struct WorkerEntry {
  WorkerId id = 0;
  size_t port = 0;            // which listening socket it came through
  std::string worker_id;      // its own random id
  int64_t pid = 0;
  std::string host;
  uint32_t cores = 0;
  std::optional<int> slot;    // supervisor slot, for local workers
  base::Instant expiry{};     // declared lost after this
  bool welcomed = false;
  bool retiring = false;      // finishing its batches, then shut down
  proto::Heartbeat last_heartbeat;
  uint64_t tasks_done = 0;

  std::string task_identity() const { return "T" + worker_id; }
  std::string heartbeat_identity() const { return "H" + worker_id; }
};

class WorkerPool {
 public:
  // `ports` are the master's task ROUTER sockets (ipc first, then tcp).
  WorkerPool(std::vector<proto::Transport*> ports, base::Duration liveness);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // A worker said hello through `port`. Returns its entry (new id).
  WorkerEntry& Add(size_t port, const proto::Hello& hello,
                   std::optional<int> slot, base::Instant now);
  void Remove(WorkerId id);

  WorkerEntry* Get(WorkerId id);
  // By routing id ("T..." or "H...") as it arrived on `port`.
  WorkerEntry* ByIdentity(size_t port, absl::string_view identity);
  WorkerEntry* BySlot(int slot);

  // It was heard from: push its expiry out.
  void Touch(WorkerEntry& w, base::Instant now) { w.expiry = now + liveness_; }
  // Workers whose expiry has passed.
  std::vector<WorkerId> Expired(base::Instant now) const;

  // Sending. Failures mean the worker is gone; its loss is handled when it
  // expires or its process is reaped.
  void SendTasks(const WorkerEntry& w, uint64_t batch_id, uint32_t count,
                 zmq::message_t body);
  void Send(const WorkerEntry& w, const proto::Message& message);
  // A heartbeat to every worker's heartbeat socket.
  void SendHeartbeats();

  size_t size() const { return entries_.size(); }
  template <typename F>
  void ForEach(F f) {
    for (auto& [id, entry] : entries_) f(*entry);
  }

 private:
  std::vector<proto::Transport*> ports_;
  base::Duration liveness_;
  WorkerId next_id_ = 1;
  absl::flat_hash_map<WorkerId, std::unique_ptr<WorkerEntry>> entries_;
  absl::flat_hash_map<std::string, WorkerId> by_identity_;  // port + identity
  absl::flat_hash_map<int, WorkerId> by_slot_;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_WORKER_POOL_H_
