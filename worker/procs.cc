#include "worker/procs.h"

#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/clock.h"
#include "supervise/crash_loop.h"
#include "supervise/signal_fd.h"
#include "supervise/supervisor.h"
#include "worker/heartbeat.h"
#include "worker/slot_pages.h"
#include "worker/worker.h"

namespace taskfarm::worker {
namespace {

constexpr std::chrono::seconds kStopGrace{5};
constexpr size_t kCrashLoopDeaths = 10;
constexpr std::chrono::seconds kCrashLoopWindow{30};
// How often the children's pages are looked at for signs of work.
constexpr int kPollMs = 1000;

// The most telling of two final codes: refused, usage, lost, then ok.
int Worse(int a, int b) {
  for (int code : {kExitRefused, kExitUsage, kExitMasterLost}) {
    if (a == code || b == code) return code;
  }
  return a != kExitOk ? a : b;
}

}  // namespace

ExitVerdict JudgeExit(const supervise::ExitStatus& status, bool spawn_failed,
                      bool running_task) {
  if (spawn_failed) return ExitVerdict::kCrashed;
  if (!status.signaled) {
    switch (status.code) {
      case kExitOk:
      case kExitUsage:
      case kExitMasterLost:
      case kExitRefused:
        return ExitVerdict::kFinished;
      case kExitRecycled:
        return ExitVerdict::kRecycled;
      case kExitTaskException:
      case kExitOutOfMemory:
      case kExitTimeout:
        return ExitVerdict::kTaskDied;
      default:
        break;
    }
  }
  return running_task ? ExitVerdict::kTaskDied : ExitVerdict::kCrashed;
}

int DefaultProcs() {
  int n = 0;
  if (const char* slurm = std::getenv("SLURM_CPUS_PER_TASK");
      slurm != nullptr && absl::SimpleAtoi(slurm, &n) && n > 0) {
    return n;
  }
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) n = CPU_COUNT(&set);
  return n > 0 ? n : 1;
}

int RunProcs(const std::vector<std::string>& argv, int procs) {
  absl::StatusOr<supervise::SignalFd> signals = supervise::SignalFd::Create();
  absl::StatusOr<SlotPages> pages =
      signals.ok() ? SlotPages::Create(procs) : signals.status();
  if (!pages.ok()) {
    std::fprintf(stderr, "worker: %s\n", std::string(pages.status().message()).c_str());
    return kExitUsage;
  }
  supervise::Supervisor supervisor(supervise::RestartPolicy{},
                                   supervise::SpawnOptions{});
  supervise::CrashLoopBreaker breaker(kCrashLoopDeaths, kCrashLoopWindow);
  std::vector<bool> working(static_cast<size_t>(procs), false);
  base::Instant now = base::Now();
  for (int i = 0; i < procs; ++i) {
    std::vector<std::string> child = argv;
    child.push_back(absl::StrCat("--state_file=", pages->path(i)));
    supervisor.Start(supervisor.Add("worker", std::move(child)), now);
  }
  int result = kExitOk;
  int stop_signal = 0;
  bool crash_loop = false;
  while (!supervisor.AllExited()) {
    now = base::Now();
    int timeout = kPollMs;
    if (std::optional<base::Instant> t = supervisor.NextDeadline()) {
      timeout = base::MillisUntil(*t, now, kPollMs);
    }
    pollfd fd{signals->fd(), POLLIN, 0};
    (void)poll(&fd, 1, timeout);
    now = base::Now();
    for (int sig : signals->Read()) {
      if (sig == SIGCHLD || stop_signal != 0) continue;
      stop_signal = sig;
      for (int slot = 0; slot < supervisor.slot_count(); ++slot) {
        supervisor.Stop(slot, now, SIGTERM, kStopGrace);
      }
    }
    // A child that has begun a task is up and working: the deaths before
    // it were no crash loop.
    for (int slot = 0; slot < procs; ++slot) {
      if (working[slot] || !pages->BegunTask(slot)) continue;
      working[slot] = true;
      breaker.RecordSuccess();
      supervisor.Productive(slot);
    }
    for (const supervise::Death& d : supervisor.Reap(now)) {
      const bool in_task = pages->RunningTask(d.slot);
      pages->Reset(d.slot);
      working[d.slot] = false;
      if (d.was_stopping) continue;
      const std::string how =
          d.spawn_error.empty() ? d.status.ToString() : d.spawn_error;
      switch (JudgeExit(d.status, !d.spawn_error.empty(), in_task)) {
        case ExitVerdict::kFinished:
          result = Worse(result, d.status.code);
          supervisor.Stop(d.slot, now, 0, kStopGrace);  // no restart
          continue;
        case ExitVerdict::kRecycled:
          supervisor.RestartSoon(d.slot, now);
          continue;
        case ExitVerdict::kTaskDied:
          std::fprintf(stderr,
                       "worker: process %d died running a task (%s); "
                       "starting another\n",
                       d.pid, how.c_str());
          supervisor.RestartSoon(d.slot, now);
          continue;
        case ExitVerdict::kCrashed:
          break;
      }
      std::fprintf(stderr, "worker: process %d died (%s); restarting it\n",
                   d.pid, how.c_str());
      breaker.RecordDeath(now);
      if (breaker.Tripped() && !crash_loop) {
        crash_loop = true;
        std::fprintf(stderr,
                     "worker: %zu deaths within %lld s, no task begun: "
                     "giving up (crash loop)\n",
                     breaker.recent_deaths(),
                     static_cast<long long>(kCrashLoopWindow.count()));
        supervisor.GiveUp();
        for (int slot = 0; slot < supervisor.slot_count(); ++slot) {
          supervisor.Stop(slot, now, SIGTERM, kStopGrace);
        }
      }
    }
    supervisor.Tick(now);
  }
  if (stop_signal != 0) return 128 + stop_signal;
  if (crash_loop) return kExitCrashLoop;
  return result;
}

}  // namespace taskfarm::worker
