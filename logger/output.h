// File: logger/output.h
//
// Output is where the logger writes: a file (created by the master; the
// logger continues it, after scanning it back as a journal so no record is
// written twice across logger restarts) or standard output. Writes are
// large and complete (partial writes and EINTR are retried).
//
// Use from one thread.

#ifndef TASKFARM_LOGGER_OUTPUT_H_
#define TASKFARM_LOGGER_OUTPUT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "journal/format.h"
#include "journal/id_set.h"

namespace taskfarm::logger {

class Output {
 public:
  // Opens `path` ("-" or "" for standard output) to continue it: a torn last
  // record is cut off, and the ids already in a regular file are returned
  // through `written`. Returns kUnavailable if it cannot be opened, and the
  // scan's error if the file holds something that is not our format.
  static absl::StatusOr<Output> Open(const std::string& path,
                                     journal::Format format,
                                     journal::IdSet* written);
  Output(Output&& other) noexcept;
  Output& operator=(Output&&) = delete;
  Output(const Output&) = delete;
  ~Output();

  // Whether nothing has been written to it yet (a new csv needs a header).
  bool empty() const { return empty_; }
  bool is_terminal() const { return terminal_; }

  // Writes all of `data`. Returns kUnavailable with the reason (EPIPE,
  // ENOSPC, ...) if it cannot.
  absl::Status Write(absl::string_view data);
  // fdatasync; a no-op for pipes and terminals.
  absl::Status Sync();

  const std::string& name() const { return name_; }

 private:
  Output(int fd, bool owned, std::string name)
      : fd_(fd), owned_(owned), name_(std::move(name)) {}
  int fd_;
  bool owned_;
  std::string name_;
  bool empty_ = true;
  bool regular_ = false;
  bool terminal_ = false;
};

}  // namespace taskfarm::logger

#endif  // TASKFARM_LOGGER_OUTPUT_H_
