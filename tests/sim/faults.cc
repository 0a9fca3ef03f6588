// World: the faults of the schedule, applied when the simulated workers
// have finished enough tasks.

#include <signal.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "tests/sim/sim_processes.h"
#include "tests/sim/world.h"

namespace taskfarm::sim {
namespace {

using std::chrono::milliseconds;

int Uniform(std::mt19937_64& rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}

}  // namespace

SimWorker* World::PickWorker(int arg, const std::function<bool(SimWorker&)>& fits) {
  std::vector<SimWorker*> candidates;
  for (auto& w : workers_) {
    if (w->alive() && !w->stopped() && fits(*w)) candidates.push_back(w.get());
  }
  if (candidates.empty()) return nullptr;
  return candidates[static_cast<size_t>(arg) % candidates.size()];
}

void World::ApplyFaults() {
  const std::vector<Fault>& faults = scenario_.faults;
  while (next_fault_ < faults.size() &&
         faults[next_fault_].after_tasks <= figures_.tasks_run && !core_->done()) {
    ApplyFault(faults[next_fault_++]);
  }
}

void World::ApplyFault(const Fault& f) {
  SimWorker* w = nullptr;
  bool applied = true;
  switch (f.kind) {
    case FaultKind::kKillRunning:
      if ((w = PickWorker(f.arg, [](SimWorker& x) { return !x.remote() && x.running(); }))) {
        w->Signal(SIGKILL, false);
      }
      break;
    case FaultKind::kKillPrefetching:
      if ((w = PickWorker(f.arg, [](SimWorker& x) { return !x.remote() && x.holds_unstarted(); }))) {
        w->Signal(SIGKILL, false);
      }
      break;
    case FaultKind::kKillIdle:
      if ((w = PickWorker(f.arg, [](SimWorker& x) {
             return !x.remote() && !x.running() && !x.holds_unstarted();
           }))) {
        w->Signal(SIGKILL, false);
      }
      break;
    case FaultKind::kStop:
      if ((w = PickWorker(f.arg, [](SimWorker&) { return true; }))) {
        w->Signal(SIGSTOP, false);
        // Nobody kills a stopped remote worker: it is continued later (a
        // long pause), or the batch could only end by a signal.
        if (w->remote()) {
          At(now_ + milliseconds(Uniform(rng_, 5000, 20000)), [w] { w->Continue(); });
        }
      }
      break;
    case FaultKind::kKillRemote:
      if ((w = PickWorker(f.arg, [](SimWorker& x) { return x.remote(); }))) {
        w->Signal(SIGKILL, false);
      }
      break;
    case FaultKind::kCutHost: {
      if (hosts_.empty()) {
        applied = false;
        break;
      }
      const int host = f.arg % static_cast<int>(hosts_.size());
      Host& h = hosts_[host];
      if (h.cut) {
        applied = false;
        break;
      }
      h.cut = true;
      h.hold = (f.arg / 7) % 2 == 0;
      for (SimWorker* p : h.procs) {
        if (p != nullptr && p->alive()) {
          for (uint64_t id : p->Held()) TroubleFor(id);
        }
      }
      At(now_ + milliseconds(Uniform(rng_, 1000, 10000)), [this, host] {
        Host& healed = hosts_[host];
        healed.cut = false;
        std::vector<std::function<void()>> held;
        held.swap(healed.held);
        for (auto& fn : held) fn();  // late, in order
        Trace(absl::StrCat("host ", host, " healed"));
      });
      break;
    }
    case FaultKind::kLoggerCrash:
      if (logger_ && logger_->alive()) {
        logger_->Signal(SIGKILL);
      } else {
        applied = false;
      }
      break;
    case FaultKind::kLoggerSlow:
      applied = scenario_.with_logger;
      logger_slow_ = true;
      break;
    case FaultKind::kLoggerFails:
      applied = scenario_.with_logger;
      logger_fails_ = applied;
      break;
    case FaultKind::kBadFrame:
      if ((w = PickWorker(f.arg, [](SimWorker&) { return true; }))) {
        w->SendBadFrame(static_cast<BadFrame>(f.arg % 4));
      }
      break;
    case FaultKind::kWorkerDropsBatch:
      if ((w = PickWorker(f.arg, [](SimWorker&) { return true; }))) w->DropNextBatch();
      break;
    case FaultKind::kBatchLate:
    case FaultKind::kBatchLost:
      if ((w = PickWorker(f.arg, [](SimWorker&) { return true; }))) {
        w->next_batch = f.kind == FaultKind::kBatchLate ? SimWorker::NextBatch::kLate
                                                        : SimWorker::NextBatch::kLost;
      }
      break;
    case FaultKind::kSpawnFailures:
      spawn_failures_ += f.arg;
      spawn_failures_applied_ += f.arg;
      break;
    case FaultKind::kSignal:
    case FaultKind::kSecondSignal:
      if (first_signal_ == 0) first_signal_ = f.arg;
      ++signals_sent_;
      core_->OnSignal(f.arg, now_);
      break;
  }
  const bool counted = applied && (w != nullptr || (f.kind != FaultKind::kKillRunning &&
                                                    f.kind != FaultKind::kKillPrefetching &&
                                                    f.kind != FaultKind::kKillIdle &&
                                                    f.kind != FaultKind::kStop &&
                                                    f.kind != FaultKind::kKillRemote &&
                                                    f.kind != FaultKind::kBadFrame &&
                                                    f.kind != FaultKind::kWorkerDropsBatch &&
                                                    f.kind != FaultKind::kBatchLate &&
                                                    f.kind != FaultKind::kBatchLost));
  if (counted) {
    ++figures_.faults;
    applied_.insert(f.kind);
  }
  Trace(absl::StrCat("fault ", FaultKindName(f.kind), "(", f.arg, ")",
                     counted ? "" : " found nothing to act on"));
}

}  // namespace taskfarm::sim
