#include "master/remote_book.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace taskfarm::master {
namespace {

constexpr size_t kIdsShown = 20;
constexpr size_t kMaxLostRemembered = 1 << 20;

}  // namespace

std::optional<std::string> RemoteBook::OnJoin(const WorkerEntry& w) {
  std::string who = absl::StrCat(w.host, " ", w.pid);
  if (!workers_.insert(who).second) {
    return absl::StrCat("taskfarm: worker ", w.pid, " on ", w.host, " rejoined");
  }
  if (hosts_.insert(w.host).second) {
    return absl::StrCat("taskfarm: ", w.host, " joined: worker ", w.pid, " (",
                        w.cores, " cores on that host)");
  }
  return std::nullopt;
}

void RemoteBook::Forget(const WorkerEntry& w) {
  if (lost_.size() < kMaxLostRemembered) {
    lost_.insert(w.task_identity);
    lost_.insert(w.heartbeat_identity);
  }
}

std::string RemoteBook::OnLost(const WorkerEntry& w, const std::string& reason,
                               const std::vector<uint64_t>& task_ids,
                               size_t workers_left) {
  Forget(w);
  std::string ids;
  if (!task_ids.empty()) {
    std::vector<uint64_t> shown(
        task_ids.begin(),
        task_ids.begin() +
            static_cast<std::ptrdiff_t>(std::min(task_ids.size(), kIdsShown)));
    ids = absl::StrCat(
        ": task", task_ids.size() == 1 ? " " : "s ", absl::StrJoin(shown, " "),
        task_ids.size() > kIdsShown
            ? absl::StrCat(" and ", task_ids.size() - kIdsShown, " more")
            : "",
        " go back to the queue");
  }
  return absl::StrCat("taskfarm: lost remote worker ", w.pid, " on ", w.host,
                      " (", reason, ")", ids, "; ", workers_left, " worker",
                      workers_left == 1 ? "" : "s", " left",
                      workers_left == 0 ? ": waiting for workers to join" : "");
}

}  // namespace taskfarm::master
