#include "tests/testutil/dashboard.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <regex>

#include "gtest/gtest.h"
#include "tests/testutil/http.h"

namespace taskfarm::testing {

int DashboardPort(const Process& master) {
  static const std::regex kUrl("dashboard at http://[0-9.a-zA-Z-]+:([0-9]+)/");
  int port = 0;
  WaitFor(
      [&] {
        std::smatch m;
        const std::string err = master.err();
        if (std::regex_search(err, m, kUrl)) port = std::stoi(m[1]);
        return port != 0;
      },
      std::chrono::seconds(60));
  return port;
}

nlohmann::json DashboardStatus(int port, const std::vector<std::string>& headers) {
  testutil::HttpReply r = testutil::HttpGet(port, "/status.json", headers);
  if (r.status != 200) return nullptr;
  return nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
}

std::string BrowserDom(const std::string& url, const std::string& dir,
                       const std::string& screenshot, int budget_ms) {
  if (access(kChromium, X_OK) != 0) {
    ADD_FAILURE() << kChromium << " is missing: tools/bazel installs Debian's chromium";
    return "";
  }
  const std::string home = TempDir("chromium");  // a fresh profile each time
  std::vector<std::string> argv = {
      kChromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--user-data-dir=" + home + "/profile", "--window-size=1280,1000",
      "--virtual-time-budget=" + std::to_string(budget_ms)};
  argv.push_back(screenshot.empty() ? "--dump-dom" : "--screenshot=" + screenshot);
  argv.push_back(url);
  Process browser(argv, dir, "",
                  {"HOME=" + home, "XDG_CONFIG_HOME=" + home, "XDG_CACHE_HOME=" + home});
  std::optional<int> code = browser.Wait(std::chrono::seconds(180));
  EXPECT_EQ(code, 0) << "chromium: " << browser.err();
  return browser.out();
}

std::string OutputsDir(const std::string& fallback) {
  const char* dir = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR");
  return dir != nullptr ? dir : fallback;
}

nlohmann::json ParseMetrics(const std::string& text, const std::string& dir) {
  const std::string path = dir + "/metrics.txt";
  WriteFile(path, text);
  Process python({kDebianPython, Runfile("tests/dashboard/parse_metrics.py"), path}, dir);
  std::optional<int> code = python.Wait(std::chrono::seconds(60));
  EXPECT_EQ(code, 0) << python.err();
  if (code != 0) return nullptr;
  return nlohmann::json::parse(python.out());
}

double Sample(const nlohmann::json& parsed, const std::string& name,
              const nlohmann::json& labels) {
  if (!parsed.is_object()) return -1;
  for (const nlohmann::json& s : parsed["samples"]) {
    if (s["name"] != name) continue;
    bool match = true;
    for (const auto& [k, v] : labels.items()) {
      if (!s["labels"].contains(k) || s["labels"][k] != v) match = false;
    }
    if (match) return s["value"].get<double>();
  }
  return -1;
}

}  // namespace taskfarm::testing
