// File: master/dashboard/dashboard.h
//
// Dashboard is what the master's event loop holds when --dashboard is
// given: the HTTP server (its own threads) and the snapshot builder. The
// loop calls Publish when next_publish() has come (at most every
// kPublishInterval): a snapshot is built in the loop's thread and handed to
// the server; the server never touches the loop's data. At the end, the
// loop publishes the final state and calls Linger.
//
// Example (the master's event loop):
//   dashboard_ = *Dashboard::Start(options.dashboard, slurm, start);
//   ...
//   if (dashboard_ && now >= dashboard_->next_publish())
//     dashboard_->Publish(sources, now);
//   ...
//   dashboard_->Publish(final_sources, base::Now());
//   dashboard_->Linger(signal_fd);
//
// Use from the event loop's thread.

#ifndef TASKFARM_MASTER_DASHBOARD_DASHBOARD_H_
#define TASKFARM_MASTER_DASHBOARD_DASHBOARD_H_

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "master/dashboard/http_server.h"
#include "master/dashboard/options.h"
#include "master/dashboard/snapshot_builder.h"

namespace taskfarm::master::dashboard {

class Dashboard {
 public:
  static constexpr std::chrono::milliseconds kPublishInterval{250};

  // Loads the token (if any), starts the server and prints on stderr where
  // to open it; with `slurm`, also the ssh -L command that reaches it from
  // the user's machine. `start` is when the master started. Returns
  // LoadToken's errors, or kUnavailable if it cannot listen.
  static absl::StatusOr<std::unique_ptr<Dashboard>> Start(
      const DashboardOptions& options, bool slurm, base::Instant start);
  Dashboard(const Dashboard&) = delete;
  Dashboard& operator=(const Dashboard&) = delete;

  // When the next snapshot is due.
  base::Instant next_publish() const { return next_publish_; }
  // Builds a snapshot from `in` and serves it from now on.
  void Publish(const SnapshotSources& in, base::Instant now);
  // Keeps serving the last snapshot for --dashboard-linger, or until
  // `signal_fd` (a signalfd) becomes readable; the caller reads it.
  void Linger(int signal_fd);

  // http://HOST:PORT/
  const std::string& url() const { return url_; }
  int port() const { return server_->port(); }

 private:
  Dashboard(const DashboardOptions& options, base::Instant start)
      : options_(options), builder_(start) {}
  void Announce(bool slurm) const;

  DashboardOptions options_;
  SnapshotBuilder builder_;
  std::unique_ptr<HttpServer> server_;
  std::string url_;
  base::Instant next_publish_{};
};

}  // namespace taskfarm::master::dashboard

#endif  // TASKFARM_MASTER_DASHBOARD_DASHBOARD_H_
