// File: master/runtime_dir.h
//
// RuntimeDir is the batch's private directory (mode 0700) for its ipc
// sockets and spool files, under $TMPDIR (or /tmp). It is removed, with all
// it holds, when the object goes away: on every exit path of the master.
//
// Move-only; use from one thread.

#ifndef TASKFARM_MASTER_RUNTIME_DIR_H_
#define TASKFARM_MASTER_RUNTIME_DIR_H_

#include <string>

#include "absl/status/statusor.h"

namespace taskfarm::master {

class RuntimeDir {
 public:
  // Creates taskfarm.XXXXXX under `parent` ("" for $TMPDIR or /tmp).
  // Returns kUnavailable if it cannot.
  static absl::StatusOr<RuntimeDir> Create(const std::string& parent = "");

  RuntimeDir(RuntimeDir&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  RuntimeDir& operator=(RuntimeDir&&) = delete;
  RuntimeDir(const RuntimeDir&) = delete;
  ~RuntimeDir();

  const std::string& path() const { return path_; }
  // "ipc://PATH/name".
  std::string Endpoint(const std::string& name) const;

 private:
  explicit RuntimeDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_RUNTIME_DIR_H_
