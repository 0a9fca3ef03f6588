// sha256 and sha256file: SHA-256 digests, as 64 lowercase hex digits, of the
// argument's bytes or of a file's bytes (read in kChunkBytes pieces, so any
// size works in constant memory). OpenSSL's EVP interface does the hashing.

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "tasks/library/scoped_fd.h"
#include "tasks/registry.h"
#include "tasks/task.h"

namespace taskfarm::tasks {
namespace {

constexpr size_t kChunkBytes = 1 << 16;

struct DigestContextFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using DigestContext = std::unique_ptr<EVP_MD_CTX, DigestContextFree>;

// An incremental SHA-256: Init, then Update any number of times, then
// AppendHex. Each returns kInternal if OpenSSL fails (out of memory).
class Sha256 {
 public:
  absl::Status Init() {
    ctx_.reset(EVP_MD_CTX_new());
    if (ctx_ == nullptr ||
        EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) {
      return absl::InternalError("sha256: OpenSSL cannot start a digest");
    }
    return absl::OkStatus();
  }
  absl::Status Update(absl::string_view bytes) {
    if (EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()) != 1) {
      return absl::InternalError("sha256: OpenSSL digest update failed");
    }
    return absl::OkStatus();
  }
  // Appends the digest in hex to `out`.
  absl::Status AppendHex(std::string* out) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_DigestFinal_ex(ctx_.get(), digest, &size) != 1) {
      return absl::InternalError("sha256: OpenSSL digest final failed");
    }
    absl::StrAppend(out, absl::BytesToHexString(absl::string_view(
                             reinterpret_cast<const char*>(digest), size)));
    return absl::OkStatus();
  }

 private:
  DigestContext ctx_;
};

absl::Status Sha256Text(const Call& call, std::string* result) {
  Sha256 sha;
  if (absl::Status s = sha.Init(); !s.ok()) return s;
  if (absl::Status s = sha.Update(call.Str(0)); !s.ok()) return s;
  return sha.AppendHex(result);
}

absl::Status Sha256File(const Call& call, std::string* result) {
  const std::string path(call.Str(0));
  ScopedFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return absl::ErrnoToStatus(errno, "sha256file: " + path);
  Sha256 sha;
  if (absl::Status s = sha.Init(); !s.ok()) return s;
  std::unique_ptr<char[]> buffer(new char[kChunkBytes]);
  for (;;) {
    ssize_t n = read(fd.get(), buffer.get(), kChunkBytes);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::ErrnoToStatus(errno, "sha256file: " + path);
    if (n == 0) break;
    absl::Status s =
        sha.Update(absl::string_view(buffer.get(), static_cast<size_t>(n)));
    if (!s.ok()) return s;
  }
  return sha.AppendHex(result);
}

}  // namespace

TASKFARM_TASK(sha256, "str",
              "TEXT: the SHA-256 of TEXT's bytes, in lowercase hex",
              &Sha256Text);
TASKFARM_TASK(sha256file, "str",
              "PATH: the SHA-256 of the bytes of file PATH, in lowercase hex",
              &Sha256File);

}  // namespace taskfarm::tasks
