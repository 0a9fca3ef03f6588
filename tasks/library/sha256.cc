// sha256 and sha256file: SHA-256 digests, as 64 lowercase hex digits, of the
// argument's bytes or of a file's bytes (read in kChunkBytes pieces, so any
// size works in constant memory), by base/sha256.h.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/scoped_fd.h"
#include "base/sha256.h"
#include "tasks/registry.h"
#include "tasks/task.h"

namespace taskfarm::tasks {
namespace {

constexpr size_t kChunkBytes = 1 << 16;

// Appends `hex`, a digest, to `result`; or returns its error.
absl::Status Append(const absl::StatusOr<std::string>& hex,
                    std::string* result) {
  if (!hex.ok()) return hex.status();
  absl::StrAppend(result, *hex);
  return absl::OkStatus();
}

absl::Status Sha256Text(const Call& call, std::string* result) {
  return Append(base::Sha256Hex(call.Str(0)), result);
}

absl::Status Sha256File(const Call& call, std::string* result) {
  const std::string path(call.Str(0));
  base::ScopedFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return absl::ErrnoToStatus(errno, "sha256file: " + path);
  absl::StatusOr<base::Sha256> sha = base::Sha256::Create();
  if (!sha.ok()) return sha.status();
  std::unique_ptr<char[]> buffer(new char[kChunkBytes]);
  for (;;) {
    ssize_t n = read(fd.get(), buffer.get(), kChunkBytes);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::ErrnoToStatus(errno, "sha256file: " + path);
    if (n == 0) break;
    absl::Status s =
        sha->Update(absl::string_view(buffer.get(), static_cast<size_t>(n)));
    if (!s.ok()) return s;
  }
  return Append(sha->FinishHex(), result);
}

}  // namespace

TASKFARM_TASK(sha256, "str",
              "TEXT: the SHA-256 of TEXT's bytes, in lowercase hex",
              &Sha256Text);
TASKFARM_TASK(sha256file, "str",
              "PATH: the SHA-256 of the bytes of file PATH, in lowercase hex",
              &Sha256File);

}  // namespace taskfarm::tasks
