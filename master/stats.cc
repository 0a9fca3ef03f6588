#include "master/stats.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "journal/encoding.h"
#include "journal/task_words.h"
#include "proto/batch.h"

namespace taskfarm::master {
namespace {

// A JSON string value, by the rule of the output's jsonl records
// (journal/encoding.h).
std::string JsonString(const std::string& s) {
  std::string out;
  journal::AppendJsonText(s, &out);
  return out;
}

}  // namespace

void Stats::AddResults(const proto::Results& results, uint64_t worker_key,
                       const std::string& host, int64_t pid,
                       absl::string_view records,
                       const DurationHistogram* durations) {
  done_ += results.count;
  for (int i = 0; i < proto::kTaskStatusCount; ++i) {
    by_status_[i] += results.by_status[i];
  }
  PerWorker& w = workers_[worker_key];
  if (w.pid == 0) {
    w.host = host;
    w.pid = pid;
  }
  w.tasks += results.count;
  bytes_in_ += records.size();
  if (durations != nullptr) durations_.Merge(*durations);
  if (keep_failures_ && results.by_status[0] != results.count && !records.empty()) {
    KeepFailedRecords(records);
  }
}

void Stats::KeepFailure(Failure failure) {
  ++failures_total_;
  failures_.push_back(std::make_shared<const Failure>(std::move(failure)));
  if (failures_.size() > kMaxFailures) failures_.pop_front();
}

void Stats::KeepFailedRecords(absl::string_view records) {
  proto::RecordReader reader;
  if (!reader.Open(records).ok()) return;  // the logger reports bad frames
  proto::RecordView r;
  for (size_t i = 0; i < reader.size(); ++i) {
    if (!reader.Get(i, &r).ok() || r.status == proto::TaskStatus::kOk) continue;
    KeepFailure(Failure{r.id, journal::TaskLine(r.kind, r.args, Snapshot::kMaxTaskText),
                        r.status, r.attempts, r.worker_pid,
                        /*quarantined=*/false, std::string(r.result)});
  }
}

double Stats::compute_seconds() const {
  if (first_sent_ == base::Instant{} || last_result_ < first_sent_) return 0;
  return base::Seconds(last_result_ - first_sent_);
}

void Stats::AddQuarantined(Quarantined q) {
  ++done_;
  ++by_status_[static_cast<int>(q.status)];
  if (keep_failures_) {
    KeepFailure(Failure{q.id, q.task, q.status, q.attempts, 0,
                        /*quarantined=*/true, q.reason});
  }
  quarantined_.push_back(std::move(q));
}

void Stats::PrintSummary(std::FILE* out, int restarts,
                         const std::string& outcome) const {
  const double secs = base::Seconds(end_ - start_);
  std::string counts;
  for (int i = 0; i < proto::kTaskStatusCount; ++i) {
    if (by_status_[i] == 0 && i != 0) continue;
    absl::StrAppend(&counts, counts.empty() ? "" : ", ", by_status_[i], " ",
                    proto::TaskStatusName(static_cast<proto::TaskStatus>(i)));
  }
  absl::FPrintF(out, "taskfarm: %s\n", outcome);
  if (!input_read_) {
    absl::FPrintF(out,
                  "  tasks     none run: the batch stopped before the input "
                  "was read (it is read once a worker has started)\n");
  } else {
    absl::FPrintF(out, "  tasks     %d of %d written", written_ + skipped_, total_);
    if (skipped_ > 0) absl::FPrintF(out, " (%d already in the output)", skipped_);
    absl::FPrintF(out, ": %s\n", counts.empty() ? "none" : counts);
    if (written_ < done_) {
      absl::FPrintF(out,
                    "            %d computed but not written (lost to the "
                    "error above)\n",
                    done_ - written_);
    }
    if (done_ + skipped_ < total_) {
      absl::FPrintF(out, "            %d never reported (not run, or abandoned)\n",
                    total_ - done_ - skipped_);
    }
  }
  absl::FPrintF(out, "  time      %.3f s, %.0f tasks/s (tasks ran for %.3f s)\n",
                secs, secs > 0 ? static_cast<double>(done_) / secs : 0.0,
                compute_seconds());
  std::string per_worker;
  int shown = 0;
  for (const auto& [key, w] : workers_) {
    if (w.tasks == 0) continue;
    if (++shown > 8) {
      absl::StrAppend(&per_worker, " ...");
      break;
    }
    absl::StrAppend(&per_worker, per_worker.empty() ? "" : ", ", w.pid, ":",
                    w.tasks);
  }
  absl::FPrintF(out, "  workers   %d used (pid:tasks %s)\n", workers_.size(),
                per_worker);
  absl::FPrintF(out, "  restarts  %d (%d worker deaths, %d logger restarts)\n",
                restarts, worker_deaths_, logger_restarts_);
  if (!quarantined_.empty()) {
    absl::FPrintF(out, "  quarantined after repeated failures:\n");
    size_t n = 0;
    for (const Quarantined& q : quarantined_) {
      if (++n > 10) {
        absl::FPrintF(out, "    ... and %d more\n", quarantined_.size() - 10);
        break;
      }
      absl::FPrintF(out, "    #%d %s: %s (%s, %d attempts)\n", q.id, q.task,
                    proto::TaskStatusName(q.status), q.reason, q.attempts);
    }
  }
  if (dropped_ > 0) {
    absl::FPrintF(out, "  dropped   %d late or malformed messages\n", dropped_);
  }
}

std::string Stats::ToJson(int restarts, const std::string& outcome,
                          int exit_code) const {
  const double secs = base::Seconds(end_ - start_);
  std::string json = "{";
  absl::StrAppend(&json, "\"outcome\":", JsonString(outcome),
                  ",\"exit_code\":", exit_code, ",\"total\":", total_,
                  ",\"reported\":", done_, ",\"written\":", written_,
                  ",\"skipped\":", skipped_,
                  ",\"by_status\":{");
  for (int i = 0; i < proto::kTaskStatusCount; ++i) {
    absl::StrAppend(&json, i ? "," : "", "\"",
                    proto::TaskStatusName(static_cast<proto::TaskStatus>(i)),
                    "\":", by_status_[i]);
  }
  absl::StrAppendFormat(&json,
                        "},\"wall_seconds\":%.6f,\"compute_seconds\":%.6f,"
                        "\"tasks_per_second\":%.1f",
                        secs, compute_seconds(),
                        secs > 0 ? static_cast<double>(done_) / secs : 0.0);
  absl::StrAppend(&json, ",\"restarts\":", restarts,
                  ",\"worker_deaths\":", worker_deaths_,
                  ",\"logger_restarts\":", logger_restarts_);
  // The task-duration histogram: counts per bucket (the last one has no
  // bound), inclusive upper bounds in microseconds.
  absl::StrAppend(&json, ",\"durations\":{\"le_us\":[");
  for (int i = 0; i < DurationHistogram::kBounded; ++i) {
    absl::StrAppend(&json, i ? "," : "", DurationHistogram::UpperBoundUs(i));
  }
  absl::StrAppend(&json, "],\"counts\":[");
  for (int i = 0; i < DurationHistogram::kBuckets; ++i) {
    absl::StrAppend(&json, i ? "," : "", durations_.counts()[i]);
  }
  absl::StrAppend(&json, "],\"sum_us\":", durations_.sum_us(),
                  ",\"count\":", durations_.count(), "},\"workers\":[");
  bool first = true;
  for (const auto& [key, w] : workers_) {
    absl::StrAppend(&json, first ? "" : ",", "{\"host\":", JsonString(w.host),
                    ",\"pid\":", w.pid, ",\"tasks\":", w.tasks, "}");
    first = false;
  }
  absl::StrAppend(&json, "],\"quarantined\":[");
  first = true;
  for (const Quarantined& q : quarantined_) {
    absl::StrAppend(&json, first ? "" : ",", "{\"id\":", q.id,
                    ",\"task\":", JsonString(q.task), ",\"status\":\"",
                    proto::TaskStatusName(q.status), "\",\"reason\":",
                    JsonString(q.reason), ",\"attempts\":", q.attempts, "}");
    first = false;
  }
  absl::StrAppend(&json, "]}\n");
  return json;
}

}  // namespace taskfarm::master
