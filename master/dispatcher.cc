#include "master/dispatcher.h"

#include <algorithm>

#include "base/check.h"

namespace taskfarm::master {

Dispatcher::Dispatcher(Options options) : options_(options) {
  // Options out of range are brought into it: a batch never holds more
  // tasks than a frame may (a worker would drop it, and we could not read
  // it back to requeue it).
  options_.window = std::max<uint32_t>(options_.window, 1);
  options_.max_batch = std::clamp<uint32_t>(options_.max_batch, 1, proto::kMaxBatchSize);
  options_.retries = std::max<uint32_t>(options_.retries, 1);
}

void Dispatcher::AddWorker(WorkerId id, int64_t pid, uint64_t budget) {
  Worker& w = workers_[id];
  w.pid = pid;
  w.capped = budget > 0;
  w.budget = budget;
  MarkReady(id, w);
}

bool Dispatcher::Spent(WorkerId id) const {
  auto it = workers_.find(id);
  return it != workers_.end() && it->second.capped && it->second.budget == 0;
}

bool Dispatcher::Busy(WorkerId id) const {
  auto it = workers_.find(id);
  return it != workers_.end() && !it->second.batches.empty();
}

void Dispatcher::MarkReady(WorkerId id, Worker& w) {
  if (w.capped && w.budget == 0) return;
  if (!w.ready && w.batches.size() < options_.window) {
    w.ready = true;
    ready_.push_back(id);
  }
}

uint32_t Dispatcher::BatchSize(const Worker& w, uint64_t left) const {
  if (w.ns_per_task < 0) return 1;  // first, measure
  double target = static_cast<double>(
      std::chrono::nanoseconds(options_.target_batch_time).count());
  double size = target / std::max(w.ns_per_task, 1.0);
  // A share of what is left: half of it split among the workers.
  const double share = static_cast<double>(left) /
                       (2.0 * static_cast<double>(std::max<size_t>(1, workers_.size())));
  size = std::min(size, share);
  if (size >= options_.max_batch) return options_.max_batch;
  if (!(size >= 1)) return 1;  // a target of 0 or less (or NaN): one at a time
  return static_cast<uint32_t>(size);
}

std::optional<Dispatcher::Grant> Dispatcher::NextGrant(bool fresh_available,
                                                       uint64_t fresh_left) {
  size_t checked = 0;
  const size_t ready_count = ready_.size();
  while (checked++ < ready_count && !ready_.empty()) {
    WorkerId id = ready_.front();
    ready_.pop_front();
    auto it = workers_.find(id);
    if (it == workers_.end()) continue;
    Worker& w = it->second;
    w.ready = false;
    const size_t out = w.batches.size();
    if (out >= options_.window || (w.capped && w.budget == 0)) continue;
    if (!isolated_.empty()) {
      if (out == 0) {
        if (w.reserved) {
          w.reserved = false;
          --reserved_;
        }
        return Grant{id, 1, true};
      }
      if (w.reserved) continue;  // draining; ready again when empty
      if (reserved_ < isolated_.size()) {
        w.reserved = true;
        ++reserved_;
        continue;
      }
    }
    // A worker running an isolated task holds nothing else.
    if (out > 0 && batches_.at(w.batches.front()).isolated) continue;
    if (requeued_.empty() && !fresh_available) {
      // Nothing to send now; stay ready for requeued work.
      w.ready = true;
      if (isolated_.empty()) {
        ready_.push_front(id);
        return std::nullopt;
      }
      // A drained worker further on may still take an isolated task.
      ready_.push_back(id);
      continue;
    }
    // Tasks still to go out: the requeued ones and what the feed has left
    // (UINT64_MAX: unknown).
    const uint64_t fresh = fresh_available ? fresh_left : 0;
    const uint64_t left = fresh > UINT64_MAX - requeued_.size()
                              ? UINT64_MAX
                              : fresh + requeued_.size();
    uint32_t size = BatchSize(w, left);
    if (w.capped && w.budget < size) size = static_cast<uint32_t>(w.budget);
    return Grant{id, size, false};
  }
  return std::nullopt;
}

uint32_t Dispatcher::TakeRequeued(const Grant& grant,
                                  proto::TaskBatchWriter* writer,
                                  uint64_t* min_id) {
  std::deque<LooseTask>& queue = grant.isolated ? isolated_ : requeued_;
  const uint32_t max = grant.isolated ? 1 : grant.max_tasks;
  uint32_t taken = 0;
  while (taken < max && !queue.empty()) {
    const LooseTask& t = queue.front();
    writer->AddPacked(t.id, t.kind, t.args, t.attempts + 1);
    *min_id = std::min(*min_id, t.id);
    queue.pop_front();
    ++taken;
  }
  if (grant.isolated && isolated_.empty()) ReleaseReservations();
  return taken;
}

void Dispatcher::ReleaseReservations() {
  if (reserved_ == 0) return;
  for (auto& [id, w] : workers_) {
    if (w.reserved) {
      w.reserved = false;
      MarkReady(id, w);
    }
  }
  reserved_ = 0;
}

uint64_t Dispatcher::Commit(const Grant& grant,
                            std::shared_ptr<const std::string> body,
                            uint32_t count, uint64_t min_id, bool consecutive) {
  TF_CHECK(count > 0);
  const uint64_t batch_id = next_batch_id_++;
  Worker& w = workers_.at(grant.worker);
  batches_[batch_id] = Batch{grant.worker, std::move(body), count, 0,
                             grant.isolated, min_id, consecutive};
  w.batches.push_back(batch_id);
  if (w.capped) w.budget -= std::min<uint64_t>(w.budget, count);
  if (!grant.isolated) MarkReady(grant.worker, w);
  return batch_id;
}

void Dispatcher::Return(const Grant& grant) {
  auto it = workers_.find(grant.worker);
  if (it != workers_.end()) MarkReady(grant.worker, it->second);
}

bool Dispatcher::OnResults(WorkerId worker, const proto::Results& r) {
  auto it = batches_.find(r.batch_id);
  if (it == batches_.end() || it->second.worker != worker) return false;
  Batch& b = it->second;
  if (r.offset != b.done || r.count == 0 || r.count > b.count - b.done) {
    return false;
  }
  b.done += r.count;
  Worker& w = workers_.at(worker);
  double ns = static_cast<double>(r.elapsed_us) * 1000.0 / r.count;
  w.ns_per_task = w.ns_per_task < 0 ? ns : 0.75 * w.ns_per_task + 0.25 * ns;
  if (b.done == b.count) {
    // first_id is only a lower bound (the caller may pass 0): read the id.
    if (b.isolated) strikes_.erase(Loosen(b, 0).front().id);
    DropBatch(r.batch_id);
    MarkReady(worker, w);
  }
  return true;
}

void Dispatcher::DropBatch(uint64_t batch_id) {
  auto it = batches_.find(batch_id);
  if (it == batches_.end()) return;
  auto w = workers_.find(it->second.worker);
  if (w != workers_.end()) {
    std::deque<uint64_t>& list = w->second.batches;
    list.erase(std::remove(list.begin(), list.end(), batch_id), list.end());
  }
  batches_.erase(it);
}

std::vector<LooseTask> Dispatcher::Loosen(const Batch& batch,
                                          uint32_t from) const {
  std::vector<LooseTask> tasks;
  proto::TaskBatchReader reader;
  proto::TaskView view;
  // We encoded the body ourselves: failing to read it back is our bug.
  TF_CHECK(reader.Open(*batch.body).ok());
  for (uint32_t i = from; i < batch.count; ++i) {
    TF_CHECK(reader.Get(i, &view).ok());
    LooseTask t;
    t.id = view.id;
    t.kind = view.kind_index;
    t.args = proto::PackArgs(view.args);
    auto s = strikes_.find(view.id);
    if (s != strikes_.end()) {
      t.attempts = s->second.attempts;
      t.strikes = s->second.strikes;
      t.failure = s->second.failure;
      t.reason = s->second.reason;
      t.last_pid = s->second.last_pid;
    } else {
      t.attempts = view.attempt - 1;
    }
    tasks.push_back(std::move(t));
  }
  return tasks;
}

std::optional<LooseTask> Dispatcher::Strike(LooseTask task, const Loss& loss) {
  ++task.attempts;
  ++task.strikes;
  task.failure = loss.status;
  task.reason = loss.reason;
  task.last_pid = loss.pid;
  if (task.strikes >= options_.retries) {
    strikes_.erase(task.id);
    return task;
  }
  strikes_[task.id] = StrikeRecord{task.attempts, task.strikes, task.failure,
                                   task.reason, task.last_pid};
  isolated_.push_back(std::move(task));
  return std::nullopt;
}

void Dispatcher::Requeue(std::vector<LooseTask> tasks, bool suspects) {
  std::deque<LooseTask>& queue = suspects ? isolated_ : requeued_;
  // Requeued tasks are older than any fresh one: they go first, in order.
  for (auto it = tasks.rbegin(); it != tasks.rend(); ++it) {
    if (!suspects && strikes_.contains(it->id)) {
      isolated_.push_front(std::move(*it));  // struck before: still alone
    } else {
      queue.push_front(std::move(*it));
    }
  }
}

std::vector<LooseTask> Dispatcher::OnFatal(WorkerId worker,
                                           const proto::Fatal& fatal) {
  std::vector<LooseTask> quarantined;
  auto it = batches_.find(fatal.batch_id);
  if (it == batches_.end() || it->second.worker != worker) return quarantined;
  const Batch& b = it->second;
  if (fatal.index < b.done || fatal.index >= b.count) return quarantined;
  workers_.at(worker).fatal = true;
  std::vector<LooseTask> tasks = Loosen(b, b.done);
  const size_t culprit = fatal.index - b.done;
  Loss loss;
  loss.status = fatal.kind == proto::FatalKind::kOom       ? proto::TaskStatus::kOom
                : fatal.kind == proto::FatalKind::kTimeout ? proto::TaskStatus::kTimeout
                                                           : proto::TaskStatus::kCrashed;
  loss.reason = fatal.reason;
  loss.pid = workers_.at(worker).pid;
  if (std::optional<LooseTask> q = Strike(std::move(tasks[culprit]), loss)) {
    quarantined.push_back(*std::move(q));
  }
  tasks.erase(tasks.begin() + static_cast<std::ptrdiff_t>(culprit));
  Requeue(std::move(tasks), /*suspects=*/false);
  DropBatch(fatal.batch_id);
  return quarantined;
}

std::vector<LooseTask> Dispatcher::TakeBack(WorkerId id, const Loss& loss,
                                            std::optional<uint64_t> only) {
  std::vector<LooseTask> quarantined;
  auto wit = workers_.find(id);
  if (wit == workers_.end()) return quarantined;
  Worker& w = wit->second;
  // Who is to blame: nobody after a Fatal (already struck) or when no task
  // was running; the task named by `loss.running` if it is one of ours;
  // else it is inferred from the oldest unfinished batch.
  const bool blameless = w.fatal || loss.idle;
  std::optional<std::pair<uint64_t, uint32_t>> named;
  if (!blameless && loss.running) {
    auto b = batches_.find(loss.running->first);
    if (b != batches_.end() && b->second.worker == id &&
        loss.running->second >= b->second.done &&
        loss.running->second < b->second.count) {
      named = loss.running;
    }
  }
  bool infer = !blameless && !named;
  std::deque<uint64_t> batch_ids;
  if (!only) {
    batch_ids.swap(w.batches);
  } else if (std::find(w.batches.begin(), w.batches.end(), *only) != w.batches.end()) {
    batch_ids.push_back(*only);
    w.batches.erase(std::find(w.batches.begin(), w.batches.end(), *only));
  }
  for (uint64_t batch_id : batch_ids) {
    const Batch& b = batches_.at(batch_id);
    std::vector<LooseTask> tasks = Loosen(b, b.done);
    std::optional<size_t> culprit;
    bool suspects = false;
    if (named && named->first == batch_id) {
      culprit = named->second - b.done;
    } else if (infer && !tasks.empty()) {
      infer = false;  // only the oldest unfinished batch can be running
      if (b.isolated || (tasks.size() == 1 && !loss.silent)) {
        culprit = 0;
      } else {
        suspects = true;
      }
    }
    if (culprit) {
      if (std::optional<LooseTask> q = Strike(std::move(tasks[*culprit]), loss)) {
        quarantined.push_back(*std::move(q));
      }
      tasks.erase(tasks.begin() + static_cast<std::ptrdiff_t>(*culprit));
    }
    Requeue(std::move(tasks), suspects);
    batches_.erase(batch_id);
  }
  MarkReady(id, w);
  return quarantined;
}

std::vector<LooseTask> Dispatcher::RemoveWorker(WorkerId id, const Loss& loss) {
  std::vector<LooseTask> quarantined = TakeBack(id, loss);
  auto wit = workers_.find(id);
  if (wit == workers_.end()) return quarantined;
  if (wit->second.reserved) --reserved_;
  workers_.erase(wit);
  if (isolated_.empty()) ReleaseReservations();
  return quarantined;
}

std::optional<Dispatcher::BatchView> Dispatcher::Find(uint64_t batch_id) const {
  auto it = batches_.find(batch_id);
  if (it == batches_.end()) return std::nullopt;
  const Batch& b = it->second;
  return BatchView{b.worker, b.count, b.done, b.first_id, b.consecutive, b.body.get()};
}

uint64_t Dispatcher::TasksOut() const {
  uint64_t out = 0;
  for (const auto& [id, b] : batches_) out += b.count - b.done;
  return out;
}

bool Dispatcher::Idle() const {
  return batches_.empty() && requeued_.empty() && isolated_.empty();
}

std::optional<uint64_t> Dispatcher::LowestPendingId() const {
  std::optional<uint64_t> lowest;
  auto consider = [&lowest](uint64_t id) {
    if (!lowest || id < *lowest) lowest = id;
  };
  for (const auto& [id, b] : batches_) consider(b.first_id);
  for (const LooseTask& t : requeued_) consider(t.id);
  for (const LooseTask& t : isolated_) consider(t.id);
  return lowest;
}

std::optional<std::pair<uint64_t, uint32_t>> Dispatcher::Running(
    WorkerId worker) const {
  auto it = workers_.find(worker);
  if (it == workers_.end() || it->second.batches.empty()) return std::nullopt;
  uint64_t batch_id = it->second.batches.front();
  return std::make_pair(batch_id, batches_.at(batch_id).done);
}

std::vector<uint64_t> Dispatcher::Unfinished(WorkerId worker) const {
  std::vector<uint64_t> ids;
  auto it = workers_.find(worker);
  if (it == workers_.end()) return ids;
  for (uint64_t batch_id : it->second.batches) {
    const Batch& b = batches_.at(batch_id);
    for (const LooseTask& t : Loosen(b, b.done)) ids.push_back(t.id);
  }
  return ids;
}

const std::string* Dispatcher::BatchBody(uint64_t batch_id) const {
  auto it = batches_.find(batch_id);
  return it == batches_.end() ? nullptr : it->second.body.get();
}

}  // namespace taskfarm::master
