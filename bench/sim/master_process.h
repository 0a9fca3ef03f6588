// File: bench/sim/master_process.h
//
// MasterProcess runs the real master executable for the swarm and watches
// it from outside: its output (csv records on a pipe) is counted and, while
// a measuring window is open, each record's latency is taken against the
// time its result left a simulated worker (SwarmShared::sent_ns); its
// standard error is kept in a file and scanned for the address remote
// workers join at and for "lost remote worker" lines.
//
// Example:
//   MasterProcess master(shared);
//   absl::Status s = master.Start(binary, args, "/tmp/master.log");
//   absl::StatusOr<std::string> endpoint = master.WaitEndpoint(deadline);
//   master.OpenWindow(); ... master.CloseWindow(); master.latencies_us();
//   master.Interrupt(); master.Wait(deadline);
//
// Thread-safe: its reader threads and the caller share only atomics and a
// mutex-guarded sample.

#ifndef TASKFARM_BENCH_SIM_MASTER_PROCESS_H_
#define TASKFARM_BENCH_SIM_MASTER_PROCESS_H_

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "bench/sim/shared_state.h"

namespace taskfarm::bench {

class MasterProcess {
 public:
  explicit MasterProcess(SwarmShared* shared) : shared_(shared) {}
  MasterProcess(const MasterProcess&) = delete;
  MasterProcess& operator=(const MasterProcess&) = delete;
  // Kills the master if it still runs, and joins the readers.
  ~MasterProcess();

  // Starts `binary` with `args` (its output must go to standard output as
  // csv), standard error appended to `log_path`. Returns kInternal if it
  // cannot be started.
  absl::Status Start(const std::string& binary,
                     const std::vector<std::string>& args,
                     const std::string& log_path);
  pid_t pid() const { return pid_; }

  // The "remote workers join at tcp://..." address from its standard error.
  // Returns kDeadlineExceeded if it does not come, kAborted if the master
  // exits first.
  absl::StatusOr<std::string> WaitEndpoint(std::chrono::milliseconds deadline);

  // Records read from its output so far.
  uint64_t records() const { return records_.load(); }
  // "lost remote worker" lines so far.
  uint64_t lost() const { return lost_.load(); }

  // Latencies are taken only between these (and the sample is reset).
  void OpenWindow();
  void CloseWindow();
  std::vector<double> latencies_us() const;

  // SIGINT: the master finishes running tasks and stops.
  void Interrupt();
  // Waits for it to exit. Returns its exit code (128 + N for signal N), or
  // kDeadlineExceeded (it is then killed).
  absl::StatusOr<int> Wait(std::chrono::milliseconds deadline);
  bool exited() const { return exit_code_.has_value(); }

 private:
  void ReadOutput(int fd);
  void ReadErrors(int fd, const std::string& log_path);

  SwarmShared* shared_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::thread output_reader_;
  std::thread error_reader_;
  std::atomic<uint64_t> records_{0};
  std::atomic<uint64_t> lost_{0};
  std::atomic<bool> window_{false};
  std::atomic<bool> errors_closed_{false};
  mutable absl::Mutex mu_;
  std::string endpoint_ ABSL_GUARDED_BY(mu_);
  std::vector<double> latencies_us_ ABSL_GUARDED_BY(mu_);
};

}  // namespace taskfarm::bench

#endif  // TASKFARM_BENCH_SIM_MASTER_PROCESS_H_
