// File: master/snapshot.h
//
// Snapshot is what MasterCore publishes of a running batch, for people and
// scrapers (the dashboard, master/dashboard/): the phase and, once over,
// the outcome and exit code; the tasks by status, in flight and queued;
// one row per local worker slot and per remote worker process (its task
// as text, for how long, memory, restarts, times lost and rejoined); the
// logger; the newest failures with their whole messages; the counters; and
// the task-duration histogram. MasterCore::TakeSnapshot makes one from its
// books (master/master_core_snapshot.cc); it copies everything but the
// failures' texts, which are shared, so a published Snapshot stays valid
// while the core goes on. Every list is bounded.
//
// Plain data: immutable once published, so any number of threads may read
// a published Snapshot.

#ifndef TASKFARM_MASTER_SNAPSHOT_H_
#define TASKFARM_MASTER_SNAPSHOT_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "master/durations.h"
#include "proto/messages.h"

namespace taskfarm::master {

// A task that did not end ok, or was quarantined.
struct Failure {
  uint64_t id = 0;
  std::string task;      // "fail a message", task-language style
  proto::TaskStatus status = proto::TaskStatus::kError;
  uint32_t attempts = 0;
  int64_t pid = 0;       // the worker that ran it last (0: unknown)
  bool quarantined = false;
  std::string message;   // the whole result text
};

// One local worker slot, or one remote worker process (host and pid).
struct WorkerRow {
  std::string name;      // "worker 1" (local slot), "node2:4101" (remote)
  std::string host;
  int64_t pid = 0;       // its process, or the last one while it has none
  bool remote = false;
  // Local: starting, idle, busy, stopping, restarting, exited, failed.
  // Remote: idle, busy, lost (declared lost), left.
  std::string state;
  uint64_t tasks = 0;     // reported, by every process of the slot
  std::string task;       // the task it runs now, "#17 fib 30"; "" if none
  double running_s = -1;  // for how long; < 0 if unknown
  uint64_t rss_kb = 0;    // from its last heartbeat
  uint32_t restarts = 0;  // local: deaths of the slot's processes
  uint32_t lost = 0;      // remote: times declared lost
  uint32_t rejoined = 0;  // remote: times it came back
};

struct Snapshot {
  static constexpr size_t kMaxWorkerRows = 1024;
  static constexpr size_t kMaxTaskText = 200;  // bytes of WorkerRow::task

  base::Instant taken{};
  double elapsed_s = 0;   // since the batch started
  std::string phase;      // starting, checking, running, stopping, done
  bool finished = false;  // phase done
  std::string outcome;    // once finished: "done; some tasks failed"
  int exit_code = -1;     // once finished

  // Tasks.
  uint64_t total = 0;     // in the input (0 until it was checked)
  uint64_t skipped = 0;   // already in the output (--resume)
  uint64_t reported = 0;  // this run, every status
  std::array<uint64_t, proto::kTaskStatusCount> by_status{};
  uint64_t in_flight = 0;  // out on workers, not reported yet
  uint64_t queued = 0;     // not handed out yet (fresh, or to run again)
  uint64_t requeued = 0;   // of those, the ones to run again

  // Local slots (the running ones first), then remote processes; at most
  // kMaxWorkerRows.
  std::vector<WorkerRow> workers;
  int64_t logger_pid = 0;
  std::string logger_state;  // "" without a logger process

  // The newest failures (shared with Stats, which keeps them only if
  // FarmOptions::dashboard is on), and how many there were in all.
  std::vector<std::shared_ptr<const Failure>> failures;
  uint64_t failures_total = 0;

  // Counters.
  uint64_t worker_deaths = 0, restarts = 0, logger_restarts = 0;
  uint64_t records_relayed = 0;  // handed to the logger (or delivered)
  uint64_t records_written = 0;  // acknowledged by it (or delivered)
  uint64_t bytes_out = 0;        // task batches sent to workers
  uint64_t bytes_in = 0;         // result records received
  uint64_t dropped = 0;          // late or malformed messages

  DurationHistogram durations;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_SNAPSHOT_H_
