// Session: the dashboard's wiring (master/dashboard/dashboard.h). The shell
// starts it, hands it the core's snapshots (MasterCore::TakeSnapshot) at
// most every Dashboard::kPublishInterval, and lets it show the final state
// for --dashboard-linger. Without --dashboard, none of this does anything.

#include <algorithm>
#include <cstdlib>

#include "master/session.h"

namespace taskfarm::master {

absl::Status Session::StartDashboard() {
  if (!options_.dashboard.enabled() || options_.list_tasks) return absl::OkStatus();
  const bool slurm = options_.remote.launcher == "slurm" ||
                     std::getenv("SLURM_JOB_ID") != nullptr;
  absl::StatusOr<std::unique_ptr<dashboard::Dashboard>> d =
      dashboard::Dashboard::Start(options_.dashboard, slurm);
  if (!d.ok()) return d.status();
  dashboard_ = *std::move(d);
  return absl::OkStatus();
}

base::Instant Session::NextDeadline(base::Instant now) const {
  const base::Instant core = core_->NextDeadline(now);
  return dashboard_ ? std::min(core, dashboard_->next_publish()) : core;
}

void Session::PublishDashboard(base::Instant now) {
  if (dashboard_ && now >= dashboard_->next_publish()) {
    dashboard_->Publish(core_->TakeSnapshot(now));
  }
}

void Session::FinishDashboard() {
  if (!dashboard_) return;
  Snapshot last = core_->TakeSnapshot(base::Now());
  last.exit_code = exit_code_;  // the core's, unless --stats-json failed
  dashboard_->Publish(std::move(last));
  dashboard_->Linger(signals_->fd());
  // A signal that ended the lingering is taken here: unblocked later (when
  // the SignalFd goes), it would kill the master instead of letting it
  // exit with the batch's code.
  (void)signals_->Read();
  dashboard_.reset();  // stops serving
}

}  // namespace taskfarm::master
