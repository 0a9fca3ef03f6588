// File: tests/testutil/http.h
//
// HTTP for tests of the dashboard: well-formed requests through CivetWeb's
// client (mg_download), and raw bytes for the malformed ones, whose reply's
// status line is all a test needs.
//
// Example:
//   testutil::HttpReply r = testutil::HttpGet(port, "/status.json");
//   EXPECT_EQ(r.status, 200) << r.error;
//
// Thread-compatible.

#ifndef TASKFARM_TESTS_TESTUTIL_HTTP_H_
#define TASKFARM_TESTS_TESTUTIL_HTTP_H_

#include <map>
#include <string>
#include <vector>

namespace taskfarm::testutil {

struct HttpReply {
  int status = 0;  // 0: no reply (then `error` says why)
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string error;
};

// Sends `method` `path` to 127.0.0.1:`port` with the extra header lines
// `headers` ("Name: value") and reads the whole reply.
HttpReply HttpGet(int port, const std::string& path,
                  const std::vector<std::string>& headers = {},
                  const std::string& method = "GET");

// Sends `bytes` to 127.0.0.1:`port` as they are, reads until the server
// closes the connection (or 30 s pass), and returns the status code of the
// reply's first line; 0 if there is none.
int RawStatus(int port, const std::string& bytes);

}  // namespace taskfarm::testutil

#endif  // TASKFARM_TESTS_TESTUTIL_HTTP_H_
