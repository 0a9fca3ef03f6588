#include "supervise/slot_book.h"

#include <signal.h>

#include <algorithm>

namespace taskfarm::supervise {

SlotBook::SlotBook(RestartPolicy policy, SlotActions* actions)
    : policy_(policy), actions_(actions) {}

int SlotBook::Add(base::Duration ready_timeout) {
  slots_.emplace_back();
  slots_.back().ready_timeout = ready_timeout;
  return static_cast<int>(slots_.size()) - 1;
}

void SlotBook::Start(int slot, base::Instant now) {
  Transition(slot, given_up_ ? ChildEvent::kGiveUp : ChildEvent::kStart, now);
}

void SlotBook::Transition(int slot, ChildEvent event, base::Instant now) {
  Slot& s = slots_[slot];
  const ChildState before = s.state;
  const ChildState after = Next(before, event);
  if (after == before) return;
  s.state = after;
  if (before == ChildState::kPending) {
    pending_.erase(std::find(pending_.begin(), pending_.end(), slot));
  }
  if (before == ChildState::kStarting) --starting_;
  s.deadline = base::Instant::max();
  switch (after) {
    case ChildState::kPending:
      pending_.push_back(slot);
      break;
    case ChildState::kStarting:
      ++starting_;
      s.stop_requested = false;
      if (s.ready_timeout.count() > 0) s.deadline = now + s.ready_timeout;
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
    case ChildState::kKilling:
    case ChildState::kHung:
      if (s.pid > 0 && before != ChildState::kHung) {
        actions_->Signal(slot, s.pid, SIGKILL);
      }
      break;
    default:
      break;
  }
  // A turn to spawn may have come free, or a slot joined the queue.
  if (before == ChildState::kStarting || after == ChildState::kPending) Pump(now);
}

void SlotBook::Spawn(int slot, base::Instant now) {
  Slot& s = slots_[slot];
  if (s.ever_started) ++restarts_;
  s.ever_started = true;
  s.started = now;
  s.ready = false;
  absl::StatusOr<pid_t> pid = actions_->Spawn(slot);
  if (pid.ok()) {
    s.pid = *pid;
    return;
  }
  s.pid = 0;
  ++s.quick_deaths;
  Death d;
  d.slot = slot;
  d.status = ExitStatus{false, 127};
  d.spawn_error = std::string(pid.status().message());
  deaths_.push_back(std::move(d));
  Transition(slot, ChildEvent::kExited, now);
}

void SlotBook::Pump(base::Instant now) {
  // After a give-up nothing is spawned; the loop below picks up what joins
  // the queue meanwhile.
  if (pumping_ || given_up_) return;
  pumping_ = true;
  while (!pending_.empty() &&
         (policy_.max_starting <= 0 || starting_ < policy_.max_starting)) {
    Transition(pending_.front(), ChildEvent::kSpawn, now);
  }
  pumping_ = false;
}

void SlotBook::Exited(int slot, ExitStatus status, base::Instant now) {
  Slot& s = slots_[slot];
  if (!HasChild(s.state)) return;
  Death d;
  d.slot = slot;
  d.pid = s.pid;
  d.status = status;
  d.was_ready = s.ready;
  d.was_stopping = s.stop_requested;
  if (now - s.started >= policy_.stable_uptime) s.quick_deaths = 0;
  ++s.quick_deaths;
  s.pid = 0;
  s.ready = false;
  deaths_.push_back(std::move(d));
  Transition(slot, ChildEvent::kExited, now);
}

void SlotBook::Ready(int slot, base::Instant now) {
  Slot& s = slots_[slot];
  if (!HasChild(s.state)) return;
  s.ready = true;
  Transition(slot, ChildEvent::kReady, now);
}

void SlotBook::RestartSoon(int slot, base::Instant now) {
  Slot& s = slots_[slot];
  if (s.state == ChildState::kBackoff) {
    // Already dead: this death is forgiven, the restart happens now.
    s.deadline = now;
    s.quick_deaths = 0;
  } else {
    s.restart_soon = true;
  }
}

void SlotBook::Stop(int slot, base::Instant now, int signal,
                    base::Duration grace) {
  Transition(slot, ChildEvent::kStop, now);
  Slot& s = slots_[slot];
  if (s.state != ChildState::kStopping) return;
  s.stop_requested = true;
  if (signal != 0 && s.pid > 0) actions_->Signal(slot, s.pid, signal);
  s.deadline = now + grace;
}

void SlotBook::Kill(int slot, int signal) {
  const Slot& s = slots_[slot];
  if (HasChild(s.state) && s.pid > 0) actions_->Signal(slot, s.pid, signal);
}

void SlotBook::GiveUp(base::Instant now) {
  given_up_ = true;
  for (int i = 0; i < slot_count(); ++i) Transition(i, ChildEvent::kGiveUp, now);
}

std::optional<base::Instant> SlotBook::NextDeadline() const {
  std::optional<base::Instant> next;
  for (const Slot& s : slots_) {
    if (s.deadline != base::Instant::max() && (!next || s.deadline < *next)) {
      next = s.deadline;
    }
  }
  return next;
}

void SlotBook::Tick(base::Instant now) {
  for (int i = 0; i < slot_count(); ++i) {
    if (slots_[i].deadline <= now) Transition(i, ChildEvent::kDeadline, now);
  }
}

std::vector<Death> SlotBook::TakeDeaths() {
  std::vector<Death> deaths;
  deaths.swap(deaths_);
  return deaths;
}

bool SlotBook::AllExited() const {
  return std::all_of(slots_.begin(), slots_.end(), [](const Slot& s) {
    return s.state == ChildState::kDown || s.state == ChildState::kFailed;
  });
}

}  // namespace taskfarm::supervise
