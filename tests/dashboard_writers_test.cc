// Tests of the dashboard's renderings of a View: /status.json
// (json_writer.h), /metrics (prometheus_writer.h), and the task text both
// show (journal/task_words.h). The e2e tests parse /metrics with Prometheus's own
// parser; here each rule of the format is checked on its own.

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "journal/task_words.h"
#include "master/dashboard/json_writer.h"
#include "master/dashboard/prometheus_writer.h"

namespace taskfarm::master::dashboard {
namespace {

// 400 tasks of 3 µs (bucket 2: (2, 4] µs) and 20 of two hours (+Inf).
DurationHistogram Durations() {
  DurationHistogram d;
  for (int i = 0; i < 400; ++i) d.Add(3);
  for (int i = 0; i < 20; ++i) d.Add(uint64_t{7200} * 1000000);
  return d;
}

View Sample() {
  View v;
  v.unix_ms = 1700000000000;
  v.rate = 35.5;
  v.eta_s = 16;
  v.history = {{0, 0}, {1, 31}};
  Snapshot& s = v.batch;
  s.elapsed_s = 12.5;
  s.phase = "running";
  s.total = 1000;
  s.reported = 420;
  s.by_status = {418, 1, 1, 0, 0};
  s.in_flight = 8;
  s.queued = 572;
  WorkerRow w;
  w.name = "worker 1";
  w.host = "node\"7\"";
  w.pid = 4711;
  w.state = "busy";
  w.tasks = 210;
  w.task = "#421 fib 30";
  w.running_s = 0.25;
  w.rss_kb = 7900;
  s.workers.push_back(w);
  s.failures.push_back(std::make_shared<const Failure>(
      Failure{5, "fail oops", proto::TaskStatus::kError, 1, 4711, false, "oops"}));
  s.failures.push_back(std::make_shared<const Failure>(Failure{
      9, "crash SIGSEGV", proto::TaskStatus::kCrashed, 3, 0, true, "SIGSEGV"}));
  s.failures_total = 2;
  s.worker_deaths = 3;
  s.records_relayed = 420;
  s.records_written = 400;
  s.durations = Durations();
  return v;
}

TEST(StatusJson, HoldsEveryPartOfTheSnapshot) {
  nlohmann::json j = nlohmann::json::parse(StatusJson(Sample()));
  EXPECT_EQ(j["phase"], "running");
  EXPECT_FALSE(j["finished"].get<bool>());
  EXPECT_TRUE(j["exit_code"].is_null());
  EXPECT_EQ(j["tasks"]["total"], 1000);
  EXPECT_EQ(j["tasks"]["reported"], 420);
  EXPECT_EQ(j["tasks"]["by_status"]["error"], 1);
  EXPECT_EQ(j["tasks"]["by_status"]["crashed"], 1);
  EXPECT_EQ(j["tasks"]["in_flight"], 8);
  EXPECT_EQ(j["eta_s"], 16);
  ASSERT_EQ(j["history"].size(), 2u);
  EXPECT_EQ(j["history"][1][1], 31);
  ASSERT_EQ(j["workers"].size(), 1u);
  EXPECT_EQ(j["workers"][0]["host"], "node\"7\"");
  EXPECT_EQ(j["workers"][0]["task"], "#421 fib 30");
  EXPECT_EQ(j["failures"]["total"], 2);
  ASSERT_EQ(j["failures"]["list"].size(), 2u);
  EXPECT_EQ(j["failures"]["list"][0]["message"], "oops");
  EXPECT_EQ(j["failures"]["list"][1]["status"], "crashed");
  EXPECT_TRUE(j["failures"]["list"][1]["quarantined"].get<bool>());
  EXPECT_EQ(j["counters"]["records_acked"], 400);
  EXPECT_EQ(j["durations"]["count"], 420);
}

TEST(StatusJson, UnknownValuesAreNull) {
  View v = Sample();
  v.eta_s = -1;
  v.batch.workers[0].task.clear();
  v.batch.workers[0].running_s = -1;
  nlohmann::json j = nlohmann::json::parse(StatusJson(v));
  EXPECT_TRUE(j["eta_s"].is_null());
  EXPECT_TRUE(j["workers"][0]["task"].is_null());
  EXPECT_TRUE(j["workers"][0]["running_s"].is_null());
}

TEST(StatusJson, FinishedBatchHasItsOutcomeAndExitCode) {
  View v = Sample();
  v.batch.finished = true;
  v.batch.outcome = "done; some tasks failed";
  v.batch.exit_code = 1;
  nlohmann::json j = nlohmann::json::parse(StatusJson(v));
  EXPECT_EQ(j["outcome"], "done; some tasks failed");
  EXPECT_EQ(j["exit_code"], 1);
}

TEST(StatusJson, CutsLongMessagesButFailureTextHasThemWhole) {
  View s = Sample();
  std::string long_message(kListedMessageBytes * 3, 'x');
  s.batch.failures.push_back(std::make_shared<const Failure>(
      Failure{77, "exec x", proto::TaskStatus::kError, 1, 1, false, long_message}));
  nlohmann::json j = nlohmann::json::parse(StatusJson(s));
  const nlohmann::json& listed = j["failures"]["list"][2];
  EXPECT_TRUE(listed["cut"].get<bool>());
  EXPECT_LE(listed["message"].get<std::string>().size(), kListedMessageBytes + 3);
  EXPECT_EQ(FailureText(s, 77), long_message);
  EXPECT_EQ(FailureText(s, 5), "oops");
  EXPECT_EQ(FailureText(s, 12345), std::nullopt);
}

TEST(StatusJson, InvalidUtf8InAMessageStillGivesValidJson) {
  View s = Sample();
  s.batch.failures.push_back(std::make_shared<const Failure>(
      Failure{8, "exec x", proto::TaskStatus::kError, 1, 1, false, "bad \xff\xfe bytes"}));
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(StatusJson(s)));
  EXPECT_TRUE(absl::StrContains(j["failures"]["list"][2]["message"].get<std::string>(),
                                "bytes"));
}

// The sample lines of `text` (no comments), by metric name and labels.
std::vector<std::string> Samples(const std::string& text) {
  std::vector<std::string> out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (!absl::StartsWith(line, "#")) out.emplace_back(line);
  }
  return out;
}

bool Has(const std::vector<std::string>& samples, const std::string& line) {
  for (const std::string& s : samples) {
    if (s == line) return true;
  }
  return false;
}

TEST(PrometheusText, EveryFamilyHasHelpAndTypeBeforeItsSamples) {
  const std::string text = PrometheusText(Sample());
  std::string current;  // the family declared last
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    SCOPED_TRACE(std::string(line));
    if (absl::StartsWith(line, "# HELP ")) {
      std::vector<std::string> words = absl::StrSplit(line, ' ');
      current = words[2];
      continue;
    }
    if (absl::StartsWith(line, "# TYPE ")) {
      std::vector<std::string> words = absl::StrSplit(line, ' ');
      EXPECT_EQ(words[2], current);
      EXPECT_TRUE(words[3] == "counter" || words[3] == "gauge" || words[3] == "histogram");
      continue;
    }
    EXPECT_TRUE(absl::StartsWith(line, current)) << "sample outside its family";
    EXPECT_TRUE(absl::StartsWith(line, "taskfarm_"));
  }
}

TEST(PrometheusText, CountsTasksByStatusAndWorkersByHostAndState) {
  std::vector<std::string> s = Samples(PrometheusText(Sample()));
  EXPECT_TRUE(Has(s, "taskfarm_tasks 1000"));
  EXPECT_TRUE(Has(s, "taskfarm_tasks_reported_total{status=\"ok\"} 418"));
  EXPECT_TRUE(Has(s, "taskfarm_tasks_reported_total{status=\"crashed\"} 1"));
  EXPECT_TRUE(Has(s, "taskfarm_tasks_in_flight 8"));
  EXPECT_TRUE(Has(s, "taskfarm_tasks_queued 572"));
  // A label value is escaped: the host holds quotes.
  EXPECT_TRUE(Has(s, "taskfarm_workers{host=\"node\\\"7\\\"\",state=\"busy\"} 1"));
  EXPECT_TRUE(Has(s, "taskfarm_worker_deaths_total 3"));
  EXPECT_TRUE(Has(s, "taskfarm_records_acknowledged_total 400"));
  EXPECT_TRUE(Has(s, "taskfarm_batch_finished 0"));
  for (const std::string& line : s) EXPECT_FALSE(absl::StartsWith(line, "taskfarm_exit_code"));
}

TEST(PrometheusText, HistogramBucketsAreCumulativeUpToTheCount) {
  std::vector<std::string> s = Samples(PrometheusText(Sample()));
  EXPECT_TRUE(Has(s, "taskfarm_task_duration_seconds_bucket{le=\"2e-06\"} 0"));
  EXPECT_TRUE(Has(s, "taskfarm_task_duration_seconds_bucket{le=\"4e-06\"} 400"));
  // 2^32 µs, the last bounded bucket.
  EXPECT_TRUE(Has(s, "taskfarm_task_duration_seconds_bucket{le=\"4294.967296\"} 400"));
  EXPECT_TRUE(Has(s, "taskfarm_task_duration_seconds_bucket{le=\"+Inf\"} 420"));
  EXPECT_TRUE(Has(s, "taskfarm_task_duration_seconds_count 420"));
  EXPECT_TRUE(Has(s, "taskfarm_task_duration_seconds_sum 144000.0012"));
}

TEST(PrometheusText, ExitCodeOnceFinished) {
  View snap = Sample();
  snap.batch.finished = true;
  snap.batch.exit_code = 3;
  std::vector<std::string> s = Samples(PrometheusText(snap));
  EXPECT_TRUE(Has(s, "taskfarm_exit_code 3"));
  EXPECT_TRUE(Has(s, "taskfarm_batch_finished 1"));
}

TEST(TaskLine, WritesTheTaskLanguage) {
  std::vector<proto::Value> args = {int64_t{-3}, uint64_t{30}, 0.5,
                                    absl::string_view("plain")};
  EXPECT_EQ(journal::TaskLine("fib", args, 200), "fib -3 30 0.5 plain");
  std::vector<proto::Value> quoted = {absl::string_view("a b"),
                                      absl::string_view("say \"hi\"\n"),
                                      absl::string_view("")};
  EXPECT_EQ(journal::TaskLine("fail", quoted, 200), "fail \"a b\" \"say \\\"hi\\\"\\n\" \"\"");
}

TEST(TaskLine, CutsALongTaskOnACharacterBoundary) {
  std::string word;
  for (int i = 0; i < 300; ++i) word += "\xc3\xa9";  // é, two bytes each
  std::vector<proto::Value> args = {absl::string_view(word)};
  std::string text = journal::TaskLine("echo", args, Snapshot::kMaxTaskText);
  EXPECT_LE(text.size(), Snapshot::kMaxTaskText + 3);
  ASSERT_TRUE(absl::EndsWith(text, "..."));
  std::string kept = text.substr(0, text.size() - 3);
  // "echo " is 5 bytes; whole two-byte characters follow.
  EXPECT_EQ((kept.size() - 5) % 2, 0u) << kept;
}

TEST(CutText, LeavesShortTextAlone) {
  std::string s = "short";
  journal::CutText(&s, 10);
  EXPECT_EQ(s, "short");
  journal::CutText(&s, 3);
  EXPECT_EQ(s, "sho...");
}

}  // namespace
}  // namespace taskfarm::master::dashboard
