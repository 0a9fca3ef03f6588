#include "supervise/supervisor.h"

#include <signal.h>

namespace taskfarm::supervise {

Supervisor::Supervisor(RestartPolicy policy, SpawnOptions spawn)
    : spawn_(std::move(spawn)), book_(policy, this) {}

Supervisor::~Supervisor() {
  // Signal every child first, then wait for each: shutdown takes one grace
  // period, not one per child.
  for (Proc& p : procs_) {
    if (p.child && p.child->running()) p.child->Kill(SIGTERM);
  }
  for (Proc& p : procs_) {
    if (p.child) p.child->Stop();
  }
}

int Supervisor::Add(std::string name, std::vector<std::string> argv) {
  procs_.push_back(Proc{std::move(name), std::move(argv), std::nullopt});
  return book_.Add();
}

absl::StatusOr<pid_t> Supervisor::Spawn(int slot) {
  Proc& p = procs_[slot];
  p.child.reset();
  absl::StatusOr<ChildProcess> child = ChildProcess::Spawn(p.argv, spawn_);
  if (!child.ok()) return child.status();
  p.child.emplace(*std::move(child));
  return p.child->pid();
}

void Supervisor::Signal(int slot, pid_t, int signal) {
  if (procs_[slot].child) procs_[slot].child->Kill(signal);
}

std::vector<Death> Supervisor::Reap(base::Instant now) {
  for (int i = 0; i < slot_count(); ++i) {
    Proc& p = procs_[i];
    if (!p.child) continue;
    std::optional<ExitStatus> status = p.child->TryReap();
    if (!status) continue;
    p.child.reset();
    book_.Exited(i, *status, now);
  }
  return book_.TakeDeaths();
}

std::optional<int> Supervisor::SlotOfPid(pid_t pid) const {
  for (int i = 0; i < slot_count(); ++i) {
    if (procs_[i].child && procs_[i].child->running() &&
        procs_[i].child->pid() == pid) {
      return i;
    }
  }
  return std::nullopt;
}

}  // namespace taskfarm::supervise
