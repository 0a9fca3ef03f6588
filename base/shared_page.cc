#include "base/shared_page.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace taskfarm::base {

absl::StatusOr<SharedPage> SharedPage::Map(const std::string& path,
                                           bool create, size_t size) {
  int flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT | O_TRUNC : 0);
  int fd = open(path.c_str(), flags, 0600);
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat(path, ": ", strerror(errno)));
  }
  if (create && ftruncate(fd, static_cast<off_t>(size)) != 0) {
    int err = errno;
    close(fd);
    return absl::UnavailableError(absl::StrCat(path, ": ", strerror(err)));
  }
  void* data = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  int err = errno;
  close(fd);
  if (data == MAP_FAILED) {
    return absl::UnavailableError(absl::StrCat(path, ": mmap: ", strerror(err)));
  }
  return SharedPage(data, size);
}

absl::StatusOr<SharedPage> SharedPage::Anonymous(size_t size) {
  void* data = mmap(nullptr, size, PROT_READ | PROT_WRITE,
                    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (data == MAP_FAILED) {
    return absl::UnavailableError(absl::StrCat("mmap: ", strerror(errno)));
  }
  return SharedPage(data, size);
}

SharedPage& SharedPage::operator=(SharedPage&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) munmap(data_, size_);
    data_ = other.data_;
    size_ = other.size_;
    other.data_ = nullptr;
  }
  return *this;
}

SharedPage::~SharedPage() {
  if (data_ != nullptr) munmap(data_, size_);
}

}  // namespace taskfarm::base
