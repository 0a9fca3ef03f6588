// File: master/options.h
//
// FarmOptions: every setting of a batch, built from flags by the master
// binary or filled in directly by programs that embed a Farm. Defaults here
// are the documented defaults of the flags.
//
// Plain data.

#ifndef TASKFARM_MASTER_OPTIONS_H_
#define TASKFARM_MASTER_OPTIONS_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.h"
#include "journal/format.h"
#include "master/dashboard/options.h"
#include "master/halt.h"
#include "master/input/task_source.h"
#include "master/remote_options.h"
#include "proto/contract.h"
#include "supervise/slot_book.h"

namespace taskfarm::master {

struct FarmOptions {
  // Processes.
  int workers = 1;             // local compute workers
  std::string worker_bin;      // "" = found through runfiles
  std::string logger_bin;

  // Input and output.
  std::vector<InputSpec> inputs;  // empty = the built-in demo batch
  std::string output;             // "" = standard output
  journal::Format format = journal::Format::kText;
  bool fsync = false;
  bool resume = false;
  std::string stats_json;         // "" = none
  bool summary = false;           // the summary on stderr at the end (CLI: on)

  // Failure handling.
  uint32_t retries = 3;
  base::Duration timeout{0};  // per task; 0 = none
  base::Duration heartbeat = std::chrono::seconds(1);
  uint32_t liveness = 3;
  uint64_t max_memory_mb = 0;
  uint64_t max_tasks_per_worker = 0;
  supervise::RestartPolicy restart;
  uint32_t crash_loop_deaths = 10;
  base::Duration crash_loop_window = std::chrono::seconds(30);
  base::Duration grace = std::chrono::seconds(5);
  HaltPolicy halt;

  // Scheduling.
  uint32_t window = 2;
  base::Duration target_batch_time = std::chrono::milliseconds(10);
  uint32_t max_batch = 1024;
  size_t max_unacked_bytes = 64 << 20;

  std::string results_dir;
  std::string joblog;  // GNU Parallel's job log, written by the logger; "" = none

  // Batch runner.
  bool keep_order = false;
  uint64_t reorder_window = 100000;  // --keep-order: tasks out of order, max
  bool progress = false;             // the progress line on stderr

  // Print the kinds the first worker offers instead of running a batch.
  bool list_tasks = false;

  // Remote workers over tcp (master/remote_workers.h).
  RemoteOptions remote;
  // How long to wait for the first hello; 0 = no limit.
  base::Duration startup_timeout = std::chrono::seconds(60);
  // The live dashboard (--dashboard; master/dashboard/).
  dashboard::DashboardOptions dashboard;
};

// Exit codes of the master (proto/contract.h).
inline constexpr int kExitOk = proto::master_exit::kOk;
inline constexpr int kExitTasksFailed = proto::master_exit::kTasksFailed;
inline constexpr int kExitUsage = proto::master_exit::kUsage;
inline constexpr int kExitCrashLoop = proto::master_exit::kCrashLoop;
inline constexpr int kExitOutputFailed = proto::master_exit::kOutputFailed;
inline constexpr int kExitOutputClosed = proto::master_exit::kOutputClosed;

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_OPTIONS_H_
