// File: master/dashboard/prometheus_writer.h
//
// The dashboard's /metrics: a View (view.h) in the Prometheus text
// exposition format (version 0.0.4), every family with its HELP and TYPE
// lines:
//
//   taskfarm_tasks                          gauge    tasks in the batch
//   taskfarm_tasks_skipped                  gauge    --resume: already done
//   taskfarm_tasks_reported_total{status}   counter  ok, error, crashed, ...
//   taskfarm_tasks_in_flight                gauge    sent, not reported
//   taskfarm_tasks_queued                   gauge    not handed out yet
//   taskfarm_workers{host,state}            gauge    worker slots and
//                                                    remote workers
//   taskfarm_worker_deaths_total            counter
//   taskfarm_worker_restarts_total          counter  processes restarted
//   taskfarm_logger_restarts_total          counter
//   taskfarm_records_relayed_total          counter  handed to the logger
//   taskfarm_records_acknowledged_total     counter  ... and written
//   taskfarm_task_duration_seconds          histogram  le 1 µs .. 71.6 min,
//                                                    doubling
//   taskfarm_task_bytes_sent_total          counter  task batches out
//   taskfarm_result_bytes_received_total    counter  result batches in
//   taskfarm_messages_dropped_total         counter  late or malformed
//   taskfarm_elapsed_seconds                gauge    since the master started
//   taskfarm_batch_finished                 gauge    1 once the batch is over
//   taskfarm_exit_code                      gauge    once finished
//
// Thread-safe (a pure function).

#ifndef TASKFARM_MASTER_DASHBOARD_PROMETHEUS_WRITER_H_
#define TASKFARM_MASTER_DASHBOARD_PROMETHEUS_WRITER_H_

#include <string>

#include "absl/strings/string_view.h"
#include "master/dashboard/view.h"

namespace taskfarm::master::dashboard {

// The Content-Type of the format.
inline constexpr absl::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

std::string PrometheusText(const View& view);

}  // namespace taskfarm::master::dashboard

#endif  // TASKFARM_MASTER_DASHBOARD_PROMETHEUS_WRITER_H_
