#include "master/dashboard/snapshot_builder.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "master/dashboard/task_text.h"
#include "proto/batch.h"
#include "proto/run_state.h"

namespace taskfarm::master::dashboard {
namespace {

double Seconds(base::Duration d) {
  return std::chrono::duration<double>(d).count();
}

const char* StateName(supervise::ChildState state, bool busy) {
  switch (state) {
    case supervise::ChildState::kStarting: return "starting";
    case supervise::ChildState::kUp: return busy ? "busy" : "idle";
    case supervise::ChildState::kStopping: return "stopping";
    case supervise::ChildState::kBackoff: return "restarting";
    case supervise::ChildState::kFailed: return "failed";
    case supervise::ChildState::kDown: return "exited";
  }
  return "?";
}

// The task a local worker runs, from its shared page: (batch, index,
// started_ns), or nothing if it runs none. The worker writes the page
// while we read: a read that straddles two tasks is discarded.
struct PageTask {
  uint64_t batch_id;
  uint32_t index;
  int64_t started_ns;
};
std::optional<PageTask> ReadPage(const base::SharedPage& page) {
  const auto* state = static_cast<const proto::RunState*>(page.data());
  if (state->running.load(std::memory_order_acquire) == 0) return std::nullopt;
  const int64_t started = state->started_ns.load(std::memory_order_relaxed);
  PageTask t{state->batch_id.load(std::memory_order_relaxed),
             state->index.load(std::memory_order_relaxed), started};
  std::atomic_thread_fence(std::memory_order_acquire);
  if (state->started_ns.load(std::memory_order_relaxed) != started) return std::nullopt;
  return t;
}

}  // namespace

std::string SnapshotBuilder::TaskAt(const SnapshotSources& in, uint64_t batch_id,
                                    uint32_t index) const {
  if (in.kinds == nullptr || in.dispatcher == nullptr) return "";
  const std::string* body = in.dispatcher->BatchBody(batch_id);
  if (body == nullptr) return "";
  proto::TaskBatchReader reader;
  proto::TaskView task;
  if (!reader.Open(*body).ok() || index >= reader.size() ||
      !reader.Get(index, &task).ok() || task.kind_index >= in.kinds->size()) {
    return "";
  }
  return absl::StrCat("#", task.id, " ",
                      TaskText(in.kinds->at(task.kind_index).name, task.args));
}

void SnapshotBuilder::AddHistory(Snapshot& s, bool force) {
  const uint64_t done = s.reported + s.skipped;
  if (!history_.empty() && history_.back().t >= s.elapsed_s) {
    history_.back().done = done;  // the same moment, published again
  } else if (history_.empty() || force ||
             s.elapsed_s - history_.back().t >= history_step_) {
    history_.push_back({s.elapsed_s, done});
  }
  if (history_.size() > kMaxHistory) {  // keep every other point
    std::vector<Snapshot::Point> half;
    for (size_t i = 0; i < history_.size(); i += 2) half.push_back(history_[i]);
    if (half.back().t != history_.back().t) half.push_back(history_.back());
    history_ = std::move(half);
    history_step_ *= 2;
  }
  // The rate over the last kRateWindowSeconds of the history.
  const Snapshot::Point now{s.elapsed_s, done};
  const Snapshot::Point* then = &history_.front();
  for (auto it = history_.rbegin(); it != history_.rend(); ++it) {
    then = &*it;
    if (now.t - it->t >= kRateWindowSeconds) break;
  }
  if (now.t - then->t > 0.5) {
    s.rate = static_cast<double>(now.done - then->done) / (now.t - then->t);
  }
  if (!s.finished && s.total > done && s.rate > 0) {
    s.eta_s = static_cast<double>(s.total - done) / s.rate;
  }
  s.history = history_;
}

void SnapshotBuilder::Progress(const SnapshotSources& in, Snapshot& s) {
  const Stats& stats = *in.stats;
  s.total = in.total;
  s.skipped = stats.skipped();
  s.reported = stats.done();
  s.by_status = stats.by_status();
  s.in_flight = in.dispatcher != nullptr ? in.dispatcher->TasksOut() : 0;
  const uint64_t accounted = s.skipped + s.reported + s.in_flight;
  s.queued = s.total > accounted ? s.total - accounted : 0;
  const Stats::Detail& d = stats.detail();
  s.failures.assign(d.failures.begin(), d.failures.end());
  s.failures_total = d.failures_total;
  s.worker_deaths = static_cast<uint64_t>(stats.worker_deaths());
  s.logger_restarts = static_cast<uint64_t>(stats.logger_restarts());
  s.restarts = in.supervisor != nullptr ? static_cast<uint64_t>(in.supervisor->restarts()) : 0;
  // Without a logger process, a record counts as written once delivered.
  s.records_relayed = in.relay != nullptr ? in.relay->records_pushed() : stats.done();
  s.records_acked = in.relay != nullptr ? in.relay->records_acked() : stats.done();
  s.bytes_out = d.bytes_out;
  s.bytes_in = d.bytes_in;
  s.dropped = stats.dropped();
  s.duration_counts = d.duration_counts;
  s.duration_sum_s = 1e-6 * static_cast<double>(d.duration_us);
  s.duration_count = d.duration_count;
}

void SnapshotBuilder::LocalWorkers(const SnapshotSources& in, base::Instant now,
                                   Snapshot& s) {
  if (in.supervisor == nullptr || in.worker_slots == nullptr || in.pool == nullptr) return;
  const Stats::Detail& d = in.stats->detail();
  const int64_t now_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  const std::vector<int>& slots = *in.worker_slots;
  // The running slots first, then the newest of those that exited.
  std::vector<size_t> shown;
  for (size_t i = 0; i < slots.size(); ++i) {
    if (in.supervisor->state(slots[i]) != supervise::ChildState::kDown) shown.push_back(i);
  }
  for (size_t i = slots.size(); i-- > 0 && shown.size() < kMaxWorkerRows;) {
    if (in.supervisor->state(slots[i]) == supervise::ChildState::kDown) shown.push_back(i);
  }
  if (shown.size() > kMaxWorkerRows) shown.resize(kMaxWorkerRows);
  std::sort(shown.begin(), shown.end());
  for (size_t i : shown) {
    const int slot = slots[i];
    WorkerRow row;
    row.name = absl::StrCat("worker ", i + 1);
    row.pid = in.supervisor->pid(slot);
    if (auto it = d.tasks_by_slot.find(slot); it != d.tasks_by_slot.end()) row.tasks = it->second;
    if (auto it = d.deaths_by_slot.find(slot); it != d.deaths_by_slot.end()) row.restarts = it->second;
    bool busy = false;
    if (const WorkerEntry* w = in.pool->BySlot(slot)) {
      row.host = w->host;
      row.rss_kb = w->last_heartbeat.rss_kb;
      std::optional<PageTask> t;
      if (in.pages != nullptr) {
        if (auto page = in.pages->find(slot); page != in.pages->end()) t = ReadPage(page->second);
      }
      if (t) {
        busy = true;
        row.task = TaskAt(in, t->batch_id, t->index);
        row.running_s = std::max(0.0, 1e-9 * static_cast<double>(now_ns - t->started_ns));
      }
    }
    row.state = StateName(in.supervisor->state(slot), busy);
    auto& [host, pid] = last_seen_[slot];
    if (!row.host.empty()) host = row.host;
    if (row.pid != 0) pid = row.pid;
    if (row.host.empty()) row.host = host;
    if (row.pid == 0) row.pid = pid;  // its last process, now gone
    s.workers.push_back(std::move(row));
  }
  if (in.logger_slot >= 0) {
    s.logger_pid = in.supervisor->pid(in.logger_slot);
    s.logger_state = StateName(in.supervisor->state(in.logger_slot), false);
    if (s.logger_state == "idle") s.logger_state = "up";
  }
}

void SnapshotBuilder::RemoteWorkers(const SnapshotSources& in, Snapshot& s) {
  if (in.pool == nullptr) return;
  for (auto& [key, r] : remotes_) r.present = false;
  in.pool->ForEach([&](const WorkerEntry& w) {
    if (w.slot) return;
    Remote& r = remotes_[absl::StrCat(w.host, " ", w.pid)];
    if (r.ids.insert(w.id).second && r.ids.size() > 1) ++r.row.rejoined;
    r.present = true;
    r.row.name = absl::StrCat(w.host, ":", w.pid);
    r.row.host = w.host;
    r.row.pid = w.pid;
    r.row.remote = true;
    r.row.rss_kb = w.last_heartbeat.rss_kb;
    r.row.task.clear();
    r.row.running_s = -1;
    const auto running = in.dispatcher != nullptr ? in.dispatcher->Running(w.id) : std::nullopt;
    if (running) {
      r.row.task = TaskAt(in, running->first, running->second);
      if (w.last_heartbeat.batch_id == running->first) {
        r.row.running_s = 1e-3 * static_cast<double>(w.last_heartbeat.running_ms);
      }
    }
    r.row.state = running ? "busy" : "idle";
  });
  for (auto& [key, r] : remotes_) {
    if (s.workers.size() >= kMaxWorkerRows) break;
    if (!r.present && (r.row.state == "busy" || r.row.state == "idle")) {
      // Gone from the pool: lost while the batch ran, else it left.
      const bool lost = s.phase == "running";
      if (lost) ++r.row.lost;
      r.row.state = lost ? "lost" : "left";
      r.row.task.clear();
      r.row.running_s = -1;
    }
    r.row.tasks = 0;
    for (WorkerId id : r.ids) {
      if (auto it = in.stats->workers().find(id); it != in.stats->workers().end()) {
        r.row.tasks += it->second.tasks;
      }
    }
    s.workers.push_back(r.row);
  }
}

std::shared_ptr<const Snapshot> SnapshotBuilder::Build(const SnapshotSources& in,
                                                       base::Instant now,
                                                       int64_t unix_ms) {
  auto s = std::make_shared<Snapshot>();
  s->unix_ms = unix_ms;
  s->elapsed_s = Seconds(now - start_);
  s->phase = in.phase;
  s->finished = in.finished;
  s->outcome = in.outcome;
  s->exit_code = in.exit_code;
  if (in.stats != nullptr) {
    Progress(in, *s);
    LocalWorkers(in, now, *s);
    RemoteWorkers(in, *s);
  }
  AddHistory(*s, /*force=*/in.finished);
  return s;
}

}  // namespace taskfarm::master::dashboard
