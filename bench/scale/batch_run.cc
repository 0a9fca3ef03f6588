#include "bench/scale/batch_run.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace taskfarm::bench {
namespace {

double Seconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

}  // namespace

pid_t Spawn(const std::vector<std::string>& argv, int stdout_fd, int stderr_fd) {
  std::vector<std::string> store = argv;
  std::vector<char*> pointers;
  for (std::string& a : store) pointers.push_back(a.data());
  pointers.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    if (stdout_fd >= 0) dup2(stdout_fd, STDOUT_FILENO);
    if (stderr_fd >= 0) dup2(stderr_fd, STDERR_FILENO);
    execv(pointers[0], pointers.data());
    _exit(127);
  }
  return pid;
}

std::string SelfExe() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return std::string(buf, n > 0 ? static_cast<size_t>(n) : 0);
}

absl::StatusOr<RunResult> RunBatch(const std::string& binary,
                                   const std::vector<std::string>& args,
                                   const std::string& log_path) {
  std::vector<std::string> argv_store = {binary};
  argv_store.insert(argv_store.end(), args.begin(), args.end());

  const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) return absl::InternalError(absl::StrCat("cannot open ", log_path));
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = Spawn(argv_store, log, log);
  close(log);
  if (pid < 0) return absl::InternalError("fork failed");
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid) {
    return absl::InternalError("wait4 failed");
  }
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::AbortedError(absl::StrCat(
        binary, " ", absl::StrJoin(args, " "), ": ",
        WIFEXITED(status) ? absl::StrCat("exit code ", WEXITSTATUS(status))
                          : absl::StrCat("signal ", WTERMSIG(status)),
        "; see ", log_path));
  }
  return RunResult{wall.count(), Seconds(usage.ru_utime) + Seconds(usage.ru_stime)};
}

absl::StatusOr<std::string> FindRunfile(const std::string& name) {
  std::vector<std::string> candidates;
  const std::string relative = absl::StrCat("taskfarm/", name);
  if (const char* dir = std::getenv("RUNFILES_DIR")) {
    candidates.push_back(absl::StrCat(dir, "/", relative));
  }
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(absl::StrCat(self.string(), ".runfiles/", relative));
    // bazel-bin/bench/scaling -> bazel-bin/master/master
    candidates.push_back(
        (self.parent_path().parent_path() / name).string());
  }
  for (const std::string& c : candidates) {
    if (access(c.c_str(), X_OK) == 0) return c;
  }
  return absl::NotFoundError(absl::StrCat("cannot find ", name, " (looked in ",
                                          absl::StrJoin(candidates, ", "), ")"));
}

}  // namespace taskfarm::bench
