#include "master/binaries.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace taskfarm::master {
namespace {

std::string SelfPath() {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "" : p.string();
}

}  // namespace

absl::StatusOr<std::string> FindBinary(const std::string& name) {
  std::vector<std::string> candidates;
  const std::string relative = absl::StrCat("taskfarm/", name, "/", name);
  if (const char* dir = std::getenv("RUNFILES_DIR")) {
    candidates.push_back(absl::StrCat(dir, "/", relative));
  }
  if (const char* dir = std::getenv("TEST_SRCDIR")) {
    candidates.push_back(absl::StrCat(dir, "/", relative));
  }
  std::string self = SelfPath();
  if (!self.empty()) {
    candidates.push_back(absl::StrCat(self, ".runfiles/", relative));
    std::filesystem::path dir = std::filesystem::path(self).parent_path();
    // bazel-bin/master/master -> bazel-bin/worker/worker
    candidates.push_back((dir.parent_path() / name / name).string());
    // Installed (//:install): PREFIX/bin/taskfarm -> PREFIX/bin/taskfarm-worker
    candidates.push_back((dir / absl::StrCat("taskfarm-", name)).string());
    // Copied by hand: DIR/master -> DIR/worker
    candidates.push_back((dir / name).string());
  }
  for (const std::string& c : candidates) {
    if (access(c.c_str(), X_OK) == 0) return c;
  }
  return absl::NotFoundError(absl::StrCat(
      "cannot find the ", name, " executable (looked in ",
      absl::StrJoin(candidates, ", "), "); pass --", name, "_bin=PATH"));
}

}  // namespace taskfarm::master
