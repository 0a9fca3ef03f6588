#include "supervise/supervisor.h"

#include <signal.h>

#include <algorithm>

#include "base/check.h"

namespace taskfarm::supervise {

Supervisor::Supervisor(RestartPolicy policy, SpawnOptions spawn)
    : policy_(policy), spawn_(std::move(spawn)) {}

Supervisor::~Supervisor() {
  // Signal every child first, then wait for each: shutdown takes one grace
  // period, not one per child.
  for (Slot& s : slots_) {
    if (s.child && s.child->running()) s.child->Kill(SIGTERM);
  }
  for (Slot& s : slots_) {
    if (s.child) s.child->Stop();
  }
}

int Supervisor::Add(std::string name, std::vector<std::string> argv) {
  Slot slot;
  slot.name = std::move(name);
  slot.argv = std::move(argv);
  slots_.push_back(std::move(slot));
  return static_cast<int>(slots_.size()) - 1;
}

void Supervisor::Start(int slot, base::Instant now) {
  Transition(slot, ChildEvent::kStart, now);
}

void Supervisor::Spawn(int slot, base::Instant now) {
  Slot& s = slots_[slot];
  if (s.ever_started) ++restarts_;
  s.ever_started = true;
  s.started = now;
  s.spawn_error.clear();
  absl::StatusOr<ChildProcess> child = ChildProcess::Spawn(s.argv, spawn_);
  if (child.ok()) {
    s.child.emplace(*std::move(child));
  } else {
    s.child.reset();
    s.spawn_error = std::string(child.status().message());
  }
}

void Supervisor::Transition(int slot, ChildEvent event, base::Instant now) {
  Slot& s = slots_[slot];
  ChildState before = s.state;
  s.state = Next(before, event);
  if (s.state == before) return;
  switch (s.state) {
    case ChildState::kStarting:
      Spawn(slot, now);
      break;
    case ChildState::kBackoff: {
      base::Duration delay{0};
      if (s.restart_soon) {
        s.restart_soon = false;
      } else if (s.quick_deaths > 1) {
        delay = policy_.min_delay * (1 << std::min(s.quick_deaths - 2, 16));
        delay = std::min(delay, policy_.max_delay);
      }
      s.deadline = now + delay;
      break;
    }
    default:
      break;
  }
}

std::vector<Death> Supervisor::Reap(base::Instant now) {
  std::vector<Death> deaths;
  for (int i = 0; i < slot_count(); ++i) {
    Slot& s = slots_[i];
    Death d;
    if (s.child) {
      std::optional<ExitStatus> st = s.child->TryReap();
      if (!st) continue;
      d.pid = s.child->pid();
      d.status = *st;
      s.child.reset();
    } else if (!s.spawn_error.empty()) {
      d.status = ExitStatus{false, 127};
      d.spawn_error = s.spawn_error;
      s.spawn_error.clear();
    } else {
      continue;
    }
    d.slot = i;
    d.was_ready = s.state == ChildState::kUp;
    d.was_stopping = s.state == ChildState::kStopping;
    if (now - s.started >= policy_.stable_uptime) s.quick_deaths = 0;
    ++s.quick_deaths;
    deaths.push_back(d);
    // After GiveUp every exit is final, stopped or not.
    Transition(i, giving_up_ ? ChildEvent::kGiveUp : ChildEvent::kExited, now);
  }
  return deaths;
}

void Supervisor::Ready(int slot, base::Instant now) {
  Transition(slot, ChildEvent::kReady, now);
}

void Supervisor::Productive(int slot) { slots_[slot].quick_deaths = 0; }

void Supervisor::RestartSoon(int slot, base::Instant now) {
  Slot& s = slots_[slot];
  if (s.state == ChildState::kBackoff) {
    // Already dead: this death is forgiven, the restart happens now.
    s.deadline = now;
    s.quick_deaths = 0;
  } else {
    s.restart_soon = true;
  }
}

void Supervisor::Stop(int slot, base::Instant now, int signal,
                      base::Duration grace) {
  Slot& s = slots_[slot];
  Transition(slot, ChildEvent::kStop, now);
  if (s.state != ChildState::kStopping) return;
  if (signal != 0 && s.child) s.child->Kill(signal);
  s.deadline = now + grace;
}

void Supervisor::Kill(int slot, int signal) {
  if (slots_[slot].child) slots_[slot].child->Kill(signal);
}

void Supervisor::GiveUp() {
  giving_up_ = true;
  for (int i = 0; i < slot_count(); ++i) {
    ChildState st = slots_[i].state;
    if (st == ChildState::kBackoff || st == ChildState::kDown) {
      Transition(i, ChildEvent::kGiveUp, base::Now());
    }
  }
}

std::optional<base::Instant> Supervisor::NextDeadline() const {
  std::optional<base::Instant> next;
  for (const Slot& s : slots_) {
    bool timed = s.state == ChildState::kBackoff ||
                 (s.state == ChildState::kStopping && s.child);
    if (timed && s.deadline != base::Instant::max() &&
        (!next || s.deadline < *next)) {
      next = s.deadline;
    }
  }
  return next;
}

void Supervisor::Tick(base::Instant now) {
  for (int i = 0; i < slot_count(); ++i) {
    Slot& s = slots_[i];
    if (s.deadline > now) continue;
    if (s.state == ChildState::kBackoff) {
      Transition(i, ChildEvent::kBackoffDone, now);
    } else if (s.state == ChildState::kStopping && s.child &&
               s.deadline != base::Instant::max()) {
      s.child->Kill(SIGKILL);
      s.deadline = base::Instant::max();
    }
  }
}

pid_t Supervisor::pid(int slot) const {
  const Slot& s = slots_[slot];
  return s.child ? s.child->pid() : 0;
}

std::optional<int> Supervisor::SlotOfPid(pid_t pid) const {
  for (int i = 0; i < slot_count(); ++i) {
    if (slots_[i].child && slots_[i].child->pid() == pid) return i;
  }
  return std::nullopt;
}

bool Supervisor::AllExited() const {
  return std::all_of(slots_.begin(), slots_.end(), [](const Slot& s) {
    return !s.child.has_value() &&
           (s.state == ChildState::kDown || s.state == ChildState::kFailed);
  });
}

}  // namespace taskfarm::supervise
