// File: tests/testutil/dispatcher_harness.h
//
// DispatcherHarness drives a real master::Dispatcher through the master's
// own BatchFiller, without sockets or processes: each Send is one round of
// the master's dispatch (a grant, filled with requeued tasks first and then
// fresh ones, ids 0, 1, 2, ... up to `fresh_tasks`, and committed); it
// remembers what was sent, so a test can report results for it or kill its
// worker.
//
// Example:
//   DispatcherHarness h({.window = 2});
//   h.dispatcher().AddWorker(1, 1001);
//   std::optional<SentBatch> b = h.Send();
//   ASSERT_TRUE(h.Report(*b, 0, b->size()));
//
// Thread-compatible.

#ifndef TASKFARM_TESTS_TESTUTIL_DISPATCHER_HARNESS_H_
#define TASKFARM_TESTS_TESTUTIL_DISPATCHER_HARNESS_H_

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/check.h"
#include "journal/id_set.h"
#include "master/batch_filler.h"
#include "master/dispatcher.h"
#include "master/task_feed.h"
#include "proto/batch.h"
#include "proto/messages.h"

namespace taskfarm::testutil {

// A batch as the harness committed it.
struct SentBatch {
  master::WorkerId worker = 0;
  uint64_t batch_id = 0;
  bool isolated = false;
  uint32_t max_tasks = 0;          // what the grant allowed
  std::vector<uint64_t> ids;       // task ids, in batch order
  std::vector<uint32_t> attempts;  // the attempt number each was sent with

  uint32_t size() const { return static_cast<uint32_t>(ids.size()); }
};

// The feed of the harness: tasks 0, 1, 2, ... up to `count`, each of kind
// 0 with its id as its one argument.
class CountingFeed : public master::TaskFeed {
 public:
  explicit CountingFeed(uint64_t count) : count_(count) {}
  absl::StatusOr<uint32_t> Fill(proto::TaskBatchWriter* writer, uint32_t max,
                                uint64_t id_limit,
                                const journal::IdSet* skip) override {
    uint32_t added = 0;
    while (added < max && next_ < count_ && next_ < id_limit) {
      const uint64_t id = next_++;
      if (skip != nullptr && skip->Contains(id)) continue;
      const proto::Value arg = static_cast<int64_t>(id);
      writer->Add(id, /*kind_index=*/0, {&arg, 1}, /*attempt=*/1);
      ++added;
    }
    return added;
  }
  bool exhausted() const override { return next_ >= count_; }
  uint64_t next_id() const override { return next_; }

 private:
  uint64_t count_;
  uint64_t next_ = 0;
};

class DispatcherHarness {
 public:
  explicit DispatcherHarness(master::Dispatcher::Options options,
                             uint64_t fresh_tasks = UINT64_MAX)
      : dispatcher_(options), fresh_tasks_(fresh_tasks), feed_(fresh_tasks) {}

  master::Dispatcher& dispatcher() { return dispatcher_; }
  const master::Dispatcher& dispatcher() const { return dispatcher_; }
  bool fresh_available() const { return !feed_.exhausted(); }
  // From now on, tell the dispatcher how many fresh tasks are left, as the
  // master does once the input is checked (grants then shrink near the
  // end). By default the count is unknown, so batch sizes follow speed only.
  void TellTasksLeft() { tell_left_ = true; }
  uint64_t next_fresh() const { return feed_.next_id(); }

  // One round of the master's dispatch (master::BatchFiller, the code the
  // master runs): the next grant, filled and committed. nullopt if there
  // was no grant, or nothing to put in it (then the grant is returned).
  std::optional<SentBatch> Send() {
    const master::FeedView view{&feed_, tell_left_ ? fresh_tasks_ : 0};
    absl::StatusOr<std::optional<master::FilledBatch>> filled =
        filler_.Next(dispatcher_, view);
    TF_CHECK(filled.ok());
    if (!filled->has_value()) return std::nullopt;
    const master::FilledBatch& f = **filled;
    SentBatch sent = Decode(*f.body);
    sent.worker = f.worker;
    sent.batch_id = f.batch_id;
    sent.isolated = f.isolated;
    sent.max_tasks = f.max_tasks;
    return sent;
  }

  // Sends until there is no grant; the batches in the order sent.
  std::vector<SentBatch> SendAll() {
    std::vector<SentBatch> all;
    while (std::optional<SentBatch> b = Send()) all.push_back(*std::move(b));
    return all;
  }

  // Reports results for tasks [offset, offset + count) of `batch`, which
  // took `elapsed_us` together. Returns what OnResults said.
  [[nodiscard]] bool Report(const SentBatch& batch, uint32_t offset,
                            uint32_t count, uint64_t elapsed_us = 100) {
    return ReportAs(batch.worker, batch, offset, count, elapsed_us);
  }
  // As Report, but claiming to come from `worker`.
  [[nodiscard]] bool ReportAs(master::WorkerId worker, const SentBatch& batch,
                              uint32_t offset, uint32_t count,
                              uint64_t elapsed_us = 100) {
    proto::Results r;
    r.batch_id = batch.batch_id;
    r.offset = offset;
    r.count = count;
    r.elapsed_us = elapsed_us;
    r.by_status[0] = count;
    return dispatcher_.OnResults(worker, r);
  }

  static SentBatch Decode(const std::string& body) {
    SentBatch sent;
    proto::TaskBatchReader reader;
    TF_CHECK(reader.Open(body).ok());
    proto::TaskView view;
    for (size_t i = 0; i < reader.size(); ++i) {
      TF_CHECK(reader.Get(i, &view).ok());
      sent.ids.push_back(view.id);
      sent.attempts.push_back(view.attempt);
    }
    return sent;
  }

 private:
  master::Dispatcher dispatcher_;
  uint64_t fresh_tasks_;
  CountingFeed feed_;
  master::BatchFiller filler_;
  bool tell_left_ = false;
};

// A crash as the master sees it, e.g. Crash("SIGSEGV", 4711).
inline master::Loss Crash(std::string reason = "SIGSEGV", int64_t pid = 0) {
  master::Loss loss;
  loss.status = proto::TaskStatus::kCrashed;
  loss.reason = std::move(reason);
  loss.pid = pid;
  return loss;
}

}  // namespace taskfarm::testutil

#endif  // TASKFARM_TESTS_TESTUTIL_DISPATCHER_HARNESS_H_
