#include "tests/testutil/gate.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "gtest/gtest.h"

namespace taskfarm::testing {

Gate::Gate(const std::string& dir) {
  static std::atomic<int> counter{0};
  path_ = dir + "/gate." + std::to_string(counter++);
  if (path_.find('\'') != std::string::npos) {
    ADD_FAILURE() << "a gate path cannot hold a single quote: " << path_;
  }
}

std::string Gate::Task() const {
  // /bin/sleep takes fractions of a second (coreutils).
  return "exec sh -c 'until [ -e \"$0\" ]; do sleep 0.01; done' '" + path_ + "'";
}

void Gate::Open() const {
  const int fd = open(path_.c_str(), O_WRONLY | O_CREAT, 0644);
  if (fd < 0) {
    ADD_FAILURE() << "cannot open the gate " << path_ << ": " << strerror(errno);
    return;
  }
  close(fd);
}

Barrier::Barrier(const std::string& dir, int n) : n_(n) {
  static std::atomic<int> counter{0};
  dir_ = dir + "/barrier." + std::to_string(counter++);
  if (mkdir(dir_.c_str(), 0755) != 0) {
    ADD_FAILURE() << "cannot make " << dir_ << ": " << strerror(errno);
  }
  if (dir_.find('\'') != std::string::npos) {
    ADD_FAILURE() << "a barrier path cannot hold a single quote: " << dir_;
  }
}

std::string Barrier::Task() const {
  // exec runs sh as a child of the worker: $PPID names the worker.
  return "exec sh -c ': > \"$0/$PPID\"; until [ $(ls \"$0\" | wc -l) -ge " +
         std::to_string(n_) + " ]; do sleep 0.01; done' '" + dir_ + "'";
}

std::string Barrier::Tasks() const {
  std::string tasks;
  for (int i = 0; i < kTasksPerWorker * n_; ++i) tasks += Task() + "; ";
  return tasks;
}

}  // namespace taskfarm::testing
