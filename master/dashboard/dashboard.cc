#include "master/dashboard/dashboard.h"

#include <poll.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/host_name.h"
#include "master/dashboard/page_html.h"
#include "master/dashboard/token.h"

namespace taskfarm::master::dashboard {

absl::StatusOr<std::unique_ptr<Dashboard>> Dashboard::Start(
    const DashboardOptions& options, bool slurm) {
  std::unique_ptr<Dashboard> d(new Dashboard(options));
  HttpServer::Config config{options.address, options.port, "", kPageHtml};
  if (!options.token_file.empty()) {
    absl::StatusOr<std::string> token = LoadToken(options.token_file);
    if (!token.ok()) return token.status();
    config.token = *std::move(token);
  }
  absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start(std::move(config));
  if (!server.ok()) return server.status();
  d->server_ = *std::move(server);
  const bool everywhere = options.address == "0.0.0.0";
  d->url_ = absl::StrCat("http://", everywhere ? base::HostName().value_or("localhost") : options.address,
                         ":", d->server_->port(), "/");
  d->Announce(slurm);
  return d;
}

void Dashboard::Announce(bool slurm) const {
  std::fprintf(stderr, "taskfarm: dashboard at %s (also /status.json, /metrics)\n",
               url_.c_str());
  if (!options_.token_file.empty()) {
    std::fprintf(stderr,
                 "taskfarm: the dashboard needs its token: open %s?token=TOKEN "
                 "once, TOKEN being the contents of %s\n",
                 url_.c_str(), options_.token_file.c_str());
  }
  if (slurm) {
    const int port = server_->port();
    const std::string target = options_.address == "0.0.0.0" ? "127.0.0.1" : options_.address;
    std::fprintf(stderr,
                 "taskfarm: from your own machine: ssh -N -L %d:%s:%d %s, "
                 "then open http://127.0.0.1:%d/\n",
                 port, target.c_str(), port, base::HostName().value_or("localhost").c_str(), port);
  }
}

void Dashboard::Publish(Snapshot batch) {
  next_publish_ = batch.taken + kPublishInterval;
  server_->Publish(views_.Build(std::move(batch), absl::ToUnixMillis(absl::Now())));
}

void Dashboard::Linger(int signal_fd) {
  if (options_.linger <= base::Duration::zero()) return;
  std::fprintf(stderr,
               "taskfarm: the dashboard shows the final state at %s for %.0f s "
               "more (a signal ends it)\n",
               url_.c_str(), std::chrono::duration<double>(options_.linger).count());
  const base::Instant end = base::Now() + options_.linger;
  pollfd fd{signal_fd, POLLIN, 0};
  for (base::Instant now = base::Now(); now < end; now = base::Now()) {
    if (poll(&fd, 1, base::MillisUntil(end, now, 60000)) > 0) break;
  }
}

}  // namespace taskfarm::master::dashboard
