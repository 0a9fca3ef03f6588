// File: tests/testutil/dispatcher_harness.h
//
// DispatcherHarness drives a real master::Dispatcher the way
// master::Session does, without sockets or processes: it asks for a grant,
// fills the batch with requeued tasks first and then fresh ones (ids 0, 1,
// 2, ... up to `fresh_tasks`), commits it and remembers what it sent, so a
// test can report results for it or kill its worker.
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
#include "master/dispatcher.h"
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

class DispatcherHarness {
 public:
  // How Commit's `min_id` is computed: the true lowest id of the batch, or
  // as Session::Dispatch does (0 whenever the batch holds requeued tasks).
  enum class MinId { kExact, kLikeSession };

  explicit DispatcherHarness(master::Dispatcher::Options options,
                             uint64_t fresh_tasks = UINT64_MAX,
                             MinId min_id = MinId::kExact)
      : dispatcher_(options), fresh_tasks_(fresh_tasks), min_id_(min_id) {}

  master::Dispatcher& dispatcher() { return dispatcher_; }
  const master::Dispatcher& dispatcher() const { return dispatcher_; }
  bool fresh_available() const { return next_fresh_ < fresh_tasks_; }
  // From now on, tell the dispatcher how many fresh tasks are left, as the
  // session does once the input is checked (grants then shrink near the
  // end). By default the count is unknown, so batch sizes follow speed only.
  void TellTasksLeft() { tell_left_ = true; }
  uint64_t next_fresh() const { return next_fresh_; }

  // One round of Session::Dispatch: the next grant, filled and committed.
  // nullopt if there was no grant, or nothing to put in it (then the grant
  // is returned, as the session does).
  std::optional<SentBatch> Send() {
    std::optional<master::Dispatcher::Grant> grant =
        dispatcher_.NextGrant(fresh_available(), tell_left_
                                                     ? fresh_tasks_ - next_fresh_
                                                     : UINT64_MAX);
    if (!grant) return std::nullopt;
    writer_.Clear();
    uint64_t session_min = next_fresh_;
    uint32_t n = dispatcher_.TakeRequeued(*grant, &writer_, &session_min);
    while (!grant->isolated && n < grant->max_tasks && fresh_available()) {
      const proto::Value arg = static_cast<int64_t>(next_fresh_);
      writer_.Add(next_fresh_++, /*kind_index=*/0, {&arg, 1}, /*attempt=*/1);
      ++n;
    }
    if (n == 0) {
      dispatcher_.Return(*grant);
      return std::nullopt;
    }
    auto body = std::make_shared<const std::string>(writer_.Finish());
    SentBatch sent = Decode(*body);
    sent.worker = grant->worker;
    sent.isolated = grant->isolated;
    sent.max_tasks = grant->max_tasks;
    uint64_t min_id = *std::min_element(sent.ids.begin(), sent.ids.end());
    if (min_id_ == MinId::kLikeSession) min_id = session_min;
    sent.batch_id = dispatcher_.Commit(*grant, std::move(body), n, min_id);
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
  MinId min_id_;
  uint64_t next_fresh_ = 0;
  bool tell_left_ = false;
  proto::TaskBatchWriter writer_;
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
