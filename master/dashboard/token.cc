#include "master/dashboard/token.h"

#include <sys/stat.h>

#include <fstream>

#include <openssl/crypto.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace taskfarm::master::dashboard {
namespace {

bool TokenChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         absl::string_view("-_.~+/=").find(c) != absl::string_view::npos;
}

bool Same(absl::string_view token, absl::string_view given) {
  return given.size() == token.size() &&
         CRYPTO_memcmp(token.data(), given.data(), token.size()) == 0;
}

}  // namespace

absl::StatusOr<std::string> LoadToken(const std::string& path) {
  std::ifstream in(path);
  struct stat st {};
  if (!in || stat(path.c_str(), &st) != 0) {
    return absl::NotFoundError(
        absl::StrCat("--dashboard-token=", path, ": cannot read the file"));
  }
  if ((st.st_mode & 077) != 0) {
    return absl::PermissionDeniedError(absl::StrCat(
        "--dashboard-token=", path, ": others may read it; chmod 600 ", path));
  }
  std::string line;
  std::getline(in, line);
  std::string token(absl::StripAsciiWhitespace(line));
  if (token.size() < kMinTokenLength || token.size() > kMaxTokenLength) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--dashboard-token=", path, ": the token must have ", kMinTokenLength,
        " to ", kMaxTokenLength, " characters (e.g. head -c 24 /dev/urandom | base64)"));
  }
  for (char c : token) {
    if (!TokenChar(c)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--dashboard-token=", path,
          ": the token may hold letters, digits and - _ . ~ + / = only"));
    }
  }
  return token;
}

Access CheckAccess(absl::string_view token,
                   std::optional<absl::string_view> authorization,
                   std::optional<absl::string_view> cookie,
                   std::optional<absl::string_view> query_token) {
  bool offered = false;
  if (authorization) {
    offered = true;
    absl::string_view value = absl::StripAsciiWhitespace(*authorization);
    if (absl::ConsumePrefix(&value, "Bearer ") &&
        Same(token, absl::StripAsciiWhitespace(value))) {
      return Access::kAllowed;
    }
  }
  if (cookie) {
    for (absl::string_view part : absl::StrSplit(*cookie, ';')) {
      part = absl::StripAsciiWhitespace(part);
      if (!absl::ConsumePrefix(&part, kTokenCookie) || !absl::ConsumePrefix(&part, "=")) {
        continue;
      }
      offered = true;
      if (Same(token, part)) return Access::kAllowed;
    }
  }
  if (query_token) {
    if (Same(token, *query_token)) return Access::kSetCookie;
    offered = true;
  }
  return offered ? Access::kWrong : Access::kMissing;
}

std::string TokenCookie(absl::string_view token) {
  return absl::StrCat(kTokenCookie, "=", token, "; Path=/; HttpOnly; SameSite=Strict");
}

}  // namespace taskfarm::master::dashboard
