// File: master/snapshot.h
//
// Snapshot is a copy of what a dashboard shows of a running batch: each
// worker (host, pid, tasks done, the task it runs and since when, its
// slot's restarts, its state), the totals by status, what is in flight and
// queued, the logger's restarts and records, and a histogram of task
// durations. MasterCore::TakeSnapshot makes one; the shell may publish it
// (at most every 250 ms: it copies every worker).
//
// Plain data.

#ifndef TASKFARM_MASTER_SNAPSHOT_H_
#define TASKFARM_MASTER_SNAPSHOT_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "proto/messages.h"

namespace taskfarm::master {

// Task durations in powers of two of microseconds: bucket i counts tasks
// of [2^(i-1), 2^i) µs (bucket 0: under 1 µs), the last one everything
// longer.
inline constexpr int kDurationBuckets = 40;
using DurationHistogram = std::array<uint64_t, kDurationBuckets>;

struct WorkerSnapshot {
  std::string host;
  int64_t pid = 0;
  bool remote = false;
  std::string state;  // "up", "retiring"
  uint64_t tasks_done = 0;
  int restarts = 0;   // of its slot (local workers)
  // The task it runs, as its last heartbeat said: batch id and index.
  std::optional<std::pair<uint64_t, uint32_t>> running;
  base::Instant running_since{};
};

struct Snapshot {
  base::Instant taken{};
  std::string phase;  // lifecycle.h
  std::vector<WorkerSnapshot> workers;
  int slots_starting = 0;  // local workers spawned, not yet connected
  uint64_t total = 0;      // tasks in the input
  uint64_t skipped = 0;    // already in the output (--resume)
  std::array<uint64_t, proto::kTaskStatusCount> by_status{};
  uint64_t in_flight = 0;  // tasks out on workers
  uint64_t queued = 0;     // tasks waiting to be run again
  int logger_restarts = 0;
  uint64_t records_relayed = 0;  // handed to the logger
  uint64_t records_written = 0;  // acknowledged by it
  DurationHistogram durations{};
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_SNAPSHOT_H_
