// File: logger/joblog.h
//
// GNU Parallel's job log (--joblog FILE), written by the logger beside the
// output, so that scripts written for Parallel's joblogs keep working: a
// header line, then one tab-separated line per task, in completion order:
//
//   Seq  Host  Starttime       JobRuntime  Send Receive Exitval Signal Command
//   1    :     1796035377.632       0.006  0    0       0       0      gzip -9 a.log
//
// Seq is the task id + 1 ({#}); Host is ":" (this machine, as Parallel
// writes it); Starttime is seconds since the epoch, JobRuntime seconds,
// both with 3 decimals, the start taken as the record's arrival less its
// run time; Send and Receive are 0. Exitval and Signal come from the
// record: ok is 0 0; an exec error "exit N" is N 0, "killed by SIGX" is
// 0 X (as Parallel), a program that could not start is 127 (126: not
// executable); a timeout is -1 15 (Parallel's), a crash or oom -1 with the
// signal if known. Command is the exec argv quoted as Parallel quotes it
// (other kinds: the kind and its arguments); a newline or tab in it is
// written \n or \t, so that every job stays one line.
//
// Best effort, not a journal: the output file is what --resume reads. A
// task id gets one line per log file (a restarted logger is told the ids
// already in the output and skips them).
//
// Use from one thread.

#ifndef TASKFARM_LOGGER_JOBLOG_H_
#define TASKFARM_LOGGER_JOBLOG_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "journal/id_set.h"
#include "proto/batch.h"

namespace taskfarm::logger {

class Joblog {
 public:
  // Opens `path`: truncated with a new header if `fresh`, else appended to.
  // `done`: ids that need no line (already in the output). Returns
  // kUnavailable if it cannot be opened.
  static absl::StatusOr<Joblog> Open(const std::string& path, bool fresh,
                                     journal::IdSet done);

  Joblog(Joblog&& other) noexcept;
  Joblog& operator=(Joblog&&) = delete;
  Joblog(const Joblog&) = delete;
  ~Joblog();

  // One line for `record`, which arrived at `now_seconds` (epoch).
  void Add(const proto::RecordView& record, double now_seconds);
  // Writes what is buffered. Returns kUnavailable on a write error.
  absl::Status Flush();

 private:
  Joblog(int fd, journal::IdSet done) : fd_(fd), done_(std::move(done)) {}

  int fd_ = -1;
  journal::IdSet done_;
  std::string buffer_;
};

// The Exitval and Signal columns for a record (exposed for tests).
struct ExitColumns {
  int exitval = 0;
  int signal = 0;
};
ExitColumns ExitColumnsOf(const proto::RecordView& record);

// The Command column for a record.
std::string CommandColumn(const proto::RecordView& record);

}  // namespace taskfarm::logger

#endif  // TASKFARM_LOGGER_JOBLOG_H_
