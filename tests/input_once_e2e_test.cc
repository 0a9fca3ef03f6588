// End to end: the master reads its input exactly once (issue 10, items 1,
// 11, 12 and 22). Inputs that can be read only once (`<(cmd)`, /dev/stdin
// from a pipe, a FIFO) run every task; a file cut after the check loses
// nothing; a spool cut under the running batch is an error, never exit 0;
// SIGTERM stops a check that waits on a silent FIFO; `--tasks=''` is an
// empty batch, not the demo; --resume with another task list says so.

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testutil/farm.h"

namespace taskfarm::testing {
namespace {

using std::chrono::seconds;

// Ids of the records of a jsonl output, all of which must be ok.
std::set<uint64_t> OkIds(const std::string& path) {
  std::set<uint64_t> ids;
  for (const nlohmann::json& r : ReadJsonl(path)) {
    EXPECT_EQ(r.at("status"), "ok") << r.dump();
    ids.insert(r.at("id").get<uint64_t>());
  }
  return ids;
}

std::set<uint64_t> IdsBelow(uint64_t n) {
  std::set<uint64_t> ids;
  for (uint64_t i = 0; i < n; ++i) ids.insert(i);
  return ids;
}

bool NoRuntimeDirIn(const std::string& dir) {
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().filename().string().rfind("taskfarm.", 0) == 0) return false;
  }
  return true;
}

// Runs `script` with bash, $MASTER naming the master.
MasterRun RunBash(const std::string& script) {
  const std::string dir = TempDir("bash");
  Process p({"/bin/bash", "-c", script}, dir, "",
            {"MASTER=" + Runfile("master/master")});
  MasterRun run;
  std::optional<int> code = p.Wait(seconds(60));
  EXPECT_TRUE(code.has_value()) << "master did not exit in time";
  run.exit_code = code.value_or(-1);
  run.out = p.out();
  run.err = p.err();
  return run;
}

TEST(InputOnce, ProcessSubstitutionRunsEveryTask) {
  const std::string out = TempDir("subst") + "/out.jsonl";
  MasterRun run = RunBash("exec \"$MASTER\" --format=jsonl --output=" + out +
                          " <(seq 1 10 | sed 's/^/fib /')");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(OkIds(out), IdsBelow(10));
}

TEST(InputOnce, DevStdinFromAPipeRunsEveryTask) {
  const std::string out = TempDir("stdin") + "/out.jsonl";
  MasterRun run = RunBash("seq 1 10 | sed 's/^/fib /' | \"$MASTER\" "
                          "--format=jsonl --output=" + out + " /dev/stdin");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(OkIds(out), IdsBelow(10));
}

// Opens the writing end of `fifo` once the master has opened it to read.
int OpenFifoWriter(const std::string& fifo) {
  int fd = -1;
  WaitFor(
      [&] {
        fd = open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        return fd >= 0;  // ENXIO while nobody reads it
      },
      seconds(30));
  if (fd >= 0) fcntl(fd, F_SETFL, 0);  // blocking writes from now on
  return fd;
}

TEST(InputOnce, FifoRunsEveryTask) {
  const std::string dir = TempDir("fifo");
  const std::string fifo = dir + "/tasks.fifo", out = dir + "/out.jsonl";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  Process master(MasterArgv({"--format=jsonl", "--output=" + out, fifo}), dir);
  int fd = OpenFifoWriter(fifo);
  ASSERT_GE(fd, 0) << "the master never opened its FIFO";
  std::string tasks;
  for (int i = 0; i < 100; ++i) tasks += "fib " + std::to_string(i) + "\n";
  ASSERT_EQ(write(fd, tasks.data(), tasks.size()),
            static_cast<ssize_t>(tasks.size()));
  close(fd);
  // A second open() of the FIFO would wait for a writer for ever.
  ASSERT_EQ(master.Wait(seconds(60)), 0) << master.err();
  EXPECT_EQ(OkIds(out), IdsBelow(100));
}

TEST(InputOnce, SigtermStopsACheckWaitingOnASilentFifo) {
  const std::string dir = TempDir("fifo_term"), tmp = ShortTempDir();
  const std::string fifo = dir + "/tasks.fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  Process master(MasterArgv({"--format=jsonl", "--output=" + dir + "/out",
                             fifo}),
                 dir, "", {"TMPDIR=" + tmp});
  int fd = OpenFifoWriter(fifo);  // the check has opened it: it is reading
  ASSERT_GE(fd, 0) << "the master never opened its FIFO";
  ASSERT_EQ(write(fd, "fib 1\n", 6), 6);
  // The writer stays open and silent: the check waits for more.
  master.Signal(SIGTERM);
  std::optional<int> code = master.Wait(seconds(30));
  close(fd);
  ASSERT_TRUE(code.has_value()) << "SIGTERM did not stop the input check";
  EXPECT_EQ(*code, 128 + SIGTERM) << master.err();
  EXPECT_TRUE(NoRuntimeDirIn(tmp));
}

// A task file whose first task waits until the test creates `go` (and
// first creates `started`), then `n` tiny tasks, 73 bytes a line.
std::string GatedTasks(const std::string& dir, int n) {
  std::string tasks = "exec sh -c ': > " + dir + "/started; while [ ! -e " +
                      dir + "/go ]; do sleep 0.01; done'\n";
  // Padded: megabytes of input for few tasks.
  const std::string line = "fib 10  # " + std::string(62, 'x') + "\n";
  for (int i = 0; i < n; ++i) tasks += line;
  return tasks;
}

TEST(InputOnce, FileCutAfterTheCheckLosesNothing) {
  const std::string dir = TempDir("cut");
  const std::string in = dir + "/tasks.txt", out = dir + "/out.jsonl";
  constexpr int kTasks = 30000;  // 2.2 MB: more than a reader's 1 MiB chunk
  WriteFile(in, GatedTasks(dir, kTasks));
  Process master(MasterArgv({"--workers=1", "--format=jsonl",
                             "--output=" + out, in}),
                 dir);
  // The first task runs: the check is over.
  ASSERT_TRUE(WaitFor([&] { return std::filesystem::exists(dir + "/started"); },
                      seconds(60)))
      << master.err();
  std::filesystem::resize_file(in, 10);
  WriteFile(dir + "/go", "");
  ASSERT_EQ(master.Wait(seconds(120)), 0) << master.err();
  EXPECT_EQ(OkIds(out), IdsBelow(kTasks + 1));
}

TEST(InputOnce, SpoolCutUnderTheBatchIsAnErrorNotSuccess) {
  const std::string dir = TempDir("spool_cut"), tmp = ShortTempDir();
  const std::string in = dir + "/tasks.txt", out = dir + "/out.jsonl";
  constexpr int kTasks = 30000;  // a spool of 7 blocks
  WriteFile(in, GatedTasks(dir, kTasks));
  Process master(MasterArgv({"--workers=1", "--format=jsonl",
                             "--output=" + out, in}),
                 dir, "", {"TMPDIR=" + tmp});
  ASSERT_TRUE(WaitFor([&] { return std::filesystem::exists(dir + "/started"); },
                      seconds(60)))
      << master.err();
  std::string spool;
  for (const auto& e : std::filesystem::directory_iterator(tmp)) {
    spool = e.path().string() + "/input.spool";
  }
  ASSERT_TRUE(std::filesystem::exists(spool));
  std::filesystem::resize_file(spool, std::filesystem::file_size(spool) / 2);
  WriteFile(dir + "/go", "");
  std::optional<int> code = master.Wait(seconds(120));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 2) << master.err();
  EXPECT_NE(master.err().find("input spool"), std::string::npos)
      << master.err();
  EXPECT_LT(ReadJsonl(out).size(), static_cast<size_t>(kTasks) + 1);
}

TEST(InputOnce, EmptyTasksFlagIsAnEmptyBatchNotTheDemo) {
  const std::string out = TempDir("empty") + "/out.jsonl";
  for (const std::vector<std::string>& flag :
       {std::vector<std::string>{"--tasks="},
        std::vector<std::string>{"--tasks", ""}}) {
    SCOPED_TRACE(flag.size());
    WriteFile(out, "{\"earlier\": \"output\"}\n");
    std::vector<std::string> args = {"--format=jsonl", "--output=" + out};
    args.insert(args.end(), flag.begin(), flag.end());
    MasterRun run = RunMaster(args);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(run.err.find("demo"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("0 of 0"), std::string::npos) << run.err;
    EXPECT_EQ(ReadFile(out).size(), 0u) << "not the output of an empty batch";
  }
}

TEST(InputOnce, ResumeWithAnotherTaskListSaysSo) {
  const std::string out = TempDir("resume") + "/out.jsonl";
  ASSERT_EQ(RunMaster({"--format=jsonl", "--output=" + out,
                       "--tasks=fib 0..99"})
                .exit_code,
            0);
  // Records with ids 10..99 are no records of a 10-task list: the
  // fingerprint must speak first.
  MasterRun run = RunMaster({"--format=jsonl", "--output=" + out, "--resume",
                             "--tasks=fib 0..9"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("was written for a different task list"),
            std::string::npos)
      << run.err;
}

}  // namespace
}  // namespace taskfarm::testing
