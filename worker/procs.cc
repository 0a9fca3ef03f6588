#include "worker/procs.h"

#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/numbers.h"
#include "base/clock.h"
#include "supervise/crash_loop.h"
#include "supervise/signal_fd.h"
#include "supervise/supervisor.h"
#include "worker/heartbeat.h"
#include "worker/worker.h"

namespace taskfarm::worker {
namespace {

constexpr std::chrono::seconds kStopGrace{5};
constexpr size_t kCrashLoopDeaths = 10;
constexpr std::chrono::seconds kCrashLoopWindow{30};

// Exit codes after which a child is done: restarting would not help.
bool Finished(const supervise::ExitStatus& status) {
  if (status.signaled) return false;
  return status.code == kExitOk || status.code == kExitUsage ||
         status.code == kExitMasterLost || status.code == kExitRefused;
}

// Exit codes of children that told the master why they die.
bool Announced(const supervise::ExitStatus& status) {
  return !status.signaled &&
         (status.code == kExitTaskException || status.code == kExitOutOfMemory ||
          status.code == kExitTimeout);
}

// The most telling of two final codes: refused, usage, lost, then ok.
int Worse(int a, int b) {
  for (int code : {kExitRefused, kExitUsage, kExitMasterLost}) {
    if (a == code || b == code) return code;
  }
  return a != kExitOk ? a : b;
}

}  // namespace

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
  if (!signals.ok()) {
    std::fprintf(stderr, "worker: %s\n", std::string(signals.status().message()).c_str());
    return kExitUsage;
  }
  supervise::Supervisor supervisor(supervise::RestartPolicy{},
                                   supervise::SpawnOptions{});
  supervise::CrashLoopBreaker breaker(kCrashLoopDeaths, kCrashLoopWindow);
  base::Instant now = base::Now();
  for (int i = 0; i < procs; ++i) {
    supervisor.Start(supervisor.Add("worker", argv), now);
  }
  int result = kExitOk;
  int stop_signal = 0;
  bool crash_loop = false;
  while (!supervisor.AllExited()) {
    now = base::Now();
    int timeout = 1000;
    if (std::optional<base::Instant> t = supervisor.NextDeadline()) {
      timeout = base::MillisUntil(*t, now, 1000);
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
    for (const supervise::Death& d : supervisor.Reap(now)) {
      if (d.was_stopping) continue;
      if (Finished(d.status)) {
        result = Worse(result, d.status.code);
        supervisor.Stop(d.slot, now, 0, kStopGrace);  // no restart
        continue;
      }
      std::fprintf(stderr, "worker: process %d died (%s); restarting it\n",
                   d.pid, d.spawn_error.empty() ? d.status.ToString().c_str()
                                                : d.spawn_error.c_str());
      if (Announced(d.status)) supervisor.RestartSoon(d.slot, now);
      breaker.RecordDeath(now);
      if (breaker.Tripped() && !crash_loop) {
        crash_loop = true;
        std::fprintf(stderr,
                     "worker: %zu deaths within %lld s: giving up (crash loop)\n",
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
