// File: master/output_file.h
//
// OutputFile is the master's side of a batch's output (the logger writes
// it). Before any worker starts, Open classifies --output and claims it:
//
//   a regular file (or a new one)  created if missing but not yet cut, and
//       locked for the whole batch (journal/output_lock.h): a second master
//       on the same file is refused at once; a master that starts while a
//       logger of a dead batch is still writing it waits for it a few
//       seconds (a batch resumed right after its master was killed), then
//       is refused. Its side file
//       OUTPUT.taskfarm keeps the fingerprint of the task list for --resume.
//   a device or a pipe (/dev/null, /dev/stdout, a FIFO)  a stream: written
//       as it is, never cut, locked or given a side file; --resume refused.
//   standard output ("-")  a stream, or a regular file when redirected to
//       one (then continued from where it ended).
//
// After the input checked out, Start cuts a regular file to nothing (or,
// with --resume, scans it once, cuts a torn last record and checks the
// fingerprint), and writes the Handoff (journal/handoff.h) every logger of
// the batch reads instead of scanning the file again.
//
// Move-only; use from one thread.

#ifndef TASKFARM_MASTER_OUTPUT_FILE_H_
#define TASKFARM_MASTER_OUTPUT_FILE_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "journal/format.h"
#include "journal/id_set.h"

namespace taskfarm::master {

class OutputFile {
 public:
  // How long Open waits for a logger of an earlier batch to finish.
  static constexpr std::chrono::milliseconds kLoggerGrace{5000};

  // `path` "" or "-" is standard output. Returns kInvalidArgument, with a
  // message for people, if the output cannot be written, is in use by
  // another batch (a logger of an earlier one is given `logger_grace` to
  // finish), or cannot be resumed (a stream). Warns on standard error (and
  // goes on) where the file system has no locks.
  static absl::StatusOr<OutputFile> Open(
      const std::string& path, bool resume,
      std::chrono::milliseconds logger_grace = kLoggerGrace);

  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&& other) = delete;
  OutputFile(const OutputFile&) = delete;
  ~OutputFile();  // releases the lock

  // Cuts or (--resume) scans the output, writes the side file, and writes
  // the loggers' handoff to `handoff_path`: ids below `total` are the
  // batch's. Returns kInvalidArgument on a refusal (another format, another
  // task list), kUnavailable if a file cannot be written.
  absl::Status Start(journal::Format format, uint64_t total,
                     const std::string& fingerprint,
                     const std::string& handoff_path);

  // Ids already in the output (--resume); nullptr if none.
  const journal::IdSet* done() const { return done_ ? &*done_ : nullptr; }
  // Whether it is a regular file named by --output (locked, side file).
  bool is_file() const { return fd_ >= 0; }

 private:
  OutputFile(std::string path, bool resume) : path_(std::move(path)), resume_(resume) {}
  absl::Status Resume(journal::Format format, uint64_t total,
                      const std::string& stamp, uint64_t* start);

  std::string path_;
  bool resume_;
  int fd_ = -1;  // a regular --output file, open and locked
  std::optional<journal::IdSet> done_;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_OUTPUT_FILE_H_
