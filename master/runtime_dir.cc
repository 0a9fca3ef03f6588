#include "master/runtime_dir.h"

#include <stdlib.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"

namespace taskfarm::master {

absl::StatusOr<RuntimeDir> RuntimeDir::Create(const std::string& parent) {
  // ipc endpoints are unix socket paths: they must fit sun_path. A long
  // $TMPDIR (as under `bazel test`) falls back to /tmp.
  constexpr size_t kMaxSocketPath = sizeof(sockaddr_un::sun_path) - 1;
  constexpr size_t kLongestName = sizeof("/taskfarm.XXXXXX/stdin.tasks");
  std::vector<std::string> bases;
  if (!parent.empty()) {
    bases.push_back(parent);
  } else {
    const char* tmp = getenv("TMPDIR");
    if (tmp != nullptr && *tmp != '\0') bases.push_back(tmp);
    bases.push_back("/tmp");
  }
  std::string problem;
  for (const std::string& base : bases) {
    if (base.size() + kLongestName > kMaxSocketPath) {
      problem = absl::StrCat(base, " is too long a path for unix sockets");
      continue;
    }
    std::string templ = absl::StrCat(base, "/taskfarm.XXXXXX");
    // mkdtemp creates the directory with mode 0700.
    if (mkdtemp(templ.data()) != nullptr) return RuntimeDir(templ);
    problem = absl::StrCat("cannot create a directory in ", base, ": ",
                           strerror(errno));
  }
  return absl::UnavailableError(
      absl::StrCat("no runtime directory: ", problem));
}

RuntimeDir::~RuntimeDir() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string RuntimeDir::Endpoint(const std::string& name) const {
  return absl::StrCat("ipc://", path_, "/", name);
}

}  // namespace taskfarm::master
