#include "tests/testutil/gate.h"

#include <fcntl.h>
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

}  // namespace taskfarm::testing
