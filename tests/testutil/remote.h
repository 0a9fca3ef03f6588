// File: tests/testutil/remote.h
//
// Helpers for end-to-end tests of remote workers: keys made by the real
// `master --keygen`, the address a master listens at (it prints it), the
// worker's command line, and what a master's --stats-json says about which
// worker ran on which host.
//
// Use from the test's main thread.

#ifndef TASKFARM_TESTS_TESTUTIL_REMOTE_H_
#define TASKFARM_TESTS_TESTUTIL_REMOTE_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "tests/testutil/farm.h"

namespace taskfarm::testing {

// Runs `master --keygen=DIR`; fails the test if it does not work.
void Keygen(const std::string& dir);

// A key directory for a worker: `master_public_from`/master.public and
// `secret_from`/worker.secret (for keys that do not match).
std::string MixedKeys(const std::string& master_public_from,
                      const std::string& secret_from);

// argv for the worker binary: its path, then `args`.
std::vector<std::string> WorkerArgv(const std::vector<std::string>& args);

// The tcp://HOST:PORT the master says remote workers join at, once it said
// so within `timeout`; "" if it did not.
std::string JoinEndpoint(const Process& master, std::chrono::milliseconds timeout);

// How many times `needle` occurs in `text`.
int Count(const std::string& text, const std::string& needle);

// The hosts of the workers in a --stats-json file, by pid (the test's
// "hosts" share one pid namespace, so pids are unique).
std::map<int64_t, std::string> HostsByPid(const std::string& stats_json);

// The task ids in the master's "lost remote worker ... tasks A B go back to
// the queue" lines for `host`.
std::vector<uint64_t> LostTaskIds(const std::string& master_err,
                                  const std::string& host);

}  // namespace taskfarm::testing

#endif  // TASKFARM_TESTS_TESTUTIL_REMOTE_H_
