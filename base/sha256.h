// File: base/sha256.h
//
// Sha256: an incremental SHA-256 digest (OpenSSL's EVP interface does the
// hashing), written as 64 lowercase hex digits. The sha256 and sha256file
// task kinds use it, and so does the master's fingerprint of a task list.
//
// Example:
//   absl::StatusOr<base::Sha256> sha = base::Sha256::Create();
//   if (!sha.ok()) return sha.status();
//   for (absl::string_view piece : pieces) {
//     if (absl::Status s = sha->Update(piece); !s.ok()) return s;
//   }
//   absl::StatusOr<std::string> hex = sha->FinishHex();
//
//   absl::StatusOr<std::string> once = base::Sha256Hex("abc");  // "ba7816bf..."
//
// Move-only; thread-compatible.

#ifndef TASKFARM_BASE_SHA256_H_
#define TASKFARM_BASE_SHA256_H_

#include <openssl/types.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace taskfarm::base {

class Sha256 {
 public:
  // A digest of nothing yet. Returns kInternal if OpenSSL cannot start one
  // (out of memory).
  static absl::StatusOr<Sha256> Create();

  // Makes OpenSSL load its configuration and its SHA-256 now (about 1 ms,
  // once a process) rather than in the first Create: a caller with time to
  // spare (the master while its first worker starts) takes that off the
  // path of the digest it waits for. Does nothing if OpenSSL cannot start.
  static void Preload();

  // Adds `bytes`. Returns kInternal if OpenSSL fails, or kFailedPrecondition
  // after FinishHex.
  absl::Status Update(absl::string_view bytes);

  // The digest of every byte added, as 64 lowercase hex digits. The object
  // is finished then: Update and FinishHex return kFailedPrecondition.
  // Returns kInternal if OpenSSL fails.
  absl::StatusOr<std::string> FinishHex();

 private:
  struct Free {
    void operator()(EVP_MD_CTX* ctx) const;
  };
  explicit Sha256(EVP_MD_CTX* ctx) : ctx_(ctx) {}

  std::unique_ptr<EVP_MD_CTX, Free> ctx_;  // null once finished
};

// The digest of `bytes`, in hex. Returns kInternal if OpenSSL fails.
absl::StatusOr<std::string> Sha256Hex(absl::string_view bytes);

}  // namespace taskfarm::base

#endif  // TASKFARM_BASE_SHA256_H_
