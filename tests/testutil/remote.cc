#include "tests/testutil/remote.h"

#include <sys/stat.h>

#include <filesystem>
#include <sstream>

#include "gtest/gtest.h"
#include <nlohmann/json.hpp>

namespace taskfarm::testing {

void Keygen(const std::string& dir) {
  MasterRun run = RunMaster({"--keygen=" + dir});
  ASSERT_EQ(run.exit_code, 0) << run.err;
}

std::string MixedKeys(const std::string& master_public_from,
                      const std::string& secret_from) {
  std::string dir = TempDir("mixed");
  chmod(dir.c_str(), 0700);
  std::filesystem::copy_file(master_public_from + "/master.public",
                             dir + "/master.public");
  std::filesystem::copy_file(secret_from + "/worker.secret", dir + "/worker.secret");
  chmod((dir + "/worker.secret").c_str(), 0600);
  return dir;
}

std::vector<std::string> WorkerArgv(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {Runfile("worker/worker")};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

std::string JoinEndpoint(const Process& master, std::chrono::milliseconds timeout) {
  const std::string marker = "remote workers join at ";
  std::string endpoint;
  WaitFor(
      [&] {
        std::string err = master.err();
        size_t at = err.find(marker);
        if (at == std::string::npos) return false;
        size_t end = err.find(' ', at + marker.size());
        endpoint = err.substr(at + marker.size(), end - at - marker.size());
        return true;
      },
      timeout);
  return endpoint;
}

int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

std::map<int64_t, std::string> HostsByPid(const std::string& stats_json) {
  std::map<int64_t, std::string> hosts;
  nlohmann::json stats = nlohmann::json::parse(ReadFile(stats_json), nullptr, false);
  if (stats.is_discarded()) {
    ADD_FAILURE() << stats_json << " is not JSON";
    return hosts;
  }
  for (const nlohmann::json& w : stats.at("workers")) {
    hosts[w.at("pid").get<int64_t>()] = w.at("host").get<std::string>();
  }
  return hosts;
}

std::vector<uint64_t> LostTaskIds(const std::string& master_err,
                                  const std::string& host) {
  std::vector<uint64_t> ids;
  for (const std::string& line : Lines(master_err)) {
    if (line.find("lost remote worker") == std::string::npos ||
        line.find(" on " + host + " ") == std::string::npos) {
      continue;
    }
    size_t from = line.find(": task");
    size_t to = line.find(" go back");
    if (from == std::string::npos || to == std::string::npos) continue;
    std::istringstream in(line.substr(line.find(' ', from + 2), to - line.find(' ', from + 2)));
    uint64_t id;
    while (in >> id) ids.push_back(id);
  }
  return ids;
}

}  // namespace taskfarm::testing
