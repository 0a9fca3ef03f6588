// File: logger/logger.h
//
// Logger is the process that writes the batch's output. It connects a
// DEALER socket to the master's log endpoint, says hello, and waits for the
// master's LoggerWelcome (sent once the input checked out: the output and
// the handoff are touched only then; a Shutdown or a signal before it ends
// the logger with 0, nothing opened). Then, for each
// Log message (a records frame exactly as a worker produced it), formats
// the records, writes them in large chunks, and acknowledges the highest
// sequence number written (after fdatasync with --fsync). Ids it has
// already written, in this life or a previous one (logger/output.h: what
// the master handed over, and what earlier loggers of the batch wrote),
// are dropped: the master resends whatever was not acknowledged to a new
// logger, and nothing is written twice. A record whose id is outside the
// batch is reported and dropped, never a reason to crash.
//
// Example:
//   LoggerOptions options{.endpoint = "ipc:///tmp/taskfarm.x/log",
//                         .output = "out.jsonl",
//                         .format = journal::Format::kJsonl};
//   return Logger(options).Run();
//
// Use from one thread.

#ifndef TASKFARM_LOGGER_LOGGER_H_
#define TASKFARM_LOGGER_LOGGER_H_

#include <string>

#include "journal/format.h"
#include "proto/contract.h"

namespace taskfarm::logger {

// Exit codes of a logger process (proto/contract.h).
inline constexpr int kExitOk = proto::logger_exit::kOk;
inline constexpr int kExitUsage = proto::logger_exit::kUsage;
inline constexpr int kExitOutputFailed = proto::logger_exit::kOutputFailed;
inline constexpr int kExitMasterLost = proto::logger_exit::kMasterLost;
inline constexpr int kExitOutputClosed = proto::logger_exit::kOutputClosed;

struct LoggerOptions {
  std::string endpoint;
  std::string output;  // "" or "-": standard output
  // The master's journal/handoff.h file; "" when there is none (the logger
  // then scans the whole output and knows no id range).
  std::string handoff;
  journal::Format format = journal::Format::kText;
  bool fsync = false;
  bool first = true;  // the first logger of the batch (writes a csv header)
  bool keep_order = false;  // write records in task id order
  bool progress = false;    // draw the progress line on standard error
  std::string joblog;       // GNU Parallel's job log (logger/joblog.h); "" = none
};

class Logger {
 public:
  explicit Logger(LoggerOptions options);
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  // Serves until the master says shut down (0), the output fails (74) or
  // its reader goes away (141), or SIGTERM (flushes, then 0). Returns 0 at
  // once if shut down or signalled before the welcome.
  int Run();

 private:
  LoggerOptions options_;
};

}  // namespace taskfarm::logger

#endif  // TASKFARM_LOGGER_LOGGER_H_
