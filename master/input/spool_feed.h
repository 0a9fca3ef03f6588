// File: master/input/spool_feed.h
//
// SpoolFeed is the TaskFeed of a checked batch: it hands out the tasks of
// the input spool (spool.h) in id order, batch by batch. A run of spooled
// tasks goes into the batch as one memory copy of their encoded bytes; a
// range line kept compact is expanded here, one task at a time. It holds
// one block of the spool at a time (64 KiB for plain tasks), so memory
// stays flat whatever the number of tasks.
//
// The feed knows how many tasks the check counted: a spool that ends
// short, or holds other ids, is an error (kDataLoss), never a batch that
// quietly ends early.
//
// Example:
//   auto feed = SpoolFeed::Open(dir + "/input.spool", summary.total);
//   while (!(*feed)->exhausted()) {
//     writer.Clear();
//     absl::StatusOr<uint32_t> n = (*feed)->Fill(&writer, 256, UINT64_MAX, nullptr);
//     if (!n.ok()) ...stop the batch with an error
//   }
//
// Thread-compatible.

#ifndef TASKFARM_MASTER_INPUT_SPOOL_FEED_H_
#define TASKFARM_MASTER_INPUT_SPOOL_FEED_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "master/input/spool.h"
#include "master/task_feed.h"

namespace taskfarm::master {

class SpoolFeed : public TaskFeed {
 public:
  // Opens the spool at `path`, which a SpoolWriter finished with `total`
  // tasks. Returns kUnavailable if it cannot be opened.
  static absl::StatusOr<std::unique_ptr<SpoolFeed>> Open(
      const std::string& path, uint64_t total);

  // TaskFeed. Errors: kDataLoss if the spool is short or corrupt (what
  // was appended before the error stays in `writer`), kUnavailable if it
  // cannot be read; every later call returns the same error.
  absl::StatusOr<uint32_t> Fill(proto::TaskBatchWriter* writer, uint32_t max,
                                uint64_t id_limit,
                                const journal::IdSet* skip) override;
  bool exhausted() const override { return exhausted_; }
  uint64_t next_id() const override { return next_id_; }

 private:
  SpoolFeed(std::unique_ptr<SpoolReader> reader, uint64_t total);
  // Reads the next block once the current one is used up.
  absl::Status Advance();
  // Appends up to `max` next tasks of a kTasks block with ids below
  // `id_limit`, passing over those in `skip`; returns how many it appended.
  uint32_t TakeTasks(proto::TaskBatchWriter* writer, uint32_t max,
                     uint64_t id_limit, const journal::IdSet* skip);

  std::unique_ptr<SpoolReader> reader_;
  const uint64_t total_;
  SpoolBlock block_;
  uint64_t taken_ = 0;  // tasks of block_ handed out or passed over
  std::vector<proto::Value> args_;  // kRange: the next task's arguments
  uint64_t next_id_ = 0;
  bool exhausted_ = false;
  absl::Status error_;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_INPUT_SPOOL_FEED_H_
