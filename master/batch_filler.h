// File: master/batch_filler.h
//
// BatchFiller is one round of handing out work: it takes the Dispatcher's
// next grant, fills the batch with requeued tasks first and then fresh ones
// from the feed (within the --keep-order window), and commits it. The
// master's core calls it until it returns nothing; the dispatcher tests and
// the benchmark of the master's cost per task drive the same code.
//
// Example:
//   BatchFiller filler;
//   while (auto b = filler.Next(dispatcher, feed)) {
//     if (!b.ok()) ...the feed failed
//     if (!b->has_value()) break;
//     ...send (*b)->body to (*b)->worker as batch (*b)->batch_id
//   }
//
// Use from one thread.

#ifndef TASKFARM_MASTER_BATCH_FILLER_H_
#define TASKFARM_MASTER_BATCH_FILLER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "journal/id_set.h"
#include "master/dispatcher.h"
#include "master/task_feed.h"
#include "proto/batch.h"

namespace taskfarm::master {

// Where fresh tasks come from, and the limits on taking them.
struct FeedView {
  TaskFeed* feed = nullptr;
  uint64_t total = 0;                   // tasks in the feed; 0: unknown
  const journal::IdSet* skip = nullptr; // ids already done (--resume)
  // --keep-order: no task is handed out further than this beyond the
  // lowest unfinished one; 0: no limit.
  uint64_t reorder_window = 0;
};

// A batch committed to a worker, to be sent.
struct FilledBatch {
  WorkerId worker = 0;
  uint64_t batch_id = 0;
  uint32_t count = 0;
  std::shared_ptr<const std::string> body;
  bool isolated = false;   // one task, alone on its worker
  uint32_t max_tasks = 0;  // what the grant allowed
};

class BatchFiller {
 public:
  // The next batch; nullopt if no worker has room or there is nothing to
  // send (a grant taken is given back). Returns the feed's error, if it
  // fails (the grant is given back).
  absl::StatusOr<std::optional<FilledBatch>> Next(Dispatcher& dispatcher,
                                                  const FeedView& feed);

 private:
  proto::TaskBatchWriter writer_;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_BATCH_FILLER_H_
