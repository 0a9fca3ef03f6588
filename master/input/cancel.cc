#include "master/input/cancel.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

namespace taskfarm::master {

CancelFlag::CancelFlag() : fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

CancelFlag::~CancelFlag() {
  if (fd_ >= 0) close(fd_);
}

void CancelFlag::Cancel() {
  cancelled_.store(true, std::memory_order_relaxed);
  if (fd_ < 0) return;
  const uint64_t one = 1;
  // Only fails if the counter would overflow: it is readable either way.
  ssize_t unused = write(fd_, &one, sizeof(one));
  (void)unused;
}

}  // namespace taskfarm::master
