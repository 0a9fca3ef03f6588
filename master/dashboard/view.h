// File: master/dashboard/view.h
//
// View is what the dashboard serves: the Snapshot the master's core
// published (master/snapshot.h: the batch at one moment) and what only
// the dashboard keeps across snapshots (view_builder.h): the throughput
// history, the recent rate and the ETA. The page, /status.json and
// /metrics are all rendered from the same View, so they always agree.
// The history holds at most ViewBuilder::kMaxHistory points.
//
// Plain data: immutable once published, so any number of threads may read
// a published View.

#ifndef TASKFARM_MASTER_DASHBOARD_VIEW_H_
#define TASKFARM_MASTER_DASHBOARD_VIEW_H_

#include <cstdint>
#include <vector>

#include "master/snapshot.h"

namespace taskfarm::master::dashboard {

struct View {
  Snapshot batch;        // as the core published it
  int64_t unix_ms = 0;   // wall clock when it was published
  double rate = 0;       // tasks/s over the last few seconds
  double eta_s = -1;     // < 0: unknown

  // (seconds since start, tasks reported + skipped), oldest first.
  struct Point {
    double t;
    uint64_t done;
  };
  std::vector<Point> history;
};

}  // namespace taskfarm::master::dashboard

#endif  // TASKFARM_MASTER_DASHBOARD_VIEW_H_
