#include "master/runtime_dir.h"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"

namespace taskfarm::master {

absl::StatusOr<RuntimeDir> RuntimeDir::Create(const std::string& parent) {
  std::string base = parent;
  if (base.empty()) {
    const char* tmp = getenv("TMPDIR");
    base = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  }
  std::string templ = absl::StrCat(base, "/taskfarm.XXXXXX");
  // mkdtemp creates the directory with mode 0700.
  if (mkdtemp(templ.data()) == nullptr) {
    return absl::UnavailableError(absl::StrCat(
        "cannot create a runtime directory in ", base, ": ", strerror(errno)));
  }
  return RuntimeDir(templ);
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
