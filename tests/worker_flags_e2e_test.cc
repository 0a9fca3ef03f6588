// Tests of the worker's range checks of its own flags (worker/connection.h,
// CheckWorkerFlags), and that the worker binary refuses such flags at once
// with exit 2 and the message.

#include <chrono>
#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "tests/testutil/farm.h"
#include "tests/testutil/remote.h"
#include "worker/connection.h"
#include "worker/worker.h"

namespace taskfarm::worker {
namespace {

using std::chrono::milliseconds;

TEST(WorkerFlags, AcceptsTheDefaultsAndEveryWorkingValue) {
  const ConnectionFlags flags{.endpoint = "tcp://127.0.0.1:5555"};
  for (int procs : {-1, 0, 1, 64}) {
    SCOPED_TRACE(procs);
    EXPECT_TRUE(CheckWorkerFlags(flags, procs).ok());
  }
  ConnectionFlags short_wait = flags;
  short_wait.master_timeout = milliseconds(1);
  EXPECT_TRUE(CheckWorkerFlags(short_wait, -1).ok());
}

TEST(WorkerFlags, RefusesValuesThatCannotWorkNamingTheFlag) {
  const ConnectionFlags flags{.endpoint = "tcp://127.0.0.1:5555"};
  absl::Status procs = CheckWorkerFlags(flags, -2);
  EXPECT_EQ(procs.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(procs.message().rfind("--procs=-2: must be >= 0", 0), 0u) << procs;
  for (milliseconds timeout : {milliseconds(0), milliseconds(-5000)}) {
    SCOPED_TRACE(timeout.count());
    ConnectionFlags bad = flags;
    bad.master_timeout = timeout;
    absl::Status s = CheckWorkerFlags(bad, -1);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(s.message().rfind("--master-timeout=", 0), 0u) << s;
    EXPECT_NE(s.message().find("must be > 0"), std::string::npos) << s;
  }
}

TEST(WorkerFlags, TheWorkerBinaryRefusesThemWithExitTwo) {
  const std::string dir = testing::TempDir("worker-flags");
  for (const char* bad : {"--master-timeout=0", "--procs=-3"}) {
    SCOPED_TRACE(bad);
    testing::Process worker(
        testing::WorkerArgv({"--connect=tcp://127.0.0.1:9", "--insecure", bad}), dir);
    EXPECT_EQ(worker.Wait(std::chrono::seconds(30)), std::optional<int>(kExitUsage)) << worker.err();
    EXPECT_NE(worker.err().find(std::string(bad) + ": must be"), std::string::npos)
        << worker.err();
  }
}

}  // namespace
}  // namespace taskfarm::worker
