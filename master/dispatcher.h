// File: master/dispatcher.h
//
// Dispatcher decides which worker gets which tasks, and keeps the books
// that make "every task reported exactly once" true. It owns no sockets and
// no clock (callers pass `now`), so every rule here is unit-tested.
//
// Credit: each worker holds at most `window` batches (one running, the rest
// queued behind it), and a worker is granted a new batch only when it has
// room, the way lbbroker.cpp reads tasks only for idle workers. Batch size
// follows each worker's measured time per task, so that a batch takes about
// `target_batch_time`: hundreds of tiny tasks per message, one long task;
// and no batch is more than its share of the tasks left (guided
// self-scheduling), so the batch ends with every worker busy.
//
// Failure: a batch is live until all its results came back. When a worker
// dies, its queued batches go back without a strike; in the batch it was
// running, the culprit is known if one task was left (it gets a strike) or
// the worker said so (Fatal), else all its unfinished tasks become suspects
// and are re-run one at a time, each alone on a worker, until the culprit
// shows itself. A task with `retries` strikes is quarantined: returned to
// the caller to be reported as crashed, timeout or oom. Results for a batch
// that is no longer live (its tasks were requeued) are stale: dropped.
//
// Use from one thread.

#ifndef TASKFARM_MASTER_DISPATCHER_H_
#define TASKFARM_MASTER_DISPATCHER_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "base/clock.h"
#include "proto/batch.h"
#include "proto/messages.h"

namespace taskfarm::master {

using WorkerId = uint64_t;

// A task out of its batch: what is needed to run it again or report it.
struct LooseTask {
  uint64_t id = 0;
  uint32_t kind = 0;
  std::string args;       // proto::PackArgs
  uint32_t attempts = 0;  // runs so far
  uint32_t strikes = 0;
  proto::TaskStatus failure = proto::TaskStatus::kCrashed;
  std::string reason;     // of the last strike
  int64_t last_pid = 0;
};

// Why a worker stopped.
struct Loss {
  proto::TaskStatus status = proto::TaskStatus::kCrashed;  // for the strike
  std::string reason;  // "SIGSEGV", "exit 3", "no heartbeat for 3 s"
  int64_t pid = 0;
  // The task known to be running (batch id, index), e.g. from a heartbeat
  // that showed it past its time limit. Without it, the culprit is inferred.
  std::optional<std::pair<uint64_t, uint32_t>> running;
  // Known: no task was running (it died between tasks). No strike at all.
  bool idle = false;
  // Not known to be dead: it went silent (a cut link?) or lost its batch.
  // Its unfinished tasks are suspects, run alone; only a task that was
  // already running alone is struck.
  bool silent = false;
};

class Dispatcher {
 public:
  struct Options {
    uint32_t window = 2;
    base::Duration target_batch_time = std::chrono::milliseconds(10);
    uint32_t max_batch = 1024;
    uint32_t retries = 3;
  };

  // What a worker may be sent now.
  struct Grant {
    WorkerId worker = 0;
    uint32_t max_tasks = 0;
    bool isolated = false;  // exactly one task, alone on the worker
  };

  explicit Dispatcher(Options options);

  // `budget` caps how many tasks the worker is ever sent (0: no cap), for
  // --max-tasks-per-worker.
  void AddWorker(WorkerId worker, int64_t pid, uint64_t budget = 0);
  // Whether the worker's budget is spent (it gets nothing more), and whether
  // it still has batches out.
  bool Spent(WorkerId worker) const;
  bool Busy(WorkerId worker) const;

  // The worker is gone (or declared lost). Its tasks go back to the queue;
  // returns the tasks quarantined by it (at most one).
  std::vector<LooseTask> RemoveWorker(WorkerId worker, const Loss& loss);
  // The worker stays, but its batches (or only `batch_id`) are taken back:
  // it dropped them, or they or their results were lost on the way. Who is
  // to blame follows the same rules as RemoveWorker's. Returns the tasks
  // quarantined.
  std::vector<LooseTask> TakeBack(WorkerId worker, const Loss& loss,
                                  std::optional<uint64_t> batch_id = std::nullopt);

  // Results for tasks [offset, offset + count) of a batch arrived. Returns
  // false if they are stale or do not fit the batch: drop them.
  [[nodiscard]] bool OnResults(WorkerId worker, const proto::Results& results);

  // The worker reports that task `index` of a batch killed it. Returns the
  // task if it is now quarantined.
  std::vector<LooseTask> OnFatal(WorkerId worker, const proto::Fatal& fatal);

  // The next worker with room, and how much to send it; nullopt if none.
  // `fresh_available` says whether the feed can still produce tasks, and
  // `fresh_left` how many (if known): near the end of a batch, grants
  // shrink to a share of what is left (guided self-scheduling), so that no
  // worker is left with a long queue while the others idle.
  std::optional<Grant> NextGrant(bool fresh_available,
                                 uint64_t fresh_left = UINT64_MAX);

  // Writes requeued tasks for `grant` into `writer` (one, if isolated).
  // Returns how many; the caller fills the rest from the feed.
  // `*min_id` is lowered to the lowest id taken.
  uint32_t TakeRequeued(const Grant& grant, proto::TaskBatchWriter* writer,
                        uint64_t* min_id);

  // Records that `body` (count tasks) was sent for `grant`. Returns the
  // batch id to send it under. `min_id` is the lowest task id in it (a
  // lower bound); `consecutive` says its ids are exactly min_id, min_id+1,
  // ... (so its results' ids are checked without reading the body).
  uint64_t Commit(const Grant& grant, std::shared_ptr<const std::string> body,
                  uint32_t count, uint64_t min_id, bool consecutive = false);

  // A live batch, as committed: for checking results against it.
  struct BatchView {
    WorkerId worker = 0;
    uint32_t count = 0;
    uint32_t done = 0;        // results received so far
    uint64_t first_id = 0;    // with `consecutive`, the id of task 0
    bool consecutive = false;
    const std::string* body = nullptr;  // the tasks, as sent
  };
  std::optional<BatchView> Find(uint64_t batch_id) const;

  // Gives a grant back unused (nothing to send).
  void Return(const Grant& grant);

  // No task is out or waiting to be run again.
  bool Idle() const;
  size_t outstanding_batches() const { return batches_.size(); }
  size_t requeued() const { return requeued_.size() + isolated_.size(); }
  // Tasks out on workers and not reported yet.
  uint64_t TasksOut() const;
  // The lowest id not yet reported among tasks out or requeued; nullopt if
  // none.
  std::optional<uint64_t> LowestPendingId() const;
  // Batch id and index the worker is running, oldest unfinished first.
  std::optional<std::pair<uint64_t, uint32_t>> Running(WorkerId worker) const;
  // Ids of the tasks the worker holds and has not reported, in send order.
  std::vector<uint64_t> Unfinished(WorkerId worker) const;
  // The body of live batch `batch_id` (null if it is not live): what a
  // dashboard shows of the task a worker runs.
  const std::string* BatchBody(uint64_t batch_id) const;

 private:
  struct Batch {
    WorkerId worker = 0;
    std::shared_ptr<const std::string> body;
    uint32_t count = 0;
    uint32_t done = 0;
    bool isolated = false;
    uint64_t first_id = 0;  // id of task 0, for LowestPendingId
    bool consecutive = false;
  };
  struct Worker {
    int64_t pid = 0;
    std::deque<uint64_t> batches;  // in send order
    double ns_per_task = -1;       // < 0: not measured yet
    bool ready = false;            // in ready_
    bool reserved = false;         // draining to run an isolated task
    bool fatal = false;            // it reported the task that killed it
    bool capped = false;           // budget applies
    uint64_t budget = 0;           // tasks it may still be sent
  };
  struct StrikeRecord {
    uint32_t attempts = 0;
    uint32_t strikes = 0;
    proto::TaskStatus failure = proto::TaskStatus::kCrashed;
    std::string reason;
    int64_t last_pid = 0;
  };

  void MarkReady(WorkerId id, Worker& w);
  // Takes the unfinished tasks [from, count) of a batch out of it.
  std::vector<LooseTask> Loosen(const Batch& batch, uint32_t from) const;
  // Gives `task` a strike; returns it if that quarantines it, else requeues
  // it to run alone.
  std::optional<LooseTask> Strike(LooseTask task, const Loss& loss);
  void Requeue(std::vector<LooseTask> tasks, bool suspects);
  void DropBatch(uint64_t batch_id);
  uint32_t BatchSize(const Worker& w, uint64_t left) const;
  // No isolated task waits: workers kept draining may work again.
  void ReleaseReservations();

  Options options_;
  uint64_t next_batch_id_ = 1;
  absl::flat_hash_map<WorkerId, Worker> workers_;
  absl::flat_hash_map<uint64_t, Batch> batches_;
  std::deque<WorkerId> ready_;
  std::deque<LooseTask> requeued_;  // innocent: run again in any batch
  std::deque<LooseTask> isolated_;  // suspects and struck: run alone
  absl::flat_hash_map<uint64_t, StrikeRecord> strikes_;  // by task id
  size_t reserved_ = 0;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_DISPATCHER_H_
