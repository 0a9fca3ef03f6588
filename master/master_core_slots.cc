// MasterCore: local slots (the workers' and the logger's), their children
// spawned and signalled through the outbox, and what a death means: for a
// worker, the task it was running (from its page) and the crash loop; for
// the logger, a restart or an output that cannot be written.

#include <signal.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "master/master_core.h"
#include "proto/contract.h"

namespace taskfarm::master {
namespace {

namespace exit = proto::master_exit;

// A local worker that has not said hello this long after its spawn is
// stuck (or stopped): it is killed, and replaced.
constexpr std::chrono::seconds kWorkerReadyTimeout{30};
// Pids of dead local workers remembered, to refuse their late hellos.
constexpr size_t kDeadPidsKept = 4096;

// Signals others send; a process does not die of these by itself.
bool KilledFromOutside(const supervise::ExitStatus& status) {
  return status.signaled && (status.code == SIGKILL || status.code == SIGTERM);
}

}  // namespace

absl::StatusOr<pid_t> MasterCore::Spawn(int slot) {
  LocalSlot& s = slots_[slot];
  ++s.starts;
  SlotSpec spec;
  spec.role = s.role;
  if (s.role == SlotSpec::Role::kLogger) {
    spec.first_logger = !logger_started_;
    logger_started_ = true;
  } else {
    // Each local worker publishes its running task in a page of its slot's.
    spec.page = slot;
    spec.map_page = !s.page.has_value();
    if (s.page) ClearPage(*s.page);
  }
  absl::StatusOr<Spawned> spawned = out_->StartSlot(slot, spec);
  if (!spawned.ok()) return spawned.status();
  if (spawned->page) s.page = std::move(spawned->page);
  s.last_pid = spawned->pid;
  return spawned->pid;
}

void MasterCore::Signal(int slot, pid_t pid, int signal) {
  out_->SignalSlot(slot, pid, signal);
}

int MasterCore::AddWorkerSlot(base::Instant now) {
  // A slot given up by a recycled worker whose child is gone is reused,
  // page and all: slots stay as many as the workers, twice at most.
  int slot = -1;
  for (int i = 0; i < static_cast<int>(slots_.size()) && slot < 0; ++i) {
    if (slots_[i].spare && book_.state(i) == supervise::ChildState::kDown) slot = i;
  }
  if (slot < 0) {
    const int cap = 2 * options_.workers + (logger_slot_ ? 1 : 0);
    if (static_cast<int>(slots_.size()) >= cap) {
      ++owed_successors_;  // started when a recycled worker's child is gone
      return -1;
    }
    slot = book_.Add(kWorkerReadyTimeout);
    slots_.push_back(LocalSlot{SlotSpec::Role::kWorker});
  }
  slots_[slot].spare = false;
  book_.Start(slot, now);
  return slot;
}

void MasterCore::OnSlotExited(int slot, supervise::ExitStatus status,
                              base::Instant now) {
  book_.Exited(slot, status, now);
  HandleDeaths(now);
}

void MasterCore::HandleDeaths(base::Instant now) {
  for (std::vector<supervise::Death> deaths = book_.TakeDeaths();
       !deaths.empty(); deaths = book_.TakeDeaths()) {
    for (const supervise::Death& d : deaths) {
      const std::string how =
          d.spawn_error.empty() ? d.status.ToString() : d.spawn_error;
      if (slots_[d.slot].role == SlotSpec::Role::kLogger) {
        OnLoggerDeath(d, how, now);
      } else {
        OnWorkerDeath(d, how, now);
      }
      if (breaker_.Tripped() && (!stop_ || stop_->code != exit::kCrashLoop)) {
        out_->Say(absl::StrFormat(
            "taskfarm: crash loop: %d deaths within %.0f s and no task "
            "succeeded (last: %s); stopping",
            breaker_.recent_deaths(), base::Seconds(options_.crash_loop_window),
            last_death_));
        book_.GiveUp(now);
        Stop(StopReason{exit::kCrashLoop,
                        absl::StrCat("crash loop (last: ", last_death_, ")")},
             /*at_once=*/true, now);
      }
    }
  }
}

void MasterCore::OnLoggerDeath(const supervise::Death& d,
                               const std::string& how, base::Instant now) {
  relay_.Detach();
  if (d.was_stopping) return;
  if (!d.status.signaled && d.status.code == proto::logger_exit::kOutputFailed) {
    book_.GiveUp(now);
    Stop(StopReason{exit::kOutputFailed, "the output cannot be written"}, false,
         now);
    return;
  }
  if (!d.status.signaled && d.status.code == proto::logger_exit::kOutputClosed) {
    // The reader of the output went away (`| head -1`): nothing more can
    // be written, and nobody is left to read a complaint.
    book_.GiveUp(now);
    Stop(StopReason{exit::kOutputClosed, "the reader of the output went away"},
         /*at_once=*/true, now);
    return;
  }
  out_->Say(d.spawn_error.empty()
                ? absl::StrFormat("taskfarm: logger %d died (%s); restarting it",
                                  d.pid, how)
                : absl::StrFormat("taskfarm: the logger could not be started "
                                  "(%s); trying again",
                                  how));
  stats_.AddLoggerRestart();
  if (!KilledFromOutside(d.status)) breaker_.RecordDeath(now);
  last_death_ = absl::StrCat("logger ", d.pid, ": ", how);
}

void MasterCore::OnWorkerDeath(const supervise::Death& d,
                               const std::string& how, base::Instant now) {
  LocalSlot& s = slots_[d.slot];
  if (d.pid > 0) {
    if (dead_pids_.size() >= kDeadPidsKept) dead_pids_.clear();
    dead_pids_.insert(d.pid);
  }
  // It told us which task killed it (Fatal), or its page says one ran.
  bool in_task = s.fatal_reported;
  s.fatal_reported = false;
  if (s.worker) {
    if (const WorkerEntry* w = workers_.Get(*s.worker)) {
      Loss loss = LossOf(*w, proto::TaskStatus::kCrashed, how);
      in_task = in_task || !loss.idle;
      if (d.was_stopping) {
        // The master stopped it to end the batch: its task is abandoned,
        // not to blame.
        loss.running.reset();
        loss.idle = true;
      }
      LoseWorker(w->id, loss, now);
    }
    s.worker.reset();
  }
  if (d.was_stopping) {
    if (s.spare && owed_successors_ > 0 && phase_ == Phase::kRunning) {
      --owed_successors_;
      AddWorkerSlot(now);
    }
    return;
  }
  stats_.AddWorkerDeath();
  ++s.deaths;
  // A crash loop is workers that cannot start or stay up: deaths before
  // their hello, or on their own while idle. A death in a task is that
  // task's strike (its replacement starts at once), and an idle worker
  // killed from outside (SIGKILL, SIGTERM) says nothing about the batch.
  if (in_task || KilledFromOutside(d.status)) {
    book_.RestartSoon(d.slot, now);
  } else {
    breaker_.RecordDeath(now);
  }
  last_death_ = absl::StrCat("worker ", d.pid, ": ", how,
                             d.was_ready ? "" : " before saying hello");
}

Loss MasterCore::LossOf(const WorkerEntry& w, proto::TaskStatus status,
                        std::string reason) const {
  Loss loss{status, std::move(reason), w.pid, std::nullopt};
  if (w.slot && slots_[*w.slot].page) RunningFromPage(*slots_[*w.slot].page, &loss);
  return loss;
}

bool MasterCore::WorkerSlotsGone() const {
  for (int slot = 0; slot < static_cast<int>(slots_.size()); ++slot) {
    if (slots_[slot].role == SlotSpec::Role::kWorker && book_.pid(slot) != 0) {
      return false;
    }
  }
  return true;
}

std::optional<int> MasterCore::SlotOfPid(pid_t pid) const {
  for (int slot = 0; slot < static_cast<int>(slots_.size()); ++slot) {
    if (slots_[slot].role == SlotSpec::Role::kWorker && book_.pid(slot) == pid &&
        pid > 0) {
      return slot;
    }
  }
  return std::nullopt;
}

}  // namespace taskfarm::master
