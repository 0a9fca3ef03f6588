#include "tests/testutil/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <civetweb.h>

#include <cctype>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace taskfarm::testutil {

HttpReply HttpGet(int port, const std::string& path,
                  const std::vector<std::string>& headers,
                  const std::string& method) {
  static std::once_flag once;
  std::call_once(once, [] { mg_init_library(0); });
  HttpReply reply;
  char error[256] = "";
  std::string extra = absl::StrJoin(headers, "\r\n");
  if (!extra.empty()) extra += "\r\n";
  mg_connection* conn =
      mg_download("127.0.0.1", port, 0, error, sizeof(error),
                  "%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\n%s\r\n", method.c_str(),
                  path.c_str(), extra.c_str());
  if (conn == nullptr) {
    reply.error = error;
    return reply;
  }
  const mg_response_info* info = mg_get_response_info(conn);
  reply.status = info->status_code;
  for (int i = 0; i < info->num_headers; ++i) {
    reply.headers[absl::AsciiStrToLower(info->http_headers[i].name)] =
        info->http_headers[i].value;
  }
  char buf[16384];
  for (int n; (n = mg_read(conn, buf, sizeof(buf))) > 0;) reply.body.append(buf, n);
  mg_close_connection(conn);
  return reply;
}

int RawStatus(int port, const std::string& bytes) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{30, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  std::string reply;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    // The server may answer and close before it read everything: a failed
    // send is not an error here, the reply is what counts.
    for (size_t sent = 0; sent < bytes.size();) {
      ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    shutdown(fd, SHUT_WR);
    char buf[4096];
    for (ssize_t n; (n = recv(fd, buf, sizeof(buf), 0)) > 0;) reply.append(buf, n);
  }
  close(fd);
  // "HTTP/1.x NNN ..."
  if (reply.size() < 12 || reply.compare(0, 5, "HTTP/") != 0) return 0;
  size_t space = reply.find(' ');
  if (space == std::string::npos || space + 4 > reply.size()) return 0;
  int status = 0;
  for (size_t i = space + 1; i < space + 4; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(reply[i]))) return 0;
    status = status * 10 + (reply[i] - '0');
  }
  return status;
}

}  // namespace taskfarm::testutil
