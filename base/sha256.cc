#include "base/sha256.h"

#include <openssl/evp.h>

#include "absl/strings/escaping.h"

namespace taskfarm::base {

void Sha256::Free::operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }

absl::StatusOr<Sha256> Sha256::Create() {
  Sha256 sha(EVP_MD_CTX_new());
  if (sha.ctx_ == nullptr ||
      EVP_DigestInit_ex(sha.ctx_.get(), EVP_sha256(), nullptr) != 1) {
    return absl::InternalError("sha256: OpenSSL cannot start a digest");
  }
  return sha;
}

void Sha256::Preload() { (void)Create(); }

absl::Status Sha256::Update(absl::string_view bytes) {
  if (ctx_ == nullptr) return absl::FailedPreconditionError("sha256: finished");
  if (EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()) != 1) {
    return absl::InternalError("sha256: OpenSSL digest update failed");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Sha256::FinishHex() {
  if (ctx_ == nullptr) return absl::FailedPreconditionError("sha256: finished");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  const bool ok = EVP_DigestFinal_ex(ctx_.get(), digest, &size) == 1;
  ctx_.reset();
  if (!ok) return absl::InternalError("sha256: OpenSSL digest final failed");
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), size));
}

absl::StatusOr<std::string> Sha256Hex(absl::string_view bytes) {
  absl::StatusOr<Sha256> sha = Sha256::Create();
  if (!sha.ok()) return sha.status();
  if (absl::Status s = sha->Update(bytes); !s.ok()) return s;
  return sha->FinishHex();
}

}  // namespace taskfarm::base
