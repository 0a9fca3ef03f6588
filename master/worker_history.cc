#include "master/worker_history.h"

namespace taskfarm::master {

void WorkerHistory::Joined(const WorkerEntry& w) {
  auto [it, fresh] = processes_.try_emplace(KeyOf(w));
  Process& p = it->second;
  if (fresh) {
    p.host = w.host;
    p.pid = w.pid;
    p.remote = w.port > 0;
  } else {
    ++p.rejoined;
  }
  p.current = w.id;
  p.went_lost = false;
}

void WorkerHistory::Lost(const WorkerEntry& w) {
  auto it = processes_.find(KeyOf(w));
  if (it == processes_.end() || it->second.current != w.id) return;
  ++it->second.lost;
  it->second.went_lost = true;
}

void WorkerHistory::Gone(const WorkerEntry& w) {
  const Key key = KeyOf(w);
  auto it = processes_.find(key);
  if (it == processes_.end() || it->second.current != w.id) return;
  it->second.tasks_before += w.tasks_done;
  it->second.current.reset();
  gone_.push_back(key);
  while (gone_.size() > kMaxGone) {
    auto old = processes_.find(gone_.front());
    if (old != processes_.end() && !old->second.current) processes_.erase(old);
    gone_.pop_front();
  }
}

}  // namespace taskfarm::master
