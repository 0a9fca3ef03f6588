#include "master/process_limits.h"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <thread>

#include "absl/strings/str_cat.h"

namespace taskfarm::master {
namespace {

// Open files the master needs: its own (standard streams, signalfd,
// eventfd, ZeroMQ's pollers and mailboxes, the listening sockets, the
// logger's connection), and two connections per local worker.
constexpr rlim_t kBaseFiles = 48;
constexpr rlim_t kFilesPerWorker = 3;
// ZeroMQ's I/O thread and reaper. (The input check runs in the main
// thread when no other can be had.)
constexpr int kThreads = 2;

constexpr rlim_t kFilesPerRemoteWorker = 2;  // its task and heartbeat connections

rlim_t LocalFiles(int local_workers) {
  return kBaseFiles +
         kFilesPerWorker * static_cast<rlim_t>(local_workers > 0 ? local_workers : 0);
}

absl::Status EnsureFiles(int local_workers, bool remote_workers) {
  const rlim_t needed = LocalFiles(local_workers);
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return absl::OkStatus();
  if (remote_workers && rl.rlim_cur < rl.rlim_max) {
    rlimit raised = rl;
    raised.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
  }
  if (rl.rlim_cur >= needed) return absl::OkStatus();
  if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= needed) {
    rl.rlim_cur = needed;
    if (setrlimit(RLIMIT_NOFILE, &rl) == 0) return absl::OkStatus();
  }
  return absl::ResourceExhaustedError(absl::StrCat(
      local_workers, " workers need about ", needed,
      " open files, and the limit is ", rl.rlim_cur,
      " (ulimit -n); raise it, or run fewer workers"));
}

absl::Status EnsureThreads() {
  std::thread threads[kThreads];
  int started = 0;
  std::string error;
  for (std::thread& t : threads) {
    try {
      t = std::thread([] {});
      ++started;
    } catch (const std::system_error& e) {
      error = e.what();
      break;
    }
  }
  for (int i = 0; i < started; ++i) threads[i].join();
  if (started == kThreads) return absl::OkStatus();
  return absl::ResourceExhaustedError(absl::StrCat(
      "cannot start a thread (", error,
      "): the limit on processes (ulimit -u) is too low"));
}

}  // namespace

absl::Status EnsureLimits(int local_workers, bool remote_workers) {
  if (absl::Status s = EnsureFiles(local_workers, remote_workers); !s.ok()) return s;
  return EnsureThreads();
}

int64_t RemoteWorkerRoom(int local_workers) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return -1;
  const rlim_t used = LocalFiles(local_workers);
  if (rl.rlim_cur <= used) return 0;
  return static_cast<int64_t>((rl.rlim_cur - used) / kFilesPerRemoteWorker);
}

}  // namespace taskfarm::master
