// MasterCore: the snapshot a dashboard shows (master/snapshot.h), made from
// the core's books on demand: slots and their pages, the worker table and
// the history of workers without a slot, the dispatcher's live batches
// (for the text of a running task), the relay and Stats. Nothing here runs
// per task.

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "journal/task_words.h"
#include "master/master_core.h"
#include "proto/batch.h"

namespace taskfarm::master {
namespace {

const char* SlotStateName(supervise::ChildState state, bool busy) {
  using S = supervise::ChildState;
  switch (state) {
    case S::kPending:
    case S::kStarting: return "starting";
    case S::kUp:
    case S::kLastUp: return busy ? "busy" : "idle";
    case S::kStopping:
    case S::kKilling: return "stopping";
    case S::kHung:
    case S::kBackoff: return "restarting";
    case S::kFailed: return "failed";
    case S::kDown: return "exited";
  }
  return "?";
}

}  // namespace

std::string MasterCore::TaskText(uint64_t batch_id, uint32_t index) const {
  const std::string* body = dispatcher_.BatchBody(batch_id);
  if (!kinds_ || body == nullptr) return "";
  proto::TaskBatchReader reader;
  proto::TaskView task;
  if (!reader.Open(*body).ok() || index >= reader.size() ||
      !reader.Get(index, &task).ok() || task.kind_index >= kinds_->size()) {
    return "";
  }
  return absl::StrCat("#", task.id, " ",
                      journal::TaskLine(kinds_->at(task.kind_index).name,
                                        task.args, Snapshot::kMaxTaskText));
}

void MasterCore::LocalRows(base::Instant now, Snapshot& s) const {
  // Worker slots by number; past the row limit, the running ones first.
  std::vector<int> shown;
  for (bool running : {true, false}) {
    for (int slot = 0; slot < static_cast<int>(slots_.size()); ++slot) {
      if (slots_[slot].role == SlotSpec::Role::kWorker &&
          (book_.state(slot) != supervise::ChildState::kDown) == running &&
          shown.size() < Snapshot::kMaxWorkerRows) {
        shown.push_back(slot);
      }
    }
  }
  std::sort(shown.begin(), shown.end());
  const int64_t now_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch())
          .count();
  const int first = logger_slot_ == 0 ? 1 : 0;  // worker slots count from 1
  for (int slot : shown) {
    const LocalSlot& ls = slots_[slot];
    WorkerRow row;
    row.name = absl::StrCat("worker ", slot - first + 1);
    row.host = ls.host;
    row.pid = book_.pid(slot) != 0 ? book_.pid(slot) : ls.last_pid;
    row.tasks = ls.tasks;
    row.restarts = ls.deaths;
    bool busy = false;
    const WorkerEntry* w = ls.worker ? workers_.Get(*ls.worker) : nullptr;
    if (w != nullptr) {
      row.rss_kb = w->last_heartbeat.rss_kb;
      std::optional<PageTask> t;
      if (ls.page) t = RunningNow(*ls.page);
      if (t) {
        busy = true;
        row.task = TaskText(t->batch_id, t->index);
        row.running_s = std::max(0.0, 1e-9 * static_cast<double>(now_ns - t->started_ns));
      }
    }
    row.state = SlotStateName(book_.state(slot), busy);
    s.workers.push_back(std::move(row));
  }
  if (logger_slot_) {
    s.logger_pid = book_.pid(*logger_slot_);
    const supervise::ChildState state = book_.state(*logger_slot_);
    s.logger_state = state == supervise::ChildState::kUp ? "up" : SlotStateName(state, false);
  }
}

void MasterCore::SlotlessRows(Snapshot& s) const {
  history_.ForEach([&](const WorkerHistory::Process& p) {
    if (s.workers.size() >= Snapshot::kMaxWorkerRows) return;
    WorkerRow row;
    row.name = absl::StrCat(p.host, ":", p.pid);
    row.host = p.host;
    row.pid = p.pid;
    row.remote = p.remote;
    row.tasks = p.tasks_before;
    row.lost = p.lost;
    row.rejoined = p.rejoined;
    row.state = p.went_lost ? "lost" : "left";
    if (const WorkerEntry* w = p.current ? workers_.Get(*p.current) : nullptr) {
      row.tasks += w->tasks_done;
      row.rss_kb = w->last_heartbeat.rss_kb;
      const std::optional<std::pair<uint64_t, uint32_t>> running =
          dispatcher_.Running(w->id);
      row.state = running ? "busy" : "idle";
      if (running) {
        row.task = TaskText(running->first, running->second);
        if (w->last_heartbeat.batch_id == running->first) {
          row.running_s = 1e-3 * static_cast<double>(w->last_heartbeat.running_ms);
        }
      }
    }
    s.workers.push_back(std::move(row));
  });
}

Snapshot MasterCore::TakeSnapshot(base::Instant now) const {
  Snapshot s;
  s.taken = now;
  s.elapsed_s = start_ == base::Instant{} ? 0 : base::Seconds(now - start_);
  s.phase = PhaseName(phase_);
  s.finished = done();
  if (s.finished) {
    s.outcome = final_.outcome;
    s.exit_code = final_.code;
  }
  s.total = input_.total;
  s.skipped = stats_.skipped();
  s.reported = stats_.done();
  s.by_status = stats_.by_status();
  s.in_flight = dispatcher_.TasksOut();
  const uint64_t accounted = s.skipped + s.reported + s.in_flight;
  s.queued = s.total > accounted ? s.total - accounted : 0;
  s.requeued = dispatcher_.requeued();
  LocalRows(now, s);
  SlotlessRows(s);
  s.failures.assign(stats_.failures().begin(), stats_.failures().end());
  s.failures_total = stats_.failures_total();
  s.worker_deaths = static_cast<uint64_t>(stats_.worker_deaths());
  s.restarts = static_cast<uint64_t>(book_.restarts());
  s.logger_restarts = static_cast<uint64_t>(stats_.logger_restarts());
  s.records_relayed = relay_.records_pushed() + records_delivered_;
  s.records_written = relay_.records_acked() + records_delivered_;
  s.bytes_out = stats_.bytes_out();
  s.bytes_in = stats_.bytes_in();
  s.dropped = stats_.dropped();
  s.durations = stats_.durations();
  return s;
}

}  // namespace taskfarm::master
