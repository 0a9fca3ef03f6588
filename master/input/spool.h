// File: master/input/spool.h
//
// The input spool: the tasks of a checked batch, kept in a file of the
// master's runtime directory. The check reads the user's input exactly
// once and writes every task here; the feed reads them back from here,
// never from the input (a pipe cannot be read twice, and a file may change
// after the check). Tasks are kept in the bytes a task batch carries them
// (proto/batch.h: [id, kind_index, [args...], 1]), ids included, so feeding
// a run of them is one memory copy (TaskBatchWriter::AddEncoded). A line
// of more than kExpandLimit tasks (`fib 1..100000000`) is kept as the line:
// its first task and its ranges, which the feed expands (odometer.h).
//
// The file is a sequence of blocks, each a 40-byte header, then a payload:
//
//   header  magic u32, type u32, first_id u64, count u64, payload_bytes u64,
//           checksum u64 (of the fields before it and of the payload)
//   kTasks  count u32 end offsets (task i ends there), then the tasks
//   kRange  R u32, R x {position u32, unsigned u32, lo u64, hi u64}, then a
//           one-task batch frame holding the line's first task
//   kEnd    no payload, count 0, first_id = the number of tasks; last
//
// A block holds the ids first_id .. first_id + count - 1, following on from
// the block before. Integers are in host byte order and the checksum is
// absl::Hash, seeded per process: a spool is only read back by the process
// that wrote it.
//
// Example:
//   auto spool = SpoolWriter::Create(dir + "/input.spool");
//   for (...each checked line...) (*spool)->AddLine(line);
//   (*spool)->Finish();
//   auto reader = SpoolReader::Open(dir + "/input.spool");
//   SpoolBlock block;
//   while ((*reader)->Next(&block).ok() && block.type != SpoolBlock::kEnd) ...
//
// Thread-compatible.

#ifndef TASKFARM_MASTER_INPUT_SPOOL_H_
#define TASKFARM_MASTER_INPUT_SPOOL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "master/input/odometer.h"
#include "master/input/task_line.h"
#include "proto/batch.h"
#include "proto/value.h"

namespace taskfarm::master {

// Lines of at most this many tasks are spooled task by task (a memory copy
// each when fed); longer ones as the line (a few dozen bytes, expanded
// when fed: `fib 1..100000000` costs no disk).
inline constexpr uint64_t kExpandLimit = 64;

class SpoolWriter {
 public:
  // Creates `path` (0600, replacing it). Returns kUnavailable with the
  // reason.
  static absl::StatusOr<std::unique_ptr<SpoolWriter>> Create(
      const std::string& path);
  SpoolWriter(const SpoolWriter&) = delete;
  SpoolWriter& operator=(const SpoolWriter&) = delete;
  ~SpoolWriter();

  // Appends the tasks of a checked line, with the next ids. Returns
  // kUnavailable if the spool cannot be written (a full disk), and so does
  // every later call.
  absl::Status AddLine(const TaskLine& line);
  // Writes what is buffered and the end block, and closes the file; same
  // errors.
  absl::Status Finish();

  uint64_t tasks() const { return next_id_; }

 private:
  SpoolWriter(int fd, std::string path);
  absl::Status FlushTasks();
  absl::Status WriteBlock(uint32_t type, uint64_t first_id, uint64_t count,
                          absl::string_view payload);

  int fd_;
  const std::string path_;
  absl::Status error_;
  proto::TaskBatchWriter tasks_;  // the kTasks block being filled
  proto::TaskBatchWriter first_;  // a line's first task, alone
  std::vector<uint32_t> ends_;
  uint64_t block_first_id_ = 0;
  uint64_t next_id_ = 0;
  std::vector<proto::Value> args_;  // scratch
  std::string block_;               // scratch
};

// One block, as SpoolReader::Next read it. Views point into the reader.
struct SpoolBlock {
  enum Type : uint32_t { kTasks = 1, kRange = 2, kEnd = 3 };
  Type type = kEnd;
  uint64_t first_id = 0;
  uint64_t count = 0;
  // kTasks: task i is tasks[i == 0 ? 0 : ends[i - 1], ends[i]).
  std::vector<uint32_t> ends;
  absl::string_view tasks;
  // kRange: the line's first task, and its ranges.
  uint32_t kind = 0;
  std::vector<proto::Value> args;
  std::vector<ArgRange> ranges;
};

class SpoolReader {
 public:
  // Opens a spool a SpoolWriter finished. Returns kUnavailable with the
  // reason.
  static absl::StatusOr<std::unique_ptr<SpoolReader>> Open(
      const std::string& path);
  SpoolReader(const SpoolReader&) = delete;
  SpoolReader& operator=(const SpoolReader&) = delete;
  ~SpoolReader();

  // Reads the next block into `block`, valid until the next call. Returns
  // kDataLoss ("input spool PATH: what is wrong") if the spool is short,
  // corrupt, or goes on after its end block; kUnavailable on a read error.
  absl::Status Next(SpoolBlock* block);

 private:
  SpoolReader(int fd, std::string path, uint64_t size);
  absl::Status Corrupt(absl::string_view what) const;
  absl::Status ReadRange(SpoolBlock* block);

  int fd_;
  const std::string path_;
  uint64_t left_;  // bytes not read yet
  uint64_t next_id_ = 0;
  std::string payload_;
  proto::TaskBatchReader frame_;
  proto::TaskView task_;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_INPUT_SPOOL_H_
