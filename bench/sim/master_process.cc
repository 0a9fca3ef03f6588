#include "bench/sim/master_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/clock.h"
#include "bench/scale/batch_run.h"

namespace taskfarm::bench {
namespace {

constexpr char kJoinAt[] = "remote workers join at ";
constexpr char kLost[] = "lost remote worker";
constexpr auto kPollStep = std::chrono::milliseconds(5);

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             base::Now().time_since_epoch())
      .count();
}

}  // namespace

MasterProcess::~MasterProcess() {
  if (pid_ > 0 && !exit_code_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (output_reader_.joinable()) output_reader_.join();
  if (error_reader_.joinable()) error_reader_.join();
}

absl::Status MasterProcess::Start(const std::string& binary,
                                  const std::vector<std::string>& args,
                                  const std::string& log_path) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    return absl::InternalError("pipe failed");
  }
  std::vector<std::string> argv = {binary};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_ = Spawn(argv, out[1], err[1]);
  close(out[1]);
  close(err[1]);
  if (pid_ < 0) return absl::InternalError("fork failed");
  output_reader_ = std::thread([this, fd = out[0]] { ReadOutput(fd); });
  error_reader_ = std::thread([this, fd = err[0], log_path] { ReadErrors(fd, log_path); });
  return absl::OkStatus();
}

void MasterProcess::ReadOutput(int fd) {
  // csv records: the id is the first field. A line may span two reads.
  static char buf[1 << 16];
  bool line_start = true, in_id = false;
  uint64_t id = 0;
  std::vector<double> batch;
  for (ssize_t got; (got = read(fd, buf, sizeof(buf))) > 0;) {
    const int64_t now = NowNs();
    const bool window = window_.load(std::memory_order_relaxed);
    uint64_t lines = 0;
    for (ssize_t i = 0; i < got; ++i) {
      const char c = buf[i];
      if (line_start) {
        line_start = false;
        in_id = true;
        id = 0;
      }
      if (in_id) {
        if (c >= '0' && c <= '9') {
          id = id * 10 + static_cast<uint64_t>(c - '0');
          continue;
        }
        in_id = false;
        const int64_t sent = shared_->sent_ns[id % kStamps].load(std::memory_order_relaxed);
        if (window && sent > 0 && sent <= now) {
          batch.push_back(static_cast<double>(now - sent) / 1000);
        }
      }
      if (c == '\n') {
        line_start = true;
        ++lines;
      }
    }
    records_.fetch_add(lines);
    if (!batch.empty()) {
      absl::MutexLock lock(&mu_);
      latencies_us_.insert(latencies_us_.end(), batch.begin(), batch.end());
      batch.clear();
    }
  }
  close(fd);
}

void MasterProcess::ReadErrors(int fd, const std::string& log_path) {
  FILE* log = std::fopen(log_path.c_str(), "a");
  FILE* in = fdopen(fd, "r");
  char line[4096];
  while (in != nullptr && std::fgets(line, sizeof(line), in) != nullptr) {
    if (log != nullptr) std::fputs(line, log);
    const std::string text(line);
    if (absl::StrContains(text, kLost)) lost_.fetch_add(1);
    if (const size_t at = text.find(kJoinAt); at != std::string::npos) {
      std::string endpoint = text.substr(at + sizeof(kJoinAt) - 1);
      endpoint = endpoint.substr(0, endpoint.find_first_of(" \n"));
      absl::MutexLock lock(&mu_);
      endpoint_ = endpoint;
    }
  }
  if (in != nullptr) std::fclose(in);
  if (log != nullptr) std::fclose(log);
  errors_closed_.store(true);
}

absl::StatusOr<std::string> MasterProcess::WaitEndpoint(std::chrono::milliseconds deadline) {
  const base::Instant end = base::Now() + deadline;
  while (base::Now() < end) {
    {
      absl::MutexLock lock(&mu_);
      if (!endpoint_.empty()) return endpoint_;
    }
    if (errors_closed_.load()) return absl::AbortedError("the master exited");
    std::this_thread::sleep_for(kPollStep);
  }
  return absl::DeadlineExceededError("the master never said where workers join");
}

void MasterProcess::OpenWindow() {
  absl::MutexLock lock(&mu_);
  latencies_us_.clear();
  window_.store(true);
}

void MasterProcess::CloseWindow() { window_.store(false); }

std::vector<double> MasterProcess::latencies_us() const {
  absl::MutexLock lock(&mu_);
  return latencies_us_;
}

void MasterProcess::Interrupt() {
  if (pid_ > 0 && !exit_code_) kill(pid_, SIGINT);
}

absl::StatusOr<int> MasterProcess::Wait(std::chrono::milliseconds deadline) {
  if (exit_code_) return *exit_code_;
  const base::Instant end = base::Now() + deadline;
  for (;;) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return *exit_code_;
    }
    if (base::Now() >= end) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      exit_code_ = 128 + SIGKILL;
      return absl::DeadlineExceededError("the master did not exit in time");
    }
    std::this_thread::sleep_for(kPollStep);
  }
}

}  // namespace taskfarm::bench
