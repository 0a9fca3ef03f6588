// File: master/dashboard/dashboard.h
//
// Dashboard is what the master's shell holds when --dashboard is given: the
// HTTP server (threads of its own) and the ViewBuilder. The shell hands it
// the core's Snapshot (MasterCore::TakeSnapshot) whenever next_publish()
// has come, at most every kPublishInterval, and the final one at the end;
// the server never touches the shell's or the core's data. Then Linger
// keeps serving the final state for --dashboard-linger.
//
// Example (master/session_dashboard.cc):
//   dashboard_ = *Dashboard::Start(options.dashboard, slurm);
//   ...
//   if (now >= dashboard_->next_publish())
//     dashboard_->Publish(core.TakeSnapshot(now));
//   ...
//   dashboard_->Publish(core.TakeSnapshot(base::Now()));
//   dashboard_->Linger(signal_fd);
//
// Use from the shell's thread.

#ifndef TASKFARM_MASTER_DASHBOARD_DASHBOARD_H_
#define TASKFARM_MASTER_DASHBOARD_DASHBOARD_H_

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "master/dashboard/http_server.h"
#include "master/dashboard/options.h"
#include "master/dashboard/view_builder.h"
#include "master/snapshot.h"

namespace taskfarm::master::dashboard {

class Dashboard {
 public:
  static constexpr std::chrono::milliseconds kPublishInterval{250};

  // Loads the token (if any), starts the server and prints on stderr where
  // to open it; with `slurm`, also the ssh -L command that reaches it from
  // the user's machine. Returns LoadToken's errors, or kUnavailable if it
  // cannot listen.
  static absl::StatusOr<std::unique_ptr<Dashboard>> Start(
      const DashboardOptions& options, bool slurm);
  Dashboard(const Dashboard&) = delete;
  Dashboard& operator=(const Dashboard&) = delete;

  // When the next snapshot is due.
  base::Instant next_publish() const { return next_publish_; }
  // Serves `batch` from now on; the next is due kPublishInterval after it
  // was taken.
  void Publish(Snapshot batch);
  // Keeps serving the last snapshot for --dashboard-linger, or until
  // `signal_fd` (a signalfd) becomes readable; the caller reads it.
  void Linger(int signal_fd);

  // http://HOST:PORT/
  const std::string& url() const { return url_; }
  int port() const { return server_->port(); }

 private:
  explicit Dashboard(const DashboardOptions& options) : options_(options) {}
  void Announce(bool slurm) const;

  DashboardOptions options_;
  ViewBuilder views_;
  std::unique_ptr<HttpServer> server_;
  std::string url_;
  base::Instant next_publish_{};
};

}  // namespace taskfarm::master::dashboard

#endif  // TASKFARM_MASTER_DASHBOARD_DASHBOARD_H_
