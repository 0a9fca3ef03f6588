#include "master/dashboard/flags.h"

#include <arpa/inet.h>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

ABSL_FLAG(std::string, dashboard, "", "serve a live dashboard at ADDR:PORT");
ABSL_FLAG(absl::Duration, dashboard_linger, absl::ZeroDuration(),
          "keep serving the dashboard after the batch");
ABSL_FLAG(std::string, dashboard_token, "", "file holding the dashboard's token");

namespace taskfarm::master::dashboard {

bool IsLoopback(const std::string& address) {
  in_addr a{};
  return inet_pton(AF_INET, address.c_str(), &a) == 1 &&
         (ntohl(a.s_addr) >> 24) == 127;
}

bool IsDashboardFlag(const absl::CommandLineFlag& flag) {
  return absl::StrContains(flag.Filename(), "master/dashboard/flags.cc");
}

absl::Status ParseListenAddress(const std::string& spec, DashboardOptions* options) {
  auto bad = [&spec](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--dashboard=", spec, ": ", why,
        " (use ADDR:PORT, e.g. 127.0.0.1:8080, or PORT; port 0 picks a free one)"));
  };
  std::string host = "127.0.0.1", port = spec;
  if (size_t colon = spec.rfind(':'); colon != std::string::npos) {
    host = spec.substr(0, colon);
    port = spec.substr(colon + 1);
    if (host.empty() || host == "localhost") host = "127.0.0.1";
    if (host == "*") host = "0.0.0.0";
  }
  in_addr parsed{};
  if (inet_pton(AF_INET, host.c_str(), &parsed) != 1) {
    return bad(absl::StrCat("\"", host, "\" is not an IPv4 address, localhost or *"));
  }
  int number = 0;
  if (!absl::SimpleAtoi(port, &number) || number < 0 || number > 65535) {
    return bad(absl::StrCat("\"", port, "\" is not a port number"));
  }
  options->address = host;
  options->port = number;
  return absl::OkStatus();
}

absl::Status ParseDashboardFlags(
    const std::function<std::string(std::string)>& resolve,
    DashboardOptions* options) {
  const std::string spec = absl::GetFlag(FLAGS_dashboard);
  options->linger = absl::ToChronoNanoseconds(absl::GetFlag(FLAGS_dashboard_linger));
  options->token_file = resolve(absl::GetFlag(FLAGS_dashboard_token));
  if (spec.empty()) {
    if (!options->token_file.empty()) {
      return absl::InvalidArgumentError("--dashboard-token needs --dashboard=ADDR:PORT");
    }
    return absl::OkStatus();
  }
  if (absl::Status s = ParseListenAddress(spec, options); !s.ok()) return s;
  if (!IsLoopback(options->address) && options->token_file.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--dashboard=", spec,
        " is reachable from other hosts: it needs --dashboard-token=FILE (a "
        "secret of 16 or more characters, readable only by you), or listen "
        "on 127.0.0.1 and use ssh -L"));
  }
  return absl::OkStatus();
}

std::string DashboardHelpText() {
  return R"(
Dashboard (watch the batch in a browser; Prometheus metrics):
  --dashboard=ADDR:PORT  serve a live page at http://ADDR:PORT/, with
                         /status.json and /metrics; PORT alone or :PORT
                         listens on 127.0.0.1 (loopback); port 0 picks a free
                         one; the URL is printed at start
  --dashboard-linger=D   keep serving the final state D after the batch
                         (default: stop with the batch; a signal ends it)
  --dashboard-token=FILE a secret (16+ characters, file mode 0600) needed by
                         every request: "Authorization: Bearer TOKEN", or open
                         http://ADDR:PORT/?token=TOKEN once (sets a cookie);
                         required for an address beyond loopback
)";
}

}  // namespace taskfarm::master::dashboard
