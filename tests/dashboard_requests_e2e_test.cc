// End to end: what the master's dashboard does with requests it must refuse
// (garbage, a 1 MB header, unknown paths and methods, missing and wrong
// tokens, a client that never finishes its request) while a batch runs,
// and that the batch's output is exactly what it would be without them;
// and the flags that must keep the dashboard from starting: an address
// beyond loopback without a token, a token others may read, a taken port.
// The batch is held open by a task that waits for a file the test creates
// after its requests.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testutil/dashboard.h"
#include "tests/testutil/farm.h"
#include "tests/testutil/gate.h"
#include "tests/testutil/http.h"

namespace taskfarm::testing {
namespace {

using std::chrono::seconds;
using testutil::HttpGet;
using testutil::RawStatus;

constexpr char kToken[] = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5";

std::string TokenFile(const std::string& dir, mode_t mode = 0600) {
  const std::string path = dir + "/token";
  WriteFile(path, absl::StrCat(kToken, "\n"));
  chmod(path.c_str(), mode);
  return path;
}

// A client that connects, sends half a request and keeps it open.
int HalfRequest(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  const char partial[] = "GET /status.json HTTP/1.1\r\nHost: x\r\n";
  EXPECT_EQ(send(fd, partial, sizeof(partial) - 1, MSG_NOSIGNAL),
            static_cast<ssize_t>(sizeof(partial) - 1));
  return fd;
}

TEST(DashboardRequests, BadRequestsGetTheirStatusAndLeaveTheBatchAlone) {
  const std::string dir = TempDir("requests");
  const std::string out = dir + "/out.jsonl";
  const Gate gate(dir);
  WriteFile(dir + "/tasks.txt", absl::StrCat("fib 0..1999\n", gate.Task(), "\n"));
  Process master(MasterArgv({"--workers=2", "--dashboard=127.0.0.1:0",
                             "--dashboard-token=" + TokenFile(dir), "--format=jsonl",
                             "--output=" + out, dir + "/tasks.txt"}),
                 dir);
  const int port = DashboardPort(master);
  ASSERT_GT(port, 0) << master.err();
  const std::string bearer = absl::StrCat("Authorization: Bearer ", kToken);
  nlohmann::json status;
  ASSERT_TRUE(WaitFor(
      [&] {
        status = DashboardStatus(port, {bearer});
        return status.is_object() && status["tasks"]["reported"] == 2000 &&
               status["tasks"]["in_flight"] == 1;
      },
      seconds(120)))
      << status.dump() << master.err();

  // The batch runs (the gated task holds it): now the bad requests.
  const int held = HalfRequest(port);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(RawStatus(port, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 garbage\r\n\r\n"),
              400);
  }
  const int big = RawStatus(port, "GET /status.json HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                      std::string(1 << 20, 'a') + "\r\n\r\n");
  EXPECT_TRUE(big == 400 || big == 413) << big;
  EXPECT_EQ(HttpGet(port, "/nope", {bearer}).status, 404);
  EXPECT_EQ(HttpGet(port, "/status.json").status, 401);
  EXPECT_EQ(HttpGet(port, "/metrics").status, 401);
  EXPECT_EQ(HttpGet(port, "/", {"Authorization: Bearer not-the-token-at-all"}).status, 403);
  EXPECT_EQ(HttpGet(port, "/status.json", {"Cookie: taskfarm_token=nope-nope-nope-nope"}).status,
            403);
  EXPECT_EQ(HttpGet(port, "/status.json?token=guess-guess-guess-guess").status, 403);
  EXPECT_EQ(HttpGet(port, "/status.json", {bearer}, "POST").status, 405);
  // A refused request shows nothing of the batch.
  testutil::HttpReply refused = HttpGet(port, "/status.json");
  EXPECT_FALSE(absl::StrContains(refused.body, "fib")) << refused.body;
  // Still serving, and the batch is where it was.
  status = DashboardStatus(port, {bearer});
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(status["phase"], "running");
  EXPECT_EQ(status["tasks"]["reported"], 2000);
  EXPECT_EQ(status["counters"]["worker_deaths"], 0);

  gate.Open();
  EXPECT_EQ(master.Wait(seconds(120)), 0) << master.err();
  close(held);
  std::vector<nlohmann::json> records = ReadJsonl(out);
  ASSERT_EQ(records.size(), 2001u);
  std::vector<nlohmann::json> fibs;
  for (const auto& r : records) {
    if (r["task"] == "fib") {
      fibs.push_back(r);
    } else {
      EXPECT_EQ(r["status"], "ok") << r.dump();
      EXPECT_EQ(r["id"], 2000);
    }
  }
  EXPECT_EQ(CheckFibOutput(fibs, 2000), "");
}

TEST(DashboardRequests, AddressBeyondLoopbackNeedsAToken) {
  MasterRun run = RunMaster({"--dashboard=0.0.0.0:0", "--tasks=fib 1"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(run.err, "--dashboard-token")) << run.err;
  EXPECT_TRUE(run.out.empty());
}

TEST(DashboardRequests, TokenOthersMayReadIsRefused) {
  const std::string dir = TempDir("token_mode");
  MasterRun run = RunMaster({"--dashboard=127.0.0.1:0",
                             "--dashboard-token=" + TokenFile(dir, 0644), "--tasks=fib 1"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(run.err, "chmod 600")) << run.err;
}

TEST(DashboardRequests, TakenPortIsAUsageError) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  MasterRun run = RunMaster(
      {absl::StrCat("--dashboard=127.0.0.1:", ntohs(addr.sin_port)), "--tasks=fib 1"});
  close(fd);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(run.err, "cannot listen")) << run.err;
}

TEST(DashboardRequests, InASlurmJobPrintsTheSshTunnel) {
  const std::string dir = TempDir("slurm");
  Process master(MasterArgv({"--dashboard=127.0.0.1:0", "--format=jsonl",
                             "--output=" + dir + "/out.jsonl", "--tasks=fib 1..5"}),
                 dir, "", {"SLURM_JOB_ID=4242"});
  const int port = DashboardPort(master);
  ASSERT_GT(port, 0) << master.err();
  EXPECT_EQ(master.Wait(seconds(60)), 0) << master.err();
  EXPECT_TRUE(absl::StrContains(master.err(), absl::StrCat("ssh -N -L ", port, ":127.0.0.1:",
                                                           port, " ")))
      << master.err();
}

TEST(DashboardRequests, EveryInterfaceWithATokenServesAndLingers) {
  const std::string dir = TempDir("everywhere");
  Process master(MasterArgv({"--dashboard=*:0", "--dashboard-token=" + TokenFile(dir),
                             "--dashboard-linger=300s", "--format=jsonl",
                             "--output=" + dir + "/out.jsonl", "--tasks=fib 1..50"}),
                 dir);
  const int port = DashboardPort(master);
  ASSERT_GT(port, 0) << master.err();
  EXPECT_TRUE(absl::StrContains(master.err(), "?token=TOKEN")) << master.err();
  EXPECT_FALSE(absl::StrContains(master.err(), kToken)) << "the token was printed";
  const std::string bearer = absl::StrCat("Authorization: Bearer ", kToken);
  nlohmann::json status;
  ASSERT_TRUE(WaitFor(
      [&] {
        status = DashboardStatus(port, {bearer});
        return status.is_object() && status["finished"] == true;
      },
      seconds(120)))
      << master.err();
  EXPECT_EQ(status["exit_code"], 0);
  EXPECT_EQ(status["tasks"]["reported"], 50);
  EXPECT_EQ(HttpGet(port, "/status.json").status, 401);
  master.Signal(SIGINT);
  EXPECT_EQ(master.Wait(seconds(60)), 0) << master.err();
  EXPECT_EQ(ReadJsonl(dir + "/out.jsonl").size(), 50u);
}

}  // namespace
}  // namespace taskfarm::testing
