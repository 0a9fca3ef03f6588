// File: journal/output_lock.h
//
// The locks that keep one batch per output file. A regular output file
// carries two OFD (open file description) write locks, each on one byte:
//
//   byte 0  the master's, held for the whole batch (across logger restarts)
//   byte 1  the logger's, held while a logger writes
//
// A second master finds byte 0 locked and refuses before any task runs; a
// master that starts while a logger of a dead batch is still flushing
// finds byte 1 locked and refuses too. OFD locks belong to the open file,
// not to the process (fcntl(2)), go away when it is closed (a process that
// dies releases them), and reach the server on NFS (NFSv4, or NFSv3 with
// its lock manager); where the file system has no locks, LockByte says so
// and the caller goes on without (and warns).
//
// Only a regular file named by its own path is locked (and cut, scanned,
// given a side file). Anything else is a stream: written as it is.
//
// Thread-safe.

#ifndef TASKFARM_JOURNAL_OUTPUT_LOCK_H_
#define TASKFARM_JOURNAL_OUTPUT_LOCK_H_

#include <sys/types.h>

#include <string>

namespace taskfarm::journal {

inline constexpr off_t kMasterLockByte = 0;
inline constexpr off_t kLoggerLockByte = 1;

enum class LockResult {
  kLocked,       // ours now
  kBusy,         // held through another open file (another process)
  kUnsupported,  // no locks on this file system (errno says why)
};

// Whether `path` is written as a stream: it exists and is not a regular
// file (a device, a pipe, a socket), or it is another name of a process's
// open descriptor (/dev/stdout, /dev/fd/N, /proc/self/fd/N: anything in /dev
// or /proc), whatever that descriptor is.
bool IsStream(const std::string& path);

// Takes a write lock on `byte` of `fd` (open for writing), without waiting.
LockResult LockByte(int fd, off_t byte);

// Whether another open file holds a lock on `byte` of `fd`.
bool ByteLocked(int fd, off_t byte);

}  // namespace taskfarm::journal

#endif  // TASKFARM_JOURNAL_OUTPUT_LOCK_H_
