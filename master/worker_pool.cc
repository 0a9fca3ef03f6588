#include "master/worker_pool.h"

#include "absl/strings/str_cat.h"
#include "proto/codec.h"

namespace taskfarm::master {
namespace {

std::string Key(size_t port, absl::string_view identity) {
  return absl::StrCat(port, ":", identity);
}

}  // namespace

WorkerPool::WorkerPool(std::vector<proto::Transport*> ports,
                       base::Duration liveness)
    : ports_(std::move(ports)), liveness_(liveness) {}

WorkerEntry& WorkerPool::Add(size_t port, const proto::Hello& hello,
                             std::optional<int> slot, base::Instant now) {
  auto entry = std::make_unique<WorkerEntry>();
  WorkerEntry& w = *entry;
  w.id = next_id_++;
  w.port = port;
  w.worker_id = hello.worker_id;
  w.pid = hello.pid;
  w.host = hello.host;
  w.cores = hello.cores;
  w.slot = slot;
  w.expiry = now + liveness_;
  by_identity_[Key(port, w.task_identity())] = w.id;
  by_identity_[Key(port, w.heartbeat_identity())] = w.id;
  if (slot) by_slot_[*slot] = w.id;
  entries_[w.id] = std::move(entry);
  return w;
}

void WorkerPool::Remove(WorkerId id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  const WorkerEntry& w = *it->second;
  by_identity_.erase(Key(w.port, w.task_identity()));
  by_identity_.erase(Key(w.port, w.heartbeat_identity()));
  if (w.slot) by_slot_.erase(*w.slot);
  entries_.erase(it);
}

WorkerEntry* WorkerPool::Get(WorkerId id) {
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : it->second.get();
}

WorkerEntry* WorkerPool::ByIdentity(size_t port, absl::string_view identity) {
  auto it = by_identity_.find(Key(port, identity));
  return it == by_identity_.end() ? nullptr : Get(it->second);
}

WorkerEntry* WorkerPool::BySlot(int slot) {
  auto it = by_slot_.find(slot);
  return it == by_slot_.end() ? nullptr : Get(it->second);
}

std::vector<WorkerId> WorkerPool::Expired(base::Instant now) const {
  std::vector<WorkerId> expired;
  for (const auto& [id, w] : entries_) {
    if (w->expiry < now) expired.push_back(id);
  }
  return expired;
}

void WorkerPool::SendTasks(const WorkerEntry& w, uint64_t batch_id,
                           uint32_t count, zmq::message_t body) {
  proto::Parts parts;
  parts.push_back(proto::Frame(w.task_identity()));
  parts.push_back(proto::Frame(proto::Codec::Encode(proto::Tasks{batch_id, count})));
  parts.push_back(std::move(body));
  (void)ports_[w.port]->Send(absl::MakeSpan(parts));
}

void WorkerPool::Send(const WorkerEntry& w, const proto::Message& message) {
  (void)ports_[w.port]->Send({w.task_identity(), proto::Codec::Encode(message)});
}

void WorkerPool::SendHeartbeats() {
  const std::string beat = proto::Codec::Encode(proto::Heartbeat{});
  for (const auto& [id, w] : entries_) {
    (void)ports_[w->port]->Send({w->heartbeat_identity(), beat},
                                zmq::send_flags::dontwait);
  }
}

}  // namespace taskfarm::master
