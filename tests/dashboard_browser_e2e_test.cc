// End to end: the dashboard of a real batch, loaded in a real browser
// (headless chromium), while the batch runs with a worker killed and a task
// failing, and again after the batch with --dashboard-linger; and /metrics
// read by Prometheus's own parser, its counters checked against the output
// file. The batch is held open by tasks that wait for a file the test
// creates only after its checks: the checks happen while the batch
// provably runs, however fast or slow the machine. Screenshots of both
// states are saved with the test's outputs.

#include <signal.h>

#include <map>
#include <regex>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testutil/dashboard.h"
#include "tests/testutil/farm.h"
#include "tests/testutil/files.h"
#include "tests/testutil/gate.h"
#include "tests/testutil/http.h"

namespace taskfarm::testing {
namespace {

using std::chrono::seconds;

constexpr char kFailure[] = "dashboard test failure: the disk is full";

// The values of attribute `attr` of every <tr class="CLS" ...> in `dom`.
std::vector<std::string> RowAttr(const std::string& dom, const std::string& cls,
                                 const std::string& attr) {
  std::vector<std::string> out;
  const std::regex row("<tr class=\"" + cls + "\"[^>]*>");
  const std::regex value(attr + "=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), row);
       it != std::sregex_iterator(); ++it) {
    std::smatch m;
    const std::string tag = it->str();
    if (std::regex_search(tag, m, value)) out.push_back(m[1]);
  }
  return out;
}

std::string Text(const std::string& dom, const std::string& id) {
  std::smatch m;
  const std::regex re("id=\"" + id + "\"[^>]*>([^<]*)<");
  return std::regex_search(dom, m, re) ? std::string(m[1]) : "<missing #" + id + ">";
}

// Whether worker row `w` runs one of the gated tasks (ids 201 and 202).
bool AtTheGate(const nlohmann::json& w) {
  return w["state"] == "busy" && w["task"].is_string() &&
         (absl::StartsWith(w["task"].get<std::string>(), "#201 exec") ||
          absl::StartsWith(w["task"].get<std::string>(), "#202 exec"));
}

bool GateTaskRuns(const nlohmann::json& status) {
  if (!status.is_object()) return false;
  for (const auto& w : status["workers"]) {
    if (AtTheGate(w)) return true;
  }
  return false;
}

TEST(DashboardBrowser, ShowsARunningBatchAndItsEnd) {
  const std::string dir = TempDir("dashboard");
  const std::string out = dir + "/out.jsonl";
  const Gate gate(dir);
  WriteFile(dir + "/tasks.txt", absl::StrCat("fail \"", kFailure, "\"\nfib 1..200\n",
                                             gate.Task(), "\n", gate.Task(), "\n"));
  Process master(MasterArgv({"--workers=2", "--dashboard=127.0.0.1:0",
                             "--dashboard-linger=300s", "--format=jsonl",
                             "--stats-json=" + dir + "/stats.json",
                             "--output=" + out, dir + "/tasks.txt"}),
                 dir);
  const int port = DashboardPort(master);
  ASSERT_GT(port, 0) << master.err();
  const std::string url = absl::StrCat("http://127.0.0.1:", port, "/");

  // Everything but the two gated tasks is done, and a worker waits at the
  // gate: kill that one. Its task runs again elsewhere, and waits again.
  nlohmann::json status;
  ASSERT_TRUE(WaitFor(
      [&] {
        status = DashboardStatus(port);
        return status.is_object() && status["tasks"]["reported"] == 201 &&
               GateTaskRuns(status);
      },
      seconds(120)))
      << status.dump();
  int64_t victim = 0;
  for (const auto& w : status["workers"]) {
    if (AtTheGate(w)) victim = w["pid"].get<int64_t>();
  }
  ASSERT_GT(victim, 0);
  ASSERT_EQ(kill(static_cast<pid_t>(victim), SIGKILL), 0);
  ASSERT_TRUE(WaitFor(
      [&] {
        status = DashboardStatus(port);
        if (!status.is_object() || status["counters"]["worker_deaths"] != 1) return false;
        for (const auto& w : status["workers"]) {
          if (w["pid"] == 0 || w["pid"] == victim) return false;  // not replaced yet
        }
        return GateTaskRuns(status);
      },
      seconds(120)))
      << status.dump();
  std::set<std::string> pids;
  for (const auto& w : status["workers"]) pids.insert(std::to_string(w["pid"].get<int64_t>()));

  // The page, as a browser renders it, while the batch runs.
  const std::string shots = OutputsDir(dir);
  std::string dom = BrowserDom(url, dir);
  EXPECT_EQ(Text(dom, "phase"), "running") << dom;
  EXPECT_EQ(Text(dom, "done"), "201");
  EXPECT_EQ(Text(dom, "total"), "203");
  std::vector<std::string> row_pids = RowAttr(dom, "worker", "data-pid");
  EXPECT_EQ(row_pids.size(), 2u) << dom;
  EXPECT_EQ(std::set<std::string>(row_pids.begin(), row_pids.end()), pids);
  std::vector<std::string> restarts = RowAttr(dom, "worker", "data-restarts");
  EXPECT_EQ(std::multiset<std::string>(restarts.begin(), restarts.end()),
            (std::multiset<std::string>{"0", "1"}));
  EXPECT_EQ(RowAttr(dom, "failure", "data-id"), std::vector<std::string>{"0"});
  EXPECT_EQ(RowAttr(dom, "failure", "data-status"), std::vector<std::string>{"error"});
  EXPECT_TRUE(absl::StrContains(dom, kFailure)) << dom;
  EXPECT_NE(RowAttr(dom, "worker", "data-state"), std::vector<std::string>{});
  // The page fetched status.json itself (it polls): at least one update.
  std::smatch updates;
  ASSERT_TRUE(std::regex_search(dom, updates, std::regex("data-updates=\"([0-9]+)\"")));
  EXPECT_GE(std::stoi(updates[1]), 1);
  // A failure's whole text, as a click on its row shows it (#failure=ID).
  const std::string detail = BrowserDom(url + "#failure=0", dir);
  EXPECT_EQ(Text(detail, "detail-text"), kFailure) << detail;
  BrowserDom(url, dir, shots + "/dashboard_running.png");
  EXPECT_GT(ReadFile(shots + "/dashboard_running.png").size(), 10000u);

  // Open the gate: the batch ends; the dashboard stays to show how.
  gate.Open();
  ASSERT_TRUE(WaitFor(
      [&] {
        status = DashboardStatus(port);
        return status.is_object() && status["finished"] == true;
      },
      seconds(120)))
      << status.dump() << master.err();
  EXPECT_FALSE(master.Wait(std::chrono::milliseconds(0)).has_value()) << "it did not linger";
  dom = BrowserDom(url, dir);
  EXPECT_EQ(Text(dom, "phase"), "done");
  EXPECT_EQ(Text(dom, "done"), "203");
  EXPECT_TRUE(absl::StrContains(dom, "done; some tasks failed (exit code 1)")) << dom;
  EXPECT_TRUE(absl::StrContains(dom, "data-exit-code=\"1\"")) << dom;
  EXPECT_TRUE(absl::StrContains(dom, kFailure));
  BrowserDom(url, dir, shots + "/dashboard_done.png");

  // /metrics agrees with the output file.
  testutil::HttpReply metrics = testutil::HttpGet(port, "/metrics");
  ASSERT_EQ(metrics.status, 200);
  nlohmann::json parsed = ParseMetrics(metrics.body, dir);
  ASSERT_TRUE(parsed.is_object());
  std::vector<nlohmann::json> records = ReadJsonl(out);
  std::map<std::string, int> by_status;
  for (const auto& r : records) ++by_status[r["status"].get<std::string>()];
  ASSERT_EQ(records.size(), 203u);
  EXPECT_EQ(by_status["ok"], 202);
  EXPECT_EQ(by_status["error"], 1);
  for (const char* s : {"ok", "error", "crashed", "timeout", "oom"}) {
    SCOPED_TRACE(s);
    EXPECT_EQ(Sample(parsed, "taskfarm_tasks_reported_total", {{"status", s}}), by_status[s]);
  }
  EXPECT_EQ(Sample(parsed, "taskfarm_records_acknowledged_total"), 203);
  EXPECT_EQ(Sample(parsed, "taskfarm_records_relayed_total"), 203);
  EXPECT_EQ(Sample(parsed, "taskfarm_tasks"), 203);
  EXPECT_EQ(Sample(parsed, "taskfarm_tasks_in_flight"), 0);
  EXPECT_EQ(Sample(parsed, "taskfarm_tasks_queued"), 0);
  EXPECT_EQ(Sample(parsed, "taskfarm_worker_deaths_total"), 1);
  EXPECT_EQ(Sample(parsed, "taskfarm_worker_restarts_total"), 1);
  EXPECT_EQ(Sample(parsed, "taskfarm_logger_restarts_total"), 0);
  EXPECT_EQ(Sample(parsed, "taskfarm_task_duration_seconds_count"), 203);
  EXPECT_EQ(Sample(parsed, "taskfarm_task_duration_seconds_bucket", {{"le", "+Inf"}}), 203);
  EXPECT_GT(Sample(parsed, "taskfarm_task_bytes_sent_total"), 0);
  EXPECT_GT(Sample(parsed, "taskfarm_result_bytes_received_total"), 0);
  EXPECT_EQ(Sample(parsed, "taskfarm_batch_finished"), 1);
  EXPECT_EQ(Sample(parsed, "taskfarm_exit_code"), 1);
  EXPECT_EQ(parsed["families"]["taskfarm_task_duration_seconds"], "histogram");
  // The summary's histogram is the same one.
  nlohmann::json summary;
  ASSERT_TRUE(WaitFor(
      [&] {
        if (!testutil::FileExists(dir + "/stats.json")) return false;
        summary = nlohmann::json::parse(ReadFile(dir + "/stats.json"), nullptr, false);
        return summary.is_object();
      },
      seconds(60)));
  EXPECT_EQ(summary["durations"]["count"], 203);
  EXPECT_NEAR(summary["durations"]["sum_us"].get<double>() * 1e-6,
              Sample(parsed, "taskfarm_task_duration_seconds_sum"), 1e-6);
  uint64_t cumulative = 0;
  for (const auto& c : summary["durations"]["counts"]) cumulative += c.get<uint64_t>();
  EXPECT_EQ(cumulative, 203u);
  EXPECT_EQ(parsed["families"]["taskfarm_tasks_reported"], "counter");
  EXPECT_EQ(parsed["families"]["taskfarm_workers"], "gauge");

  // A signal ends the lingering; the exit code is the batch's.
  master.Signal(SIGTERM);
  EXPECT_EQ(master.Wait(seconds(60)), 1) << master.err();
}

}  // namespace
}  // namespace taskfarm::testing
