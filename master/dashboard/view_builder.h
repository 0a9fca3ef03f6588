// File: master/dashboard/view_builder.h
//
// ViewBuilder turns the Snapshots the master's core publishes
// (MasterCore::TakeSnapshot, master/snapshot.h) into the Views the
// dashboard serves (view.h), adding what only it remembers between
// snapshots: the throughput history (at most kMaxHistory points, halving
// its resolution when full, so a long batch is shown whole), the rate over
// the last kRateWindowSeconds of it, and the ETA from that rate.
//
// Example:
//   ViewBuilder views;
//   server->Publish(views.Build(core.TakeSnapshot(now), unix_ms));
//
// Use from one thread.

#ifndef TASKFARM_MASTER_DASHBOARD_VIEW_BUILDER_H_
#define TASKFARM_MASTER_DASHBOARD_VIEW_BUILDER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "master/dashboard/view.h"
#include "master/snapshot.h"

namespace taskfarm::master::dashboard {

class ViewBuilder {
 public:
  static constexpr size_t kMaxHistory = 720;
  // Throughput is measured over this much of the history.
  static constexpr double kRateWindowSeconds = 10;

  // The view of `batch`, published at `unix_ms` (wall clock).
  std::shared_ptr<const View> Build(Snapshot batch, int64_t unix_ms);

 private:
  void AddHistory(View& v);

  std::vector<View::Point> history_;
  double history_step_ = 1.0;  // seconds between points
};

}  // namespace taskfarm::master::dashboard

#endif  // TASKFARM_MASTER_DASHBOARD_VIEW_BUILDER_H_
