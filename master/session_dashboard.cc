// The dashboard's wiring into the master's event loop (master/dashboard/):
// the Session members that start it, feed it snapshots of the Session's
// books, and let it linger at the end. Kept apart from session.cc, which
// calls them from Setup, OnTimers and Run.

#include <cstdlib>

#include "master/session.h"

namespace taskfarm::master {

absl::Status Session::StartDashboard() {
  if (!options_.dashboard.enabled() || options_.list_tasks) return absl::OkStatus();
  const bool slurm = options_.remote.launcher == "slurm" ||
                     std::getenv("SLURM_JOB_ID") != nullptr;
  absl::StatusOr<std::unique_ptr<dashboard::Dashboard>> d =
      dashboard::Dashboard::Start(options_.dashboard, slurm, start_);
  if (!d.ok()) return d.status();
  dashboard_ = *std::move(d);
  stats_.KeepFailures(true);
  return absl::OkStatus();
}

void Session::PublishDashboard(base::Instant now) {
  static constexpr const char* kPhaseNames[] = {"starting", "checking", "running",
                                                "stopping", "done"};
  dashboard::SnapshotSources in;
  in.stats = &stats_;
  in.pool = pool_.get();
  in.dispatcher = &dispatcher_;
  in.supervisor = supervisor_.get();
  in.relay = relay_.get();
  in.worker_slots = &worker_slots_;
  in.logger_slot = logger_slot_;
  in.pages = &pages_;
  in.kinds = kinds_ ? &*kinds_ : nullptr;
  in.total = io_.total();
  in.phase = kPhaseNames[static_cast<int>(phase_)];
  in.finished = phase_ == Phase::kDone;
  in.outcome = outcome_;
  in.exit_code = exit_code_;
  dashboard_->Publish(in, now);
}

void Session::FinishDashboard() {
  if (!dashboard_) return;
  PublishDashboard(base::Now());
  dashboard_->Linger(signals_->fd());
  // A signal that ended the lingering is taken here: unblocked later (when
  // the SignalFd goes), it would kill the master instead of letting it
  // exit with the batch's code.
  (void)signals_->Read();
}

}  // namespace taskfarm::master
