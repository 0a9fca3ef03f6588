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

namespace taskfarm::worker {

// Exit codes of a worker process.
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitTaskException = 70;  // a task threw
inline constexpr int kExitOutOfMemory = 71;    // a task hit --max-memory
// kExitTimeout (72) is in heartbeat.h.
inline constexpr int kExitMasterLost = 75;     // the master went silent

struct WorkerOptions {
  std::string endpoint;  // the master's task socket
  // Applies security options to each socket before it connects.
  std::function<void(zmq::socket_t&)> configure;
  // A file shared with a local master (base/shared_page.h) to publish the
  // running task in; "" for none (remote workers).
  std::string state_file;
  // How long to wait for the master's Welcome while the master says
  // nothing at all (it heartbeats workers it has heard from).
  std::chrono::milliseconds hello_timeout{10000};
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
  WorkerOptions options_;
};

}  // namespace taskfarm::worker

#endif  // TASKFARM_WORKER_WORKER_H_
