// File: proto/contract.h
//
// What taskfarm's processes agree on besides the shape of their messages
// (proto/messages.h): the routing identities their sockets carry, the
// Shutdown reasons the receiver acts on, and the exit code of every
// process, each of which another process reads: the master reads its
// worker's and logger's, `worker --procs` its children's, scripts the
// master's. One header, low in the arrows, so that the master, the worker
// and the logger all spell them the same way.
//
// Constants only; thread-safe.

#ifndef TASKFARM_PROTO_CONTRACT_H_
#define TASKFARM_PROTO_CONTRACT_H_

#include <chrono>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace taskfarm::proto {

// Routing identities. A worker connects two DEALER sockets to the master:
// its task socket ("T" + its worker id) and its heartbeat socket ("H" + the
// same id). The logger's socket is "L" + its pid.
inline constexpr char kTaskPrefix[] = "T";
inline constexpr char kHeartbeatPrefix[] = "H";
inline constexpr char kLoggerPrefix[] = "L";

inline std::string TaskIdentity(absl::string_view worker_id) {
  return absl::StrCat(kTaskPrefix, worker_id);
}
inline std::string HeartbeatIdentity(absl::string_view worker_id) {
  return absl::StrCat(kHeartbeatPrefix, worker_id);
}
inline std::string LoggerIdentity(int64_t pid) {
  return absl::StrCat(kLoggerPrefix, pid);
}

// A worker's heartbeat thread starts before the master's Welcome tells it
// the interval: its first heartbeat comes within this of its hello, at
// whatever --heartbeat says. The master allows for it.
inline constexpr std::chrono::milliseconds kFirstHeartbeatWithin{1000};

// Shutdown::reason values the receiver acts on (any other reason is for
// people). A worker told kShutdownRecycled exits with worker_exit::kRecycled,
// which asks whoever supervises it (`worker --procs`, or the master for a
// local worker) for a fresh process: --max-tasks-per-worker.
inline constexpr char kShutdownDone[] = "done";
inline constexpr char kShutdownRecycled[] = "recycled";
inline constexpr char kShutdownFatalReceived[] = "fatal received";
inline constexpr char kShutdownOtherKinds[] = "different task kinds";

// Exit codes of the master (README: "Exit codes").
namespace master_exit {
inline constexpr int kOk = 0;            // every task ok
inline constexpr int kTasksFailed = 1;   // some task not ok, or --halt on failures
inline constexpr int kUsage = 2;         // usage or input error; nothing ran
inline constexpr int kCrashLoop = 3;     // workers cannot start or stay up
inline constexpr int kOutputFailed = 4;  // output not written (or not confirmed)
inline constexpr int kSignalBase = 128;  // + N: stopped by signal N
// The reader of the output went away (`| head -1`): 128 + SIGPIPE, what a
// shell reports for a writer a closed pipe killed.
inline constexpr int kOutputClosed = kSignalBase + 13;
}  // namespace master_exit

// Exit codes of a worker process (README: "Worker exit codes").
namespace worker_exit {
inline constexpr int kOk = 0;              // told to shut down
inline constexpr int kUsage = 2;
inline constexpr int kCrashLoop = 3;       // `worker --procs`: children kept dying
inline constexpr int kTaskException = 70;  // a task threw (Fatal sent first)
inline constexpr int kOutOfMemory = 71;    // a task hit --max-memory (Fatal sent)
inline constexpr int kTimeout = 72;        // a task ran past --timeout (Fatal sent)
inline constexpr int kMasterLost = 75;     // the master stayed silent
inline constexpr int kRefused = 77;        // the master refused our key
inline constexpr int kRecycled = 79;       // told kShutdownRecycled: start a fresh one
}  // namespace worker_exit

// Exit codes of the logger process.
namespace logger_exit {
inline constexpr int kOk = 0;
inline constexpr int kUsage = 2;
inline constexpr int kOutputFailed = 74;  // the output cannot be written
inline constexpr int kMasterLost = 75;    // its master died
// The reader of the output pipe went away (EPIPE): the logger leaves
// quietly, and the master stops the batch with master_exit::kOutputClosed.
inline constexpr int kOutputClosed = 141;
}  // namespace logger_exit

}  // namespace taskfarm::proto

#endif  // TASKFARM_PROTO_CONTRACT_H_
