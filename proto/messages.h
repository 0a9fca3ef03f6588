// File: proto/messages.h
//
// The messages taskfarm processes exchange, as plain structs. Each message
// travels as one ZeroMQ multipart message: a header frame (msgpack array
// [kProtocolVersion, MessageType, fields...], encoded by proto::Codec) and,
// for task and result batches, one body frame (proto/batch.h). Sockets add
// routing frames in front; proto knows nothing about them.
//
//   worker -> master : Hello, Results(+records body), Fatal, Heartbeat,
//                      BadBatch
//   master -> worker : Welcome, Tasks(+tasks body), Shutdown, Heartbeat,
//                      Rejoin
//   master -> logger : LoggerWelcome, Log(+records body), Progress, Shutdown
//   logger -> master : LoggerHello, Ack
//
// Plain data, thread-compatible.

#ifndef TASKFARM_PROTO_MESSAGES_H_
#define TASKFARM_PROTO_MESSAGES_H_

#include <array>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace taskfarm::proto {

// Bumped whenever a message changes shape; peers with another version are
// refused at hello.
inline constexpr uint32_t kProtocolVersion = 2;  // 2: Heartbeat.batches

enum class MessageType : uint8_t {
  kHello = 1,
  kWelcome = 2,
  kTasks = 3,
  kResults = 4,
  kFatal = 5,
  kHeartbeat = 6,
  kShutdown = 7,
  kLoggerHello = 8,
  kLoggerWelcome = 9,
  kLog = 10,
  kAck = 11,
  kProgress = 12,
  kRejoin = 13,
  kBadBatch = 14,
};

// How one task ended. Every task is reported exactly once with one of these.
enum class TaskStatus : uint8_t {
  kOk = 0,       // the task returned a result
  kError = 1,    // the task returned an error (bad argument, failed command)
  kCrashed = 2,  // its worker died running it, --retries times
  kTimeout = 3,  // it ran past --timeout, --retries times
  kOom = 4,      // it ran out of memory (--max-memory), --retries times
};
inline constexpr int kTaskStatusCount = 5;

// "ok", "error", "crashed", "timeout", "oom".
const char* TaskStatusName(TaskStatus status);

// A task kind as a worker advertises it.
struct TaskKind {
  std::string name;       // "fib"
  std::string signature;  // "int" (proto/signature.h)
  std::string doc;        // one line

  friend bool operator==(const TaskKind&, const TaskKind&) = default;
};

// Worker -> master, first message on its task socket.
struct Hello {
  std::string worker_id;  // random, unique per worker process
  int64_t pid = 0;
  std::string host;
  uint32_t cores = 0;        // online CPUs on the worker's host
  std::string version;       // taskfarm build version, for diagnostics
  std::vector<TaskKind> kinds;

  friend bool operator==(const Hello&, const Hello&) = default;
};

// Master -> worker, the answer to Hello: the settings of this batch.
struct Welcome {
  uint32_t heartbeat_ms = 1000;  // how often the worker must heartbeat
  uint32_t liveness = 3;         // missed heartbeats before a peer is dead
  uint64_t timeout_ms = 0;       // per-task time limit, 0 = none
  uint64_t max_memory_mb = 0;    // what a task may allocate, 0 = no limit
  std::string results_dir;       // where exec output goes, "" = nowhere

  friend bool operator==(const Welcome&, const Welcome&) = default;
};

// Master -> worker: header of a batch of tasks (body: proto/batch.h).
struct Tasks {
  uint64_t batch_id = 0;
  uint32_t count = 0;

  friend bool operator==(const Tasks&, const Tasks&) = default;
};

// Worker -> master: header of the results of tasks [offset, offset + count)
// of a batch, in batch order (body: the records, proto/batch.h). The master
// reads only this header; the body goes to the logger unopened.
struct Results {
  uint64_t batch_id = 0;
  uint32_t offset = 0;
  uint32_t count = 0;
  uint64_t elapsed_us = 0;  // compute time of these tasks
  std::array<uint32_t, kTaskStatusCount> by_status{};  // counts

  friend bool operator==(const Results&, const Results&) = default;
};

// Why a worker gave up on a task and is about to exit.
enum class FatalKind : uint8_t {
  kException = 0,  // the task threw
  kOom = 1,        // std::bad_alloc
  kTimeout = 2,    // the task ran past its time limit
};
inline constexpr int kFatalKindCount = 3;

// Worker -> master, sent just before the worker exits: task `index` of batch
// `batch_id` killed it. Results for the tasks before it were sent already.
struct Fatal {
  uint64_t batch_id = 0;
  uint32_t index = 0;
  FatalKind kind = FatalKind::kException;
  std::string reason;

  friend bool operator==(const Fatal&, const Fatal&) = default;
};

// Both ways on the heartbeat socket. From a worker it says what it runs.
struct Heartbeat {
  std::string worker_id;
  uint64_t batch_id = 0;     // batch being computed, 0 = idle
  uint32_t index = 0;        // task within it
  uint64_t running_ms = 0;   // how long that task has run
  uint64_t rss_kb = 0;
  // Task batches received so far on this connection: the master counts an
  // idle worker as having lost a batch only once every batch sent to it
  // has arrived (a batch still on the way is not lost).
  uint64_t batches = 0;

  friend bool operator==(const Heartbeat&, const Heartbeat&) = default;
};

// Master -> worker or logger: finish and exit.
struct Shutdown {
  std::string reason;

  friend bool operator==(const Shutdown&, const Shutdown&) = default;
};

// Logger -> master, first message.
struct LoggerHello {
  int64_t pid = 0;

  friend bool operator==(const LoggerHello&, const LoggerHello&) = default;
};

// Master -> logger, the answer to LoggerHello.
struct LoggerWelcome {
  uint64_t total = 0;  // tasks in the batch, for progress; 0 = unknown

  friend bool operator==(const LoggerWelcome&, const LoggerWelcome&) = default;
};

// Master -> logger: header of a batch of records to write (body follows).
struct Log {
  uint64_t seq = 0;  // consecutive from 1 for each logger

  friend bool operator==(const Log&, const Log&) = default;
};

// Logger -> master: every Log up to `seq` is written (and fsynced with
// --fsync); the master may forget them.
struct Ack {
  uint64_t seq = 0;

  friend bool operator==(const Ack&, const Ack&) = default;
};

// Master -> logger, a few times a second, for the progress line.
struct Progress {
  uint64_t total = 0;
  uint64_t done = 0;
  uint64_t failed = 0;
  uint32_t workers = 0;
  uint64_t elapsed_ms = 0;

  friend bool operator==(const Progress&, const Progress&) = default;
};

// Master -> a remote worker it does not know (it was declared lost, or the
// master restarted): forget every task held, say hello again with a new
// worker id. Whatever the old identity still sends is dropped.
struct Rejoin {
  std::string reason;

  friend bool operator==(const Rejoin&, const Rejoin&) = default;
};

// Worker -> master: it could not read batch `batch_id` (a bad frame) and
// dropped it without running any of its tasks. The master takes the batch
// back; the worker goes on with the others.
struct BadBatch {
  uint64_t batch_id = 0;
  std::string reason;

  friend bool operator==(const BadBatch&, const BadBatch&) = default;
};

using Message = std::variant<Hello, Welcome, Tasks, Results, Fatal, Heartbeat,
                             Shutdown, LoggerHello, LoggerWelcome, Log, Ack,
                             Progress, Rejoin, BadBatch>;

}  // namespace taskfarm::proto

#endif  // TASKFARM_PROTO_MESSAGES_H_
