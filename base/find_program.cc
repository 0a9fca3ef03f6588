#include "base/find_program.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace taskfarm::base {

absl::StatusOr<std::string> FindProgram(absl::string_view name) {
  if (absl::StrContains(name, '/')) return std::string(name);
  const char* path = std::getenv("PATH");
  bool found_unexecutable = false;
  for (absl::string_view dir :
       absl::StrSplit(path != nullptr ? path : kDefaultPath, ':')) {
    std::string file = absl::StrCat(dir.empty() ? "." : dir, "/", name);
    struct stat st;
    if (stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (access(file.c_str(), X_OK) == 0) return file;
    found_unexecutable = true;
  }
  return absl::ErrnoToStatus(found_unexecutable ? EACCES : ENOENT, name);
}

}  // namespace taskfarm::base
