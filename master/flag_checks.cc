#include "master/flag_checks.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace taskfarm::master {
namespace {

using std::chrono::milliseconds;

std::string Show(base::Duration d) {
  return absl::FormatDuration(absl::FromChrono(d));
}

absl::Status Bad(absl::string_view flag, absl::string_view value,
                 absl::string_view accepts) {
  return absl::InvalidArgumentError(
      absl::StrCat("--", flag, "=", value, ": ", accepts));
}

}  // namespace

WorkerLimit MaxWorkers() {
  WorkerLimit limit{.max_workers = 1 << 20, .reason = ""};
  auto lower = [&limit](long long n, std::string why) {
    const int bounded = static_cast<int>(std::clamp<long long>(n, 0, 1 << 20));
    if (bounded < limit.max_workers) limit = {bounded, std::move(why)};
  };
  struct rlimit r;
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur != RLIM_INFINITY) {
    lower((static_cast<long long>(r.rlim_cur) - kFdsReserved) / kFdsPerWorker,
          absl::StrCat("the open files limit (ulimit -n) of ", r.rlim_cur,
                       ", at ", kFdsPerWorker, " per worker"));
  }
  // Root is not held to RLIMIT_NPROC.
  if (geteuid() != 0 && getrlimit(RLIMIT_NPROC, &r) == 0 &&
      r.rlim_cur != RLIM_INFINITY) {
    lower(static_cast<long long>(r.rlim_cur) / 2,
          absl::StrCat("half the processes limit (ulimit -u) of ", r.rlim_cur));
  }
  long long pid_max = 0;
  if (std::ifstream("/proc/sys/kernel/pid_max") >> pid_max; pid_max > 0) {
    lower(pid_max / 4,
          absl::StrCat("a quarter of the kernel's pid_max of ", pid_max));
  }
  return limit;
}

absl::Status CheckExecutable(const std::string& flag, const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    return Bad(flag, path, strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return Bad(flag, path,
               S_ISDIR(st.st_mode) ? "a directory, not an executable file"
                                   : "not a regular file");
  }
  if (access(path.c_str(), X_OK) != 0) {
    return Bad(flag, path, "not executable (chmod +x?)");
  }
  return absl::OkStatus();
}

absl::Status CheckRanges(const FarmOptions& o, std::vector<std::string>* warnings) {
  if (o.workers < 0) {
    return Bad("workers", absl::StrCat(o.workers),
               "must be >= 0 (0: remote workers only)");
  }
  if (const WorkerLimit limit = MaxWorkers(); o.workers > limit.max_workers) {
    return Bad("workers", absl::StrCat(o.workers),
               absl::StrCat("more than this machine can run: at most ",
                            limit.max_workers, " (", limit.reason, ")"));
  }
  const int cpus = static_cast<int>(std::thread::hardware_concurrency());
  if (cpus > 0 && o.workers > cpus) {
    warnings->push_back(absl::StrCat(
        "--workers=", o.workers, " is more than the ", cpus,
        " CPUs: workers will share them (fine for jobs that mostly wait)"));
  }
  if (o.retries < 1 || o.retries > 1000) {
    return Bad("retries", absl::StrCat(o.retries), "must be 1 to 1000");
  }
  if (o.timeout.count() < 0) {
    return Bad("timeout", Show(o.timeout), "must be >= 0 (0: no limit)");
  }
  if (o.heartbeat < milliseconds(10) || o.heartbeat > std::chrono::hours(1)) {
    return Bad("heartbeat", Show(o.heartbeat), "must be 10ms to 1h");
  }
  if (o.liveness < 2 || o.liveness > 1000) {
    return Bad("liveness", absl::StrCat(o.liveness),
               "must be 2 to 1000: one missed heartbeat is no sign of death");
  }
  if (o.heartbeat * o.liveness < milliseconds(200)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--heartbeat=", Show(o.heartbeat), " x --liveness=", o.liveness,
        " gives a worker ", Show(o.heartbeat * o.liveness),
        " of silence before it counts as dead; give it at least 200ms, or "
        "busy machines lose healthy workers"));
  }
  if (o.max_memory_mb != 0 && o.max_memory_mb < 16) {
    return Bad("max-memory", absl::StrCat(o.max_memory_mb),
               "must be 0 (no limit) or >= 16 (MB; the worker itself needs some)");
  }
  if (o.restart.min_delay.count() < 0) {
    return Bad("restart-delay", Show(o.restart.min_delay), "must be >= 0");
  }
  if (o.restart.max_delay < o.restart.min_delay) {
    return Bad("restart-max-delay", Show(o.restart.max_delay),
               absl::StrCat("must be >= --restart-delay (",
                            Show(o.restart.min_delay), ")"));
  }
  if (o.crash_loop_window.count() <= 0) {
    return Bad("crash-loop-window", Show(o.crash_loop_window), "must be > 0");
  }
  if (o.grace.count() < 0) return Bad("grace", Show(o.grace), "must be >= 0");
  if (o.target_batch_time < milliseconds(1) || o.target_batch_time > std::chrono::minutes(1)) {
    return Bad("batch-time", Show(o.target_batch_time), "must be 1ms to 1m");
  }
  if (o.window < 1 || o.window > 64) {
    return Bad("window", absl::StrCat(o.window), "must be 1 to 64");
  }
  if (o.max_batch < 1 || o.max_batch > 65536) {
    return Bad("max-batch", absl::StrCat(o.max_batch), "must be 1 to 65536");
  }
  if (o.reorder_window < 1) {
    return Bad("reorder-window", absl::StrCat(o.reorder_window), "must be >= 1");
  }
  if (o.startup_timeout.count() < 0) {
    return Bad("startup-timeout", Show(o.startup_timeout), "must be >= 0");
  }
  if (o.remote.worker_master_timeout.count() <= 0) {
    return Bad("worker-master-timeout", Show(o.remote.worker_master_timeout),
               "must be > 0");
  }
  if (o.remote.procs_per_node < 0) {
    return Bad("procs-per-node", absl::StrCat(o.remote.procs_per_node),
               "must be >= 0 (0: the node's CPUs)");
  }
  for (const auto& [flag, path] : {std::pair<const char*, const std::string&>{
                                       "worker_bin", o.worker_bin},
                                   {"logger_bin", o.logger_bin}}) {
    if (path.empty()) continue;
    if (absl::Status s = CheckExecutable(flag, path); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace taskfarm::master
