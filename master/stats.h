// File: master/stats.h
//
// Stats counts what happened in a batch — tasks by status, per worker,
// restarts, quarantined tasks, task durations (durations.h), bytes in and
// out — and prints the one-screen summary on stderr at the end (and
// --stats-json for scripts). Once KeepFailures() is on (a dashboard shows
// them), it also keeps the newest failed tasks with their messages.
// Everything is counted per message, not per task, except durations (one
// histogram bucket per task) and failures, whose records are read only
// from batches that have one.
//
// Use from one thread.

#ifndef TASKFARM_MASTER_STATS_H_
#define TASKFARM_MASTER_STATS_H_

#include <array>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "base/clock.h"
#include "master/snapshot.h"
#include "proto/messages.h"

namespace taskfarm::master {

class Stats {
 public:
  struct Quarantined {
    uint64_t id;
    std::string task;  // "crash SIGSEGV"
    proto::TaskStatus status;
    std::string reason;
    uint32_t attempts;
  };
  struct PerWorker {
    std::string host;
    int64_t pid = 0;
    uint64_t tasks = 0;
  };
  // No more failures are kept than this (the newest).
  static constexpr size_t kMaxFailures = 100;

  void Start(base::Instant now) { start_ = now; }
  void Finish(base::Instant now) { end_ = now; }
  // The compute phase: from the first task sent to the last result. Without
  // start-up and shutdown, it is what CPU scaling is measured on.
  void TasksSent(base::Instant now, size_t frame_bytes = 0) {
    if (first_sent_ == base::Instant{}) first_sent_ = now;
    bytes_out_ += frame_bytes;
  }
  void ResultsIn(base::Instant now) { last_result_ = now; }

  // Results from a worker, with their records frame (`records`, may be
  // empty: then no failure is kept) and the durations of its tasks.
  void AddResults(const proto::Results& results, uint64_t worker_key,
                  const std::string& host, int64_t pid,
                  absl::string_view records = {},
                  const DurationHistogram* durations = nullptr);
  // `q.task` is the task as a line ("crash SIGSEGV").
  void AddQuarantined(Quarantined q);
  void AddWorkerDeath() { ++worker_deaths_; }
  // Keep the newest failed tasks with their messages (for the dashboard).
  void KeepFailures(bool keep) { keep_failures_ = keep; }
  void AddLoggerRestart() { ++logger_restarts_; }
  // The input was read: it holds `total` tasks.
  void SetTotal(uint64_t total) {
    total_ = total;
    input_read_ = true;
  }
  // How many of the records reported were written (acknowledged by the
  // logger, or delivered to the embedding program).
  void SetWritten(uint64_t written) { written_ = written; }
  void SetSkipped(uint64_t skipped) { skipped_ = skipped; }
  void AddDropped(uint64_t n) { dropped_ += n; }

  uint64_t done() const { return done_; }
  uint64_t not_ok() const { return done_ - by_status_[0]; }
  uint64_t ok() const { return by_status_[0]; }
  uint64_t total() const { return total_; }
  uint64_t skipped() const { return skipped_; }
  uint64_t dropped() const { return dropped_; }
  int worker_deaths() const { return worker_deaths_; }
  int logger_restarts() const { return logger_restarts_; }
  const std::array<uint64_t, proto::kTaskStatusCount>& by_status() const {
    return by_status_;
  }
  // By worker key, in start order.
  const std::map<uint64_t, PerWorker>& workers() const { return workers_; }
  const DurationHistogram& durations() const { return durations_; }
  uint64_t bytes_in() const { return bytes_in_; }    // result records
  uint64_t bytes_out() const { return bytes_out_; }  // task batches
  // With KeepFailures: the newest kMaxFailures, newest last; and how many
  // there were.
  const std::deque<std::shared_ptr<const Failure>>& failures() const {
    return failures_;
  }
  uint64_t failures_total() const { return failures_total_; }
  base::Duration elapsed(base::Instant now) const { return now - start_; }

  // The end-of-batch summary, for people: what was written, what was
  // computed and not written (lost to the error that stopped the batch),
  // and what never ran.
  void PrintSummary(std::FILE* out, int restarts, const std::string& outcome) const;
  // The same as JSON.
  std::string ToJson(int restarts, const std::string& outcome, int exit_code) const;

 private:
  double compute_seconds() const;
  void KeepFailure(Failure failure);
  void KeepFailedRecords(absl::string_view records);

  base::Instant start_{}, end_{};
  base::Instant first_sent_{}, last_result_{};
  uint64_t total_ = 0, skipped_ = 0, done_ = 0, dropped_ = 0, written_ = 0;
  bool input_read_ = false;
  std::array<uint64_t, proto::kTaskStatusCount> by_status_{};
  DurationHistogram durations_{};
  std::map<uint64_t, PerWorker> workers_;  // by worker key, in start order
  std::vector<Quarantined> quarantined_;
  int worker_deaths_ = 0, logger_restarts_ = 0;
  uint64_t bytes_in_ = 0, bytes_out_ = 0;
  bool keep_failures_ = false;
  std::deque<std::shared_ptr<const Failure>> failures_;  // newest last
  uint64_t failures_total_ = 0;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_STATS_H_
