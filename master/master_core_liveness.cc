// MasterCore: who is alive. A worker's heartbeats (and what they say it
// runs or has received), batches an idle worker holds and never ran, the
// --timeout backstop, retiring a spent worker, declaring a silent one lost.

#include <signal.h>

#include "absl/strings/str_format.h"
#include "master/master_core.h"
#include "proto/contract.h"

namespace taskfarm::master {
namespace {

// A batch sent to an idle worker that has not arrived after this many times
// --liveness heartbeats is taken as lost on the way (TakeBackIdle).
constexpr uint32_t kLateBeats = 10;

}  // namespace

void MasterCore::OnHeartbeat(WorkerEntry& w, const proto::Heartbeat& hb,
                             base::Instant now) {
  // A batch reached it since its last beat: it starts afresh.
  if (hb.batches != w.last_heartbeat.batches) w.idle_beats = 0;
  w.last_heartbeat = hb;
  w.last_heartbeat_at = now;
  // A worker that says, heartbeat after heartbeat, that it runs nothing,
  // while it holds batches and sends no results, has lost them: it dropped
  // a batch, or its results were lost on the way. They run again. A batch
  // sent to it that has yet to arrive is not lost, only late (the master's
  // queue may be seconds long, and heartbeats overtake it): it is given
  // kLateBeats times longer.
  if (hb.batch_id == 0 && dispatcher_.Busy(w.id)) {
    const bool arrived = hb.batches >= w.batches_sent;
    if (++w.idle_beats > (arrived ? 1 : kLateBeats) * options_.liveness) {
      w.idle_beats = 0;
      TakeBackIdle(w, hb, now);
      return;
    }
  } else {
    w.idle_beats = 0;
  }
  const uint64_t limit_ms = base::Millis(options_.timeout + 2 * options_.heartbeat);
  if (options_.timeout.count() > 0 && hb.batch_id != 0 &&
      hb.running_ms > limit_ms) {
    // The worker's own watchdog should have acted; do it for it.
    if (w.slot) book_.Kill(*w.slot, SIGKILL);
    LoseWorker(w.id,
               Loss{proto::TaskStatus::kTimeout, "ran past --timeout", w.pid,
                    std::make_pair(hb.batch_id, hb.index)},
               now);
  }
}

void MasterCore::TakeBackIdle(WorkerEntry& w, const proto::Heartbeat& hb,
                              base::Instant now) {
  Loss loss{proto::TaskStatus::kCrashed, "", w.pid, std::nullopt};
  if (hb.batches >= w.batches_sent) {
    out_->Say(absl::StrFormat(
        "taskfarm: worker %d on %s holds tasks it does not run (a batch or "
        "its results were lost): they run again",
        w.pid, w.host));
    loss.reason = "its batch or its results were lost";
    loss.silent = true;
  } else {
    // Most likely dropped with a broken connection (ZeroMQ reconnects
    // silently). The worker never had them: no task is to blame. Should
    // they come after all, their results are stale and dropped.
    out_->Say(absl::StrFormat(
        "taskfarm: worker %d on %s has not received %d batch(es) sent to it "
        "in %d heartbeats: they run again",
        w.pid, w.host, w.batches_sent - hb.batches,
        kLateBeats * options_.liveness));
    loss.reason = "its batch never arrived";
    loss.idle = true;
    w.batches_sent = hb.batches;
  }
  Report(dispatcher_.TakeBack(w.id, loss), now);
  // Spent (--max-tasks-per-worker) with nothing left: recycle it now.
  if (w.retiring && !dispatcher_.Busy(w.id)) Retire(w, now);
}

void MasterCore::Retire(WorkerEntry& w, base::Instant now) {
  // --max-tasks-per-worker: its budget is spent and its last batch done.
  out_->SendToWorker(w.port, w.task_identity,
                     proto::Shutdown{proto::kShutdownRecycled});
  if (w.slot) {
    slots_[*w.slot].spare = true;  // its successor runs in another slot
    book_.Stop(*w.slot, now, 0, options_.grace);
  }
  LoseWorker(w.id, Loss{}, now);
}

void MasterCore::LoseWorker(WorkerId id, const Loss& loss, base::Instant now) {
  const WorkerEntry* w = workers_.Get(id);
  if (w == nullptr) return;
  if (w->slot && slots_[*w->slot].worker == id) slots_[*w->slot].worker.reset();
  if (!w->slot) history_.Gone(*w);
  std::vector<LooseTask> quarantined = dispatcher_.RemoveWorker(id, loss);
  workers_.Remove(id);
  Report(std::move(quarantined), now);
}

void MasterCore::CheckLiveness(base::Instant now) {
  for (WorkerId id : workers_.Expired(now)) {
    WorkerEntry* w = workers_.Get(id);
    std::string reason = absl::StrFormat(
        "no heartbeat for %.1f s",
        base::Seconds(options_.heartbeat * options_.liveness));
    if (w->slot) book_.Kill(*w->slot, SIGSTOP);  // freeze its page
    if (w->port > 0) {
      out_->Say(remote_.OnLost(*w, reason, dispatcher_.Unfinished(id),
                               workers_.size() - 1));
    }
    if (!w->slot) history_.Lost(*w);
    Loss loss = LossOf(*w, proto::TaskStatus::kCrashed, reason);
    loss.silent = !w->slot;  // a remote one may live on behind a cut link
    if (w->slot) book_.Kill(*w->slot, SIGKILL);
    LoseWorker(id, loss, now);
  }
}

}  // namespace taskfarm::master
