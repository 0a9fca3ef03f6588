// File: master/task_feed.h
//
// TaskFeed is where the master's tasks come from, one batch at a time:
// parsed task files (master/input/task_source.h) or tasks a program
// submitted through the Farm API. Tasks get ids 0, 1, 2, ... in feed order.
//
// Thread-compatible.

#ifndef TASKFARM_MASTER_TASK_FEED_H_
#define TASKFARM_MASTER_TASK_FEED_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "journal/id_set.h"
#include "proto/batch.h"

namespace taskfarm::master {

class TaskFeed {
 public:
  virtual ~TaskFeed() = default;

  // Appends up to `max` next tasks, all with ids below `id_limit`, to
  // `writer`; tasks whose id is in `skip` (already done: --resume) are
  // passed over. Returns how many were appended (0: none left below the
  // limit). Errors are the feed's own (a file that became unreadable).
  virtual absl::StatusOr<uint32_t> Fill(proto::TaskBatchWriter* writer,
                                        uint32_t max, uint64_t id_limit,
                                        const journal::IdSet* skip) = 0;

  // Whether every task has been handed out.
  virtual bool exhausted() const = 0;

  // The id the next task will get.
  virtual uint64_t next_id() const = 0;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_TASK_FEED_H_
