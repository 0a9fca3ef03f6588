// File: master/dashboard/snapshot_builder.h
//
// SnapshotBuilder makes the dashboard's Snapshot (snapshot.h) out of the
// master's own books: Stats, the WorkerPool, the Dispatcher, the
// Supervisor and the LogRelay, read in the event loop's thread. It copies
// what it needs, so the snapshot stays valid while the loop goes on.
//
// It remembers a little between snapshots: the throughput history (at most
// kMaxHistory points, halving its resolution when full, so a long batch is
// shown whole) and the remote workers it has seen, to show those that were
// lost or rejoined (a rejoining worker comes back under a new identity).
//
// Worker rows: one per local worker slot (its processes' tasks summed,
// restarts = deaths of the slot), one per remote worker process (host,
// pid). At most kMaxWorkerRows, the running ones first.
//
// Use from the event loop's thread.

#ifndef TASKFARM_MASTER_DASHBOARD_SNAPSHOT_BUILDER_H_
#define TASKFARM_MASTER_DASHBOARD_SNAPSHOT_BUILDER_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "base/clock.h"
#include "base/shared_page.h"
#include "master/dashboard/snapshot.h"
#include "master/dispatcher.h"
#include "master/input/kind_table.h"
#include "master/log_relay.h"
#include "master/stats.h"
#include "master/worker_pool.h"
#include "supervise/supervisor.h"

namespace taskfarm::master::dashboard {

// What a snapshot is made of. Pointers are not owned; null where the
// master has no such thing (yet).
struct SnapshotSources {
  const Stats* stats = nullptr;
  WorkerPool* pool = nullptr;  // read only (its ForEach is not const)
  const Dispatcher* dispatcher = nullptr;
  const supervise::Supervisor* supervisor = nullptr;
  const LogRelay* relay = nullptr;      // null: no logger process
  const std::vector<int>* worker_slots = nullptr;
  int logger_slot = -1;
  // Local workers' shared pages (proto::RunState), by supervisor slot.
  const absl::flat_hash_map<int, base::SharedPage>* pages = nullptr;
  const KindTable* kinds = nullptr;     // null before the first hello
  uint64_t total = 0;                   // tasks in the batch, if known
  std::string phase;                    // starting, checking, running, ...
  bool finished = false;
  std::string outcome;
  int exit_code = -1;
};

class SnapshotBuilder {
 public:
  static constexpr size_t kMaxHistory = 720;
  static constexpr size_t kMaxWorkerRows = 1024;
  // Throughput is measured over this much of the history.
  static constexpr double kRateWindowSeconds = 10;

  // `start`: when the master started (elapsed time counts from there).
  explicit SnapshotBuilder(base::Instant start) : start_(start) {}

  // `now` on the monotonic clock, `unix_ms` the wall clock.
  std::shared_ptr<const Snapshot> Build(const SnapshotSources& in,
                                        base::Instant now, int64_t unix_ms);

 private:
  struct Remote {
    WorkerRow row;
    absl::flat_hash_set<WorkerId> ids;  // identities it had
    bool present = false;
  };
  void AddHistory(Snapshot& s, bool force);
  void Progress(const SnapshotSources& in, Snapshot& s);
  void LocalWorkers(const SnapshotSources& in, base::Instant now, Snapshot& s);
  void RemoteWorkers(const SnapshotSources& in, Snapshot& s);
  // "#17 fib 30" for task `index` of live batch `batch_id`; "" if unknown.
  std::string TaskAt(const SnapshotSources& in, uint64_t batch_id,
                     uint32_t index) const;

  base::Instant start_;
  std::vector<Snapshot::Point> history_;
  double history_step_ = 1.0;  // seconds between points
  std::map<std::string, Remote> remotes_;  // by "host pid"
  // The last host and pid of each local slot, shown once it has exited.
  absl::flat_hash_map<int, std::pair<std::string, int64_t>> last_seen_;
};

}  // namespace taskfarm::master::dashboard

#endif  // TASKFARM_MASTER_DASHBOARD_SNAPSHOT_BUILDER_H_
