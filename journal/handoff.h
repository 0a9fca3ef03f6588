// File: journal/handoff.h
//
// A Handoff is what the master learned about the output before the batch
// started, written once into the runtime directory for every logger of the
// batch, so that the output is read once (by the master, with --resume)
// and not again by each logger:
//   - the range of this batch's ids (a record outside it is a bad record);
//   - the output's identity (device, inode) when it is a regular file, so a
//     logger never continues a file that was replaced under it;
//   - the offset where this batch's writing began, and the ids the output
//     held before it. A logger (a restarted one included) scans only what
//     was written after that offset.
//
// The file is binary: a text first line, then the id bitmap of [0,
// id_limit) as little-endian 64-bit words.
//
// Example:
//   Handoff h{.id_limit = total, .start_offset = scan.valid_bytes};
//   h.written = std::move(scan.ids);
//   WriteHandoff(rundir + "/journal", h);           // master
//   absl::StatusOr<Handoff> h = ReadHandoff(path);  // logger
//
// Thread-compatible.

#ifndef TASKFARM_JOURNAL_HANDOFF_H_
#define TASKFARM_JOURNAL_HANDOFF_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "journal/id_set.h"

namespace taskfarm::journal {

struct Handoff {
  uint64_t id_limit = 0;      // the batch's ids are below it
  uint64_t start_offset = 0;  // bytes of the output before this batch
  uint64_t device = 0;        // st_dev and st_ino of a regular output file;
  uint64_t inode = 0;         // 0 for a stream (pipe, device, terminal)
  IdSet written;              // ids below start_offset (all < id_limit)
};

// Writes `handoff` to `path` (a new file, mode 0600). Returns kUnavailable
// if it cannot, kInvalidArgument if `written` holds an id >= id_limit.
absl::Status WriteHandoff(const std::string& path, const Handoff& handoff);

// Reads what WriteHandoff wrote. Returns kUnavailable if unreadable,
// kInvalidArgument "PATH: not a taskfarm handoff" if malformed or cut short.
absl::StatusOr<Handoff> ReadHandoff(const std::string& path);

}  // namespace taskfarm::journal

#endif  // TASKFARM_JOURNAL_HANDOFF_H_
