// End to end: the dashboard of a batch run by remote workers (tcp, CURVE):
// one row per remote worker process, a killed one shown as lost while its
// host's supervisor starts another, and never a secret key in what the
// dashboard serves. The batch is held open by tasks that wait for a file
// the test creates after its checks.

#include <signal.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/testutil/dashboard.h"
#include "tests/testutil/farm.h"
#include "tests/testutil/gate.h"
#include "tests/testutil/http.h"
#include "tests/testutil/remote.h"

namespace taskfarm::testing {
namespace {

using std::chrono::seconds;

// The key lines (not the "#" comment) of a key file.
std::vector<std::string> KeyLines(const std::string& path) {
  std::vector<std::string> keys;
  for (const std::string& line : Lines(ReadFile(path))) {
    if (!line.empty() && line[0] != '#') keys.push_back(line);
  }
  return keys;
}

TEST(DashboardRemote, ShowsRemoteWorkersAndTheOneLost) {
  const std::string dir = TempDir("remote_dash");
  Keygen(dir + "/keys");
  const Gate gate(dir);
  WriteFile(dir + "/tasks.txt",
            absl::StrCat("fib 1..100\n", gate.Task(), "\n", gate.Task(), "\n"));
  Process master(MasterArgv({"--workers=0", "--listen=tcp://127.0.0.1:0",
                             "--keys=" + dir + "/keys",
                             "--dashboard=127.0.0.1:0", "--format=jsonl",
                             "--output=" + dir + "/out.jsonl", dir + "/tasks.txt"}),
                 dir);
  const int port = DashboardPort(master);
  ASSERT_GT(port, 0) << master.err();
  const std::string endpoint = JoinEndpoint(master, seconds(30));
  ASSERT_NE(endpoint, "") << master.err();
  Process workers(WorkerArgv({"--connect=" + endpoint, "--keys=" + dir + "/keys",
                              "--procs=2"}),
                  dir);

  // Both remote processes joined; the fib tasks are done; one waits at the
  // gate.
  nlohmann::json status;
  int64_t victim = 0;
  ASSERT_TRUE(WaitFor(
      [&] {
        status = DashboardStatus(port);
        if (!status.is_object() || status["tasks"]["reported"] != 100) return false;
        int remote = 0;
        victim = 0;
        for (const auto& w : status["workers"]) {
          if (w["remote"] != true) continue;
          ++remote;
          if (w["state"] == "busy" && w["task"].is_string() &&
              absl::StrContains(w["task"].get<std::string>(), " exec ")) {
            victim = w["pid"].get<int64_t>();
          }
        }
        return remote == 2 && victim != 0;
      },
      seconds(120)))
      << status.dump() << master.err();

  // No secret key anywhere in what the dashboard serves.
  std::vector<std::string> secrets = KeyLines(dir + "/keys/master.secret");
  for (const std::string& k : KeyLines(dir + "/keys/worker.secret")) secrets.push_back(k);
  ASSERT_FALSE(secrets.empty());
  for (const char* path : {"/", "/status.json", "/metrics"}) {
    testutil::HttpReply r = testutil::HttpGet(port, path);
    ASSERT_EQ(r.status, 200) << path;
    for (const std::string& secret : secrets) {
      EXPECT_FALSE(absl::StrContains(r.body, secret)) << path << " shows a secret key";
    }
  }

  // Kill the worker at the gate: its host's supervisor starts another (a
  // new identity, a new row); the master declares the old one lost.
  ASSERT_EQ(kill(static_cast<pid_t>(victim), SIGKILL), 0);
  ASSERT_TRUE(WaitFor(
      [&] {
        status = DashboardStatus(port);
        if (!status.is_object()) return false;
        bool lost = false;
        int up = 0;
        for (const auto& w : status["workers"]) {
          if (w["pid"] == victim && w["state"] == "lost" && w["lost"] == 1) lost = true;
          if (w["pid"] != victim && (w["state"] == "busy" || w["state"] == "idle")) ++up;
        }
        return lost && up == 2;
      },
      seconds(120)))
      << status.dump() << master.err();
  testutil::HttpReply metrics = testutil::HttpGet(port, "/metrics");
  nlohmann::json parsed = ParseMetrics(metrics.body, dir);
  EXPECT_EQ(Sample(parsed, "taskfarm_workers", {{"state", "lost"}}), 1);

  gate.Open();
  EXPECT_EQ(master.Wait(seconds(120)), 0) << master.err();
  EXPECT_EQ(workers.Wait(seconds(30)), 0) << workers.err();
  EXPECT_EQ(ReadJsonl(dir + "/out.jsonl").size(), 102u);
}

}  // namespace
}  // namespace taskfarm::testing
