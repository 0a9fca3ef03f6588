// File: logger/output.h
//
// Output is where the logger writes: a regular file (created by the
// master, which holds it locked for the batch; the logger continues it),
// a stream (a pipe, a terminal, /dev/null: written, never read back), or
// standard output (either of the two). Writes are large and complete
// (partial writes and EINTR are retried).
//
// A regular file is the batch's journal: on open, the logger learns which
// ids it holds. With the master's Handoff (journal/handoff.h) it takes
// those the master found and scans only what was written after the
// batch began (by earlier loggers of this batch); without one, it scans the
// whole file. A torn last record is cut off either way. While it runs, the
// logger holds its own lock on the file (master/output_file.h says which
// bytes), so a new master can tell that a logger of a dead batch is still
// writing.
//
// Use from one thread.

#ifndef TASKFARM_LOGGER_OUTPUT_H_
#define TASKFARM_LOGGER_OUTPUT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "journal/format.h"
#include "journal/handoff.h"
#include "journal/id_set.h"

namespace taskfarm::logger {

class Output {
 public:
  // Opens `path` ("-" or "" for standard output) to continue it, and
  // returns through `written` the ids it already holds. `handoff` may be
  // null. Returns kUnavailable if it cannot be opened or locked, or is not
  // the file the handoff describes; the scan's error if the file holds
  // something that is not our format.
  static absl::StatusOr<Output> Open(const std::string& path,
                                     journal::Format format,
                                     const journal::Handoff* handoff,
                                     journal::IdSet* written);
  Output(Output&& other) noexcept;
  Output& operator=(Output&&) = delete;
  Output(const Output&) = delete;
  ~Output();

  // Whether nothing has been written to it yet (a new csv needs a header).
  bool empty() const { return empty_; }
  bool is_terminal() const { return terminal_; }

  // Writes all of `data`. Returns kUnavailable with the reason (EPIPE,
  // ENOSPC, ...) if it cannot; after EPIPE, closed() is true.
  absl::Status Write(absl::string_view data);
  // fdatasync; a no-op for streams.
  absl::Status Sync();
  // The reader of a pipe went away (EPIPE): nothing more can be written.
  bool closed() const { return closed_; }

  const std::string& name() const { return name_; }

 private:
  Output(int fd, bool owned, std::string name)
      : fd_(fd), owned_(owned), name_(std::move(name)) {}
  absl::Status Continue(journal::Format format, const journal::Handoff* handoff,
                        journal::IdSet* written);

  int fd_;
  bool owned_;
  std::string name_;
  bool empty_ = true;
  bool regular_ = false;
  bool terminal_ = false;
  bool closed_ = false;
};

}  // namespace taskfarm::logger

#endif  // TASKFARM_LOGGER_OUTPUT_H_
