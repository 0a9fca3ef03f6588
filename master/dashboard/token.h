// File: master/dashboard/token.h
//
// The dashboard's access token (--dashboard-token=FILE): loading it, and
// deciding whether a request carries it. A request may carry it as
// "Authorization: Bearer TOKEN", as the cookie taskfarm_token (HttpOnly,
// SameSite=Strict), or once as ?token=TOKEN in the URL, which the server
// answers by setting the cookie and redirecting to the same path without
// the token. Comparisons take the same time whatever the guess.
//
// Thread-safe (pure functions).

#ifndef TASKFARM_MASTER_DASHBOARD_TOKEN_H_
#define TASKFARM_MASTER_DASHBOARD_TOKEN_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace taskfarm::master::dashboard {

inline constexpr size_t kMinTokenLength = 16;
inline constexpr size_t kMaxTokenLength = 256;
inline constexpr absl::string_view kTokenCookie = "taskfarm_token";

// Reads the token: the file's first line, without surrounding blanks.
// Returns kNotFound if the file cannot be read, kPermissionDenied if group
// or others may read it (chmod 600), kInvalidArgument if the token is
// shorter than kMinTokenLength, longer than kMaxTokenLength, or holds other
// characters than letters, digits and - _ . ~ + / =.
absl::StatusOr<std::string> LoadToken(const std::string& path);

enum class Access {
  kAllowed,    // a right bearer header or cookie
  kSetCookie,  // a right ?token=: set the cookie and redirect
  kMissing,    // no token at all: 401
  kWrong,      // a token, not the right one: 403
};

// What a request may do. Each argument is what the request carries, or
// nullopt: the Authorization header, the Cookie header, and the decoded
// value of the token query parameter.
Access CheckAccess(absl::string_view token,
                   std::optional<absl::string_view> authorization,
                   std::optional<absl::string_view> cookie,
                   std::optional<absl::string_view> query_token);

// The Set-Cookie value that carries `token`.
std::string TokenCookie(absl::string_view token);

}  // namespace taskfarm::master::dashboard

#endif  // TASKFARM_MASTER_DASHBOARD_TOKEN_H_
