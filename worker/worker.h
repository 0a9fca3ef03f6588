// File: worker/worker.h
//
// Worker is one compute process: it connects a DEALER socket (routing id
// "T" + a random worker id) to the master, says hello with every task kind
// it can run, applies the master's Welcome (heartbeat, time limit, memory
// limit), then runs the task batches it is sent until told to shut down.
// Results go back in the order the tasks came; a task that throws is
// reported with a Fatal before the worker exits, so the master can replace
// it at once. Between batches it looks ahead in its queue, so a Shutdown
// is honoured without running the batches queued behind it.
//
// A remote worker (options.reconnect) outlives its connection: when the
// master goes silent, or answers Rejoin (it declared this worker lost), it
// drops what it holds and joins again with new sockets and a new worker id,
// each attempt waiting longer (2 s, 4 s, then 8 s) for an answer, until the
// master has been silent for master_timeout; then it exits kExitMasterLost.
// With watch_handshake it also watches the CURVE handshake: a master that
// refuses its key ends it at once with kExitRefused.
//
// Example:
//   WorkerOptions options{.endpoint = "ipc:///run/taskfarm.x/work"};
//   return Worker(options).Run();  // an exit code, see below
//
// Use from one thread (it starts its own heartbeat thread).

#ifndef TASKFARM_WORKER_WORKER_H_
#define TASKFARM_WORKER_WORKER_H_

#include <chrono>
#include <functional>
#include <string>

#include <zmq.hpp>

#include "absl/status/status.h"
#include "proto/contract.h"
#include "proto/run_state.h"

namespace taskfarm::worker {

// Exit codes of a worker process (proto/contract.h).
inline constexpr int kExitOk = proto::worker_exit::kOk;
inline constexpr int kExitUsage = proto::worker_exit::kUsage;
inline constexpr int kExitTaskException = proto::worker_exit::kTaskException;
inline constexpr int kExitOutOfMemory = proto::worker_exit::kOutOfMemory;
// kExitTimeout is in heartbeat.h.
inline constexpr int kExitMasterLost = proto::worker_exit::kMasterLost;
inline constexpr int kExitRefused = proto::worker_exit::kRefused;
inline constexpr int kExitRecycled = proto::worker_exit::kRecycled;

struct WorkerOptions {
  std::string endpoint;  // the master's task socket
  // Applies security options to each socket before it connects.
  std::function<absl::Status(zmq::socket_t&)> configure;
  // A file shared with a local master (base/shared_page.h) to publish the
  // running task in; "" for none (remote workers).
  std::string state_file;
  // How long to wait for the master's Welcome while the master says
  // nothing at all (it heartbeats workers it has heard from).
  std::chrono::milliseconds hello_timeout{10000};
  // Remote workers: reconnect (see above) instead of exiting when the master
  // goes silent, until it has been silent this long.
  bool reconnect = false;
  std::chrono::milliseconds master_timeout{60000};
  // Watch the CURVE handshake (tcp with keys).
  bool watch_handshake = false;
};

class Worker {
 public:
  explicit Worker(WorkerOptions options);
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Serves the master until it says shut down or is lost. Returns the exit
  // code.
  int Run();

 private:
  struct Outcome;
  // One connection: new sockets and worker id, hello, then serve.
  Outcome Serve(zmq::context_t& context, proto::RunState* state, int attempt);

  WorkerOptions options_;
  std::chrono::steady_clock::time_point last_heard_;  // from the master
  int handshake_failures_ = 0;
  bool memory_limited_ = false;
};

}  // namespace taskfarm::worker

#endif  // TASKFARM_WORKER_WORKER_H_
