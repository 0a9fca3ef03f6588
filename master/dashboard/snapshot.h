// File: master/dashboard/snapshot.h
//
// Snapshot is what the dashboard shows: the state of a batch at one moment,
// as plain data. The master's event loop builds one at most every 250 ms
// (master/dashboard/snapshot_builder.h) and publishes it to the HTTP server
// (master/dashboard/http_server.h), whose threads only read it: the page,
// /status.json and /metrics are all rendered from the same Snapshot, so
// they always agree. Every list in it is bounded (workers by the pool, the
// history by kMaxHistory, failures by Stats::kMaxFailures), and a failure's
// text is shared, not copied, from one snapshot to the next.
//
// Plain data: immutable once published, so any number of threads may read
// a published Snapshot.

#ifndef TASKFARM_MASTER_DASHBOARD_SNAPSHOT_H_
#define TASKFARM_MASTER_DASHBOARD_SNAPSHOT_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "proto/messages.h"

namespace taskfarm::master::dashboard {

// Upper bounds (seconds) of the task-duration histogram's buckets; +Inf
// follows.
inline constexpr std::array<double, 10> kDurationBounds = {
    1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1, 10, 60, 600, 3600};

// One worker slot (local) or one remote worker process (host and pid).
struct WorkerRow {
  std::string name;      // "worker 1" (local slot), "node2:4101" (remote)
  std::string host;
  int64_t pid = 0;       // its process, or the last one while it has none
  bool remote = false;
  // starting, idle, busy, restarting, stopping, exited, failed, lost
  std::string state;
  uint64_t tasks = 0;    // tasks reported, by every process of the slot
  std::string task;      // the task it runs now, "#17 fib 30"; "" if none
  double running_s = -1;  // for how long; < 0 if unknown
  uint64_t rss_kb = 0;   // from its last heartbeat
  uint32_t restarts = 0;  // local: deaths of the slot's processes
  uint32_t lost = 0;      // remote: times declared lost
  uint32_t rejoined = 0;  // remote: times it came back
};

// A task that did not end ok, or was quarantined.
struct Failure {
  uint64_t id = 0;
  std::string task;      // "fail a message", task-language style
  proto::TaskStatus status = proto::TaskStatus::kError;
  uint32_t attempts = 0;
  int64_t pid = 0;       // the worker that ran it last
  bool quarantined = false;
  std::string message;   // the whole result text
};

struct Snapshot {
  int64_t unix_ms = 0;    // wall clock when it was built
  double elapsed_s = 0;   // since the master started
  // starting, checking, running, stopping, done
  std::string phase;
  bool finished = false;  // the batch is over (the server may linger)
  std::string outcome;    // once finished: "done; some tasks failed"
  int exit_code = -1;     // once finished

  // Tasks.
  uint64_t total = 0;     // in the batch (0 until the input was checked)
  uint64_t skipped = 0;   // --resume: already in the output
  uint64_t reported = 0;  // this run, every status
  std::array<uint64_t, proto::kTaskStatusCount> by_status{};  // by TaskStatus
  uint64_t in_flight = 0;  // sent to workers, not reported yet
  uint64_t queued = 0;     // not handed out yet (fresh or to run again)
  double rate = 0;         // tasks/s over the last few seconds
  double eta_s = -1;       // < 0: unknown

  // (seconds since start, tasks reported + skipped), oldest first.
  struct Point {
    double t;
    uint64_t done;
  };
  std::vector<Point> history;

  std::vector<WorkerRow> workers;
  int64_t logger_pid = 0;
  std::string logger_state;  // as a worker's; "" without a logger process

  // The newest failures (shared with the Stats that keeps them), and how
  // many there were in all.
  std::vector<std::shared_ptr<const Failure>> failures;
  uint64_t failures_total = 0;

  // Counters.
  uint64_t worker_deaths = 0, restarts = 0, logger_restarts = 0;
  uint64_t records_relayed = 0;  // records handed to the logger
  uint64_t records_acked = 0;    // ... and acknowledged as written
  uint64_t bytes_out = 0;        // task batches sent to workers
  uint64_t bytes_in = 0;         // result batches received
  uint64_t dropped = 0;          // late or malformed messages

  // Task durations: counts per kDurationBounds bucket (not cumulative),
  // then the +Inf bucket; sum and count of every task timed.
  std::array<uint64_t, kDurationBounds.size() + 1> duration_counts{};
  double duration_sum_s = 0;
  uint64_t duration_count = 0;
};

}  // namespace taskfarm::master::dashboard

#endif  // TASKFARM_MASTER_DASHBOARD_SNAPSHOT_H_
