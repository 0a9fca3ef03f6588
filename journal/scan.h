// File: journal/scan.h
//
// Reads an output file back as a journal: which task ids it holds, and
// where its last complete record ends. A record cut short by a crash (a last
// line without its newline) is a torn tail: Scan reports it and Truncate
// removes it, so appending can continue cleanly.
//
// Example:
//   absl::StatusOr<ScanResult> done = Scan("out.jsonl", Format::kJsonl);
//   if (done.ok() && done->ids.Contains(17)) ...skip task 17
//
// Thread-compatible.

#ifndef TASKFARM_JOURNAL_SCAN_H_
#define TASKFARM_JOURNAL_SCAN_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "journal/format.h"
#include "journal/id_set.h"

namespace taskfarm::journal {

struct ScanResult {
  IdSet ids;                 // every id with a complete record
  uint64_t records = 0;      // complete records (duplicates included)
  uint64_t duplicates = 0;   // records whose id was seen before
  uint64_t valid_bytes = 0;  // length up to the end of the last full record
  uint64_t torn_bytes = 0;   // bytes after it (a torn last record)
  bool has_csv_header = false;
};

// Scans the file at `path` from byte `from` (the start of a record) to its
// end, read through `fd` if >= 0 (the logger scans the file it has open),
// else opened by path. A missing or empty file is an empty journal.
// valid_bytes counts from the start of the file. Returns kInvalidArgument
// "PATH:LINE: not a FORMAT record" (LINE counted from `from`) for a
// complete line that is not one of ours or whose id is not below
// `id_limit`, kUnavailable if unreadable.
inline constexpr uint64_t kMaxScanId = uint64_t{1} << 40;
absl::StatusOr<ScanResult> Scan(const std::string& path, Format format,
                                int fd = -1, uint64_t id_limit = kMaxScanId,
                                uint64_t from = 0);

// Cuts the file (by fd if >= 0, else by path) to `length` bytes.
absl::Status Truncate(const std::string& path, uint64_t length, int fd = -1);

}  // namespace taskfarm::journal

#endif  // TASKFARM_JOURNAL_SCAN_H_
