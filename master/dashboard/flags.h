// File: master/dashboard/flags.h
//
// The master's dashboard flags (--dashboard, --dashboard-linger,
// --dashboard-token), kept apart from master/flags.cc, which accepts them
// (IsDashboardFlag), shows them in --help (DashboardHelpText) and calls
// ParseDashboardFlags after its own flags.
//
// Not thread-safe: reads the process's flags.

#ifndef TASKFARM_MASTER_DASHBOARD_FLAGS_H_
#define TASKFARM_MASTER_DASHBOARD_FLAGS_H_

#include <functional>
#include <string>

#include "absl/flags/commandlineflag.h"
#include "absl/status/status.h"
#include "master/dashboard/options.h"

namespace taskfarm::master::dashboard {

// Whether `flag` is defined in master/dashboard/flags.cc.
bool IsDashboardFlag(const absl::CommandLineFlag& flag);

// Fills `options` from the flags; `resolve` makes a relative path the
// user's (bazel run starts the master elsewhere). Returns kInvalidArgument
// with a message for people: a bad ADDR:PORT, or an address beyond
// loopback without --dashboard-token.
absl::Status ParseDashboardFlags(
    const std::function<std::string(std::string)>& resolve,
    DashboardOptions* options);

// Parses "ADDR:PORT", "PORT" or ":PORT" (ADDR: an IPv4 address, localhost,
// or * for every interface; default 127.0.0.1) into options->address and
// options->port. Returns kInvalidArgument if it is none of these.
absl::Status ParseListenAddress(const std::string& spec, DashboardOptions* options);

// Whether `address` (IPv4, dotted) is in 127.0.0.0/8.
bool IsLoopback(const std::string& address);

// The "Dashboard" section of --help.
std::string DashboardHelpText();

}  // namespace taskfarm::master::dashboard

#endif  // TASKFARM_MASTER_DASHBOARD_FLAGS_H_
