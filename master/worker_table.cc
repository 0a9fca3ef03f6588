#include "master/worker_table.h"

#include <algorithm>

#include "proto/contract.h"

namespace taskfarm::master {

WorkerEntry& WorkerTable::Add(size_t port, const proto::Hello& hello,
                              std::optional<int> slot, base::Instant now) {
  auto entry = std::make_unique<WorkerEntry>();
  WorkerEntry& w = *entry;
  w.id = next_id_++;
  w.port = port;
  w.worker_id = hello.worker_id;
  w.task_identity = proto::TaskIdentity(hello.worker_id);
  w.heartbeat_identity = proto::HeartbeatIdentity(hello.worker_id);
  w.pid = hello.pid;
  w.host = hello.host;
  w.cores = hello.cores;
  w.slot = slot;
  w.joined = now;
  Touch(w, now);
  if (by_identity_.size() <= port) by_identity_.resize(port + 1);
  by_identity_[port][w.task_identity] = w.id;
  by_identity_[port][w.heartbeat_identity] = w.id;
  entries_[w.id] = std::move(entry);
  return w;
}

void WorkerTable::Remove(WorkerId id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  const WorkerEntry& w = *it->second;
  by_identity_[w.port].erase(w.task_identity);
  by_identity_[w.port].erase(w.heartbeat_identity);
  entries_.erase(it);
}

WorkerEntry* WorkerTable::Get(WorkerId id) {
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : it->second.get();
}

const WorkerEntry* WorkerTable::Get(WorkerId id) const {
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : it->second.get();
}

WorkerEntry* WorkerTable::ByIdentity(size_t port, absl::string_view identity) {
  if (port >= by_identity_.size()) return nullptr;
  auto it = by_identity_[port].find(identity);
  return it == by_identity_[port].end() ? nullptr : Get(it->second);
}

std::vector<WorkerId> WorkerTable::Expired(base::Instant now) const {
  std::vector<WorkerId> expired;
  if (now < earliest_expiry_) return expired;
  earliest_expiry_ = base::Instant::max();
  // Over all of them: one the caller keeps is found again next time.
  for (const auto& [id, w] : entries_) {
    if (w->expiry <= now) expired.push_back(id);
    earliest_expiry_ = std::min(earliest_expiry_, w->expiry);
  }
  return expired;
}

}  // namespace taskfarm::master
