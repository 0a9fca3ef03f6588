// File: master/local_processes.h
//
// LocalProcesses are the master's children: a worker or the logger per
// slot (slot numbers are MasterCore's), started by fork+exec with the
// command line their role needs, signalled, and reaped. A worker's shared
// state page (a file in the runtime directory, one per slot, reused by
// every child of the slot) is mapped here when the core asks and handed to
// it. Nothing is decided here: MasterCore says when to start and signal.
// The destructor stops every child still running (SIGTERM, a bounded wait,
// SIGKILL) and reaps it.
//
// Use from one thread.

#ifndef TASKFARM_MASTER_LOCAL_PROCESSES_H_
#define TASKFARM_MASTER_LOCAL_PROCESSES_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "master/options.h"
#include "master/outbox.h"
#include "master/runtime_dir.h"
#include "supervise/child_process.h"
#include "supervise/exit_status.h"

namespace taskfarm::master {

class LocalProcesses {
 public:
  // `options` (binaries, output settings) and `rundir` must outlive it.
  // Every logger also gets `logger_flags` (BatchIo::LoggerFlags: the
  // handoff of what the output already holds).
  LocalProcesses(const FarmOptions& options, const RuntimeDir& rundir,
                 std::vector<std::string> logger_flags = {})
      : options_(options), rundir_(rundir), logger_flags_(std::move(logger_flags)) {}
  LocalProcesses(const LocalProcesses&) = delete;
  LocalProcesses& operator=(const LocalProcesses&) = delete;
  ~LocalProcesses();

  // Outbox::StartSlot. Returns kResourceExhausted if fork fails, kNotFound
  // or kPermissionDenied if the binary cannot be executed.
  absl::StatusOr<Spawned> Start(int slot, const SlotSpec& spec);
  // Outbox::SignalSlot.
  void Signal(int slot, pid_t pid, int signal);
  // Every child that exited since the last call: (slot, how it ended).
  std::vector<std::pair<int, supervise::ExitStatus>> Reap();

 private:
  std::vector<std::string> WorkerArgv(const SlotSpec& spec,
                                      std::optional<base::SharedPage>* page) const;
  std::vector<std::string> LoggerArgv(bool first) const;

  const FarmOptions& options_;
  const RuntimeDir& rundir_;
  std::vector<std::string> logger_flags_;
  std::vector<std::optional<supervise::ChildProcess>> children_;  // by slot
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_LOCAL_PROCESSES_H_
