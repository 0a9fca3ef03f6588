// File: master/dashboard/options.h
//
// DashboardOptions: where the master serves its dashboard (the page,
// /status.json, /metrics) and who may see it. Part of FarmOptions; built
// from --dashboard, --dashboard-linger and --dashboard-token by
// master/dashboard/flags.h.
//
// Plain data.

#ifndef TASKFARM_MASTER_DASHBOARD_OPTIONS_H_
#define TASKFARM_MASTER_DASHBOARD_OPTIONS_H_

#include <string>

#include "base/clock.h"

namespace taskfarm::master::dashboard {

struct DashboardOptions {
  std::string address;     // IPv4 address to listen on; "" = no dashboard
  int port = 0;            // 0 = a free port, chosen at start
  base::Duration linger{0};  // keep serving the final state this long
  std::string token_file;  // "" = no token (only allowed on loopback)

  bool enabled() const { return !address.empty(); }
};

}  // namespace taskfarm::master::dashboard

#endif  // TASKFARM_MASTER_DASHBOARD_OPTIONS_H_
