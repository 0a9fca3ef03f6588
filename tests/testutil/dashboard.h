// File: tests/testutil/dashboard.h
//
// Helpers for end-to-end tests of the master's dashboard: find its port in
// the master's stderr, read /status.json, load the page in a real browser
// (Debian's chromium, headless) and parse /metrics with Prometheus's own
// parser (Debian's python3-prometheus-client). tools/bazel installs both;
// a test that cannot find them fails and says so.
//
// Use from the test's main thread.

#ifndef TASKFARM_TESTS_TESTUTIL_DASHBOARD_H_
#define TASKFARM_TESTS_TESTUTIL_DASHBOARD_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/testutil/farm.h"

namespace taskfarm::testing {

inline constexpr char kChromium[] = "/usr/bin/chromium";
inline constexpr char kDebianPython[] = "/usr/bin/python3";

// The dashboard's port, once the master printed "dashboard at
// http://ADDR:PORT/" on stderr; 0 if it did not within the deadline.
int DashboardPort(const Process& master);

// /status.json, parsed; a null json if there was no 200 reply.
// `headers`: extra request header lines (a token).
nlohmann::json DashboardStatus(int port, const std::vector<std::string>& headers = {});

// Loads `url` in headless chromium (a fresh profile under `dir`), lets the
// page run for `budget_ms` of virtual time (its polls included), and
// returns the rendered DOM. With `screenshot` set, also saves a PNG there.
std::string BrowserDom(const std::string& url, const std::string& dir,
                       const std::string& screenshot = "", int budget_ms = 3000);

// Where a test's files for people go: $TEST_UNDECLARED_OUTPUTS_DIR (kept
// by Bazel in bazel-testlogs/.../test.outputs/), else `fallback`.
std::string OutputsDir(const std::string& fallback);

// Parses Prometheus text with prometheus_client's parser: {"families":
// {name: type}, "samples": [{"name", "labels", "value"}]}. Fails the test
// (and returns null) if the parser refuses the text.
nlohmann::json ParseMetrics(const std::string& text, const std::string& dir);

// The value of sample `name` whose labels include `labels`; -1 if absent.
double Sample(const nlohmann::json& parsed, const std::string& name,
              const nlohmann::json& labels = nlohmann::json::object());

}  // namespace taskfarm::testing

#endif  // TASKFARM_TESTS_TESTUTIL_DASHBOARD_H_
