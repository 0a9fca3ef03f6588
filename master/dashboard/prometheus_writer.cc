#include "master/dashboard/prometheus_writer.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace taskfarm::master::dashboard {
namespace {

// A label value, escaped as the format asks: \\, \" and \n.
std::string Label(absl::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

std::string Number(double v) { return absl::StrFormat("%.15g", v); }

class Writer {
 public:
  void Family(absl::string_view name, absl::string_view type,
              absl::string_view help) {
    absl::StrAppend(&out_, "# HELP ", name, " ", help, "\n# TYPE ", name, " ",
                    type, "\n");
  }
  void Sample(absl::string_view name, absl::string_view labels,
              const std::string& value) {
    absl::StrAppend(&out_, name, labels.empty() ? "" : "{", labels,
                    labels.empty() ? "" : "}", " ", value, "\n");
  }
  void One(absl::string_view name, absl::string_view type,
           absl::string_view help, uint64_t value) {
    Family(name, type, help);
    Sample(name, "", absl::StrCat(value));
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace

std::string PrometheusText(const View& view) {
  const Snapshot& s = view.batch;
  Writer w;
  w.One("taskfarm_tasks", "gauge",
        "Tasks in the batch (0 until the input was checked).", s.total);
  w.One("taskfarm_tasks_skipped", "gauge",
        "Tasks already in the output (--resume), not run again.", s.skipped);
  w.Family("taskfarm_tasks_reported_total", "counter",
           "Tasks reported in this run, by status.");
  for (int i = 0; i < proto::kTaskStatusCount; ++i) {
    w.Sample("taskfarm_tasks_reported_total",
             absl::StrCat("status=\"", proto::TaskStatusName(static_cast<proto::TaskStatus>(i)),
                          "\""),
             absl::StrCat(s.by_status[i]));
  }
  w.One("taskfarm_tasks_in_flight", "gauge",
        "Tasks sent to workers and not reported yet.", s.in_flight);
  w.One("taskfarm_tasks_queued", "gauge",
        "Tasks not handed out yet (fresh, or to run again).", s.queued);

  std::map<std::pair<std::string, std::string>, uint64_t> by_host_state;
  for (const WorkerRow& r : s.workers) ++by_host_state[{r.host, r.state}];
  w.Family("taskfarm_workers", "gauge",
           "Worker slots and remote workers, by host and state.");
  for (const auto& [key, n] : by_host_state) {
    w.Sample("taskfarm_workers",
             absl::StrCat("host=\"", Label(key.first), "\",state=\"",
                          Label(key.second), "\""),
             absl::StrCat(n));
  }
  struct Counter {
    const char* name;
    const char* help;
    uint64_t value;
  };
  for (const Counter& c : {
           Counter{"taskfarm_worker_deaths_total",
                   "Worker processes that died (crashed, killed, lost).", s.worker_deaths},
           Counter{"taskfarm_worker_restarts_total",
                   "Processes restarted by the master (workers and logger).", s.restarts},
           Counter{"taskfarm_logger_restarts_total",
                   "Times the logger died and was restarted.", s.logger_restarts},
           Counter{"taskfarm_records_relayed_total", "Records handed to the logger.",
                   s.records_relayed},
           Counter{"taskfarm_records_acknowledged_total",
                   "Records the logger acknowledged as written.", s.records_written},
           Counter{"taskfarm_task_bytes_sent_total",
                   "Bytes of task batches sent to workers.", s.bytes_out},
           Counter{"taskfarm_result_bytes_received_total",
                   "Bytes of result batches received from workers.", s.bytes_in},
           Counter{"taskfarm_messages_dropped_total", "Late or malformed messages dropped.",
                   s.dropped},
       }) {
    w.One(c.name, "counter", c.help, c.value);
  }

  // Each bucket's bound is exact (2^i µs, inclusive), as `le` means.
  const DurationHistogram& d = s.durations;
  w.Family("taskfarm_task_duration_seconds", "histogram",
           "Task compute time, as each task's record says.");
  uint64_t cumulative = 0;
  for (int i = 0; i < DurationHistogram::kBuckets; ++i) {
    cumulative += d.counts()[i];
    const std::string le =
        i < DurationHistogram::kBounded
            ? Number(DurationHistogram::UpperBoundSeconds(i))
            : std::string("+Inf");
    w.Sample("taskfarm_task_duration_seconds_bucket",
             absl::StrCat("le=\"", le, "\""), absl::StrCat(cumulative));
  }
  w.Sample("taskfarm_task_duration_seconds_sum", "",
           Number(1e-6 * static_cast<double>(d.sum_us())));
  w.Sample("taskfarm_task_duration_seconds_count", "", absl::StrCat(d.count()));

  w.Family("taskfarm_elapsed_seconds", "gauge", "Seconds since the master started.");
  w.Sample("taskfarm_elapsed_seconds", "", Number(s.elapsed_s));
  w.One("taskfarm_batch_finished", "gauge", "1 once the batch is over.",
        s.finished ? 1 : 0);
  if (s.finished) {
    w.Family("taskfarm_exit_code", "gauge", "The master's exit code.");
    w.Sample("taskfarm_exit_code", "", absl::StrCat(s.exit_code));
  }
  return w.Take();
}

}  // namespace taskfarm::master::dashboard
