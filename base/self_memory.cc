#include "base/self_memory.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "base/scoped_fd.h"

namespace taskfarm::base {

absl::StatusOr<MemoryUsage> SelfMemory() {
  constexpr char kPath[] = "/proc/self/statm";
  ScopedFd fd(open(kPath, O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return absl::ErrnoToStatus(errno, kPath);
  char text[256];
  ssize_t n;
  do {
    n = read(fd.get(), text, sizeof(text) - 1);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return absl::ErrnoToStatus(errno, kPath);
  std::vector<absl::string_view> fields = absl::StrSplit(
      absl::string_view(text, static_cast<size_t>(n)), ' ', absl::SkipEmpty());
  uint64_t size_pages = 0, resident_pages = 0;
  if (fields.size() < 2 || !absl::SimpleAtoi(fields[0], &size_pages) ||
      !absl::SimpleAtoi(fields[1], &resident_pages)) {
    return absl::InvalidArgumentError(
        absl::StrCat(kPath, ": not \"SIZE RESIDENT ...\""));
  }
  const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  return MemoryUsage{size_pages * page, resident_pages * page};
}

}  // namespace taskfarm::base
