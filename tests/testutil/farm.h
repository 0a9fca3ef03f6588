// File: tests/testutil/farm.h
//
// Helpers for end-to-end tests that run the real binaries: find them in the
// test's runfiles, start them with their output in files, wait for
// conditions with deadlines (never a fixed sleep), and read what they wrote.
//
// Use from the test's main thread.

#ifndef TASKFARM_TESTS_TESTUTIL_FARM_H_
#define TASKFARM_TESTS_TESTUTIL_FARM_H_

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace taskfarm::testing {

// Path of a binary of this workspace, e.g. Runfile("master/master").
std::string Runfile(const std::string& path);

// A fresh directory under TEST_TMPDIR.
std::string TempDir(const std::string& name);
// A fresh directory with a short path (/tmp/tfXXXXXX), for TMPDIR of a
// master whose runtime directory must be found: unix socket paths are short.
std::string ShortTempDir();

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& content);
std::vector<std::string> Lines(const std::string& text);

// Polls `condition` every few milliseconds until it holds or `timeout`
// passes. Returns whether it held.
bool WaitFor(const std::function<bool()>& condition,
             std::chrono::milliseconds timeout);

// A process started with its stdout and stderr in files.
class Process {
 public:
  // Starts argv (argv[0] a path); stdin from `stdin_path` or /dev/null;
  // `env` entries "NAME=value" are added to the test's environment.
  Process(std::vector<std::string> argv, const std::string& dir,
          const std::string& stdin_path = "",
          std::vector<std::string> env = {});
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process();  // SIGKILLs and reaps if still running

  pid_t pid() const { return pid_; }
  // The exit code (128+N if killed by signal N), once it exited within
  // `timeout`; nullopt if still running.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  void Signal(int sig) const;

  std::string out() const;  // what it wrote to stdout so far
  std::string err() const;
  const std::string& out_path() const { return out_path_; }

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::string out_path_, err_path_;
};

// Runs the master with `args` and waits (up to `timeout`) for it to exit.
struct MasterRun {
  int exit_code = -1;
  std::string out, err;
};
MasterRun RunMaster(const std::vector<std::string>& args,
                    std::chrono::milliseconds timeout = std::chrono::seconds(60),
                    const std::string& stdin_path = "");
// argv for the master: its path, then `args`.
std::vector<std::string> MasterArgv(const std::vector<std::string>& args);

// Direct children of `pid`, and their command names (from /proc).
std::vector<pid_t> ChildrenOf(pid_t pid);
std::string CommandName(pid_t pid);
bool Alive(pid_t pid);  // exists and is not a zombie
// The live direct children of `parent` whose command name is `name`
// ("worker", "logger").
std::vector<pid_t> LiveChildrenNamed(pid_t parent, const std::string& name);

// fib(n) in decimal, computed independently (GMP).
std::string Fib(uint64_t n);

// Parses a jsonl file; fails the test on a line that is not JSON.
std::vector<nlohmann::json> ReadJsonl(const std::string& path);

// Checks a jsonl output of `fib 0..n-1`: every id once, right results, all
// ok. Returns "" if good, else the first problem.
std::string CheckFibOutput(const std::vector<nlohmann::json>& records,
                           uint64_t n);

}  // namespace taskfarm::testing

#endif  // TASKFARM_TESTS_TESTUTIL_FARM_H_
