#include "master/local_processes.h"

#include <signal.h>

#include "absl/strings/str_cat.h"

namespace taskfarm::master {

LocalProcesses::~LocalProcesses() {
  // Signal every child first, then wait for each: shutdown takes one grace
  // period, not one per child.
  for (auto& child : children_) {
    if (child && child->running()) child->Kill(SIGTERM);
  }
  for (auto& child : children_) {
    if (child) child->Stop();
  }
}

std::vector<std::string> LocalProcesses::WorkerArgv(
    const SlotSpec& spec, std::optional<base::SharedPage>* page) const {
  std::vector<std::string> argv = {
      options_.worker_bin, absl::StrCat("--connect=", rundir_.Endpoint("work"))};
  if (!spec.page) return argv;
  const std::string state_file =
      absl::StrCat(rundir_.path(), "/worker", *spec.page, ".state");
  if (spec.map_page) {
    absl::StatusOr<base::SharedPage> mapped =
        base::SharedPage::Map(state_file, /*create=*/true);
    if (!mapped.ok()) return argv;  // it runs without: culprits are inferred
    page->emplace(*std::move(mapped));
  }
  argv.push_back(absl::StrCat("--state_file=", state_file));
  return argv;
}

std::vector<std::string> LocalProcesses::LoggerArgv(bool first) const {
  std::vector<std::string> argv = {
      options_.logger_bin, absl::StrCat("--connect=", rundir_.Endpoint("log")),
      absl::StrCat("--output=", options_.output.empty() ? "-" : options_.output),
      absl::StrCat("--format=", journal::FormatName(options_.format)),
      absl::StrCat("--first=", first ? "true" : "false")};
  if (options_.fsync) argv.push_back("--fsync");
  if (options_.keep_order) argv.push_back("--keep_order");
  if (options_.progress) argv.push_back("--progress");
  if (!options_.joblog.empty()) argv.push_back(absl::StrCat("--joblog=", options_.joblog));
  argv.insert(argv.end(), logger_flags_.begin(), logger_flags_.end());
  return argv;
}

absl::StatusOr<Spawned> LocalProcesses::Start(int slot, const SlotSpec& spec) {
  if (children_.size() <= static_cast<size_t>(slot)) children_.resize(slot + 1);
  Spawned spawned;
  const std::vector<std::string> argv =
      spec.role == SlotSpec::Role::kLogger ? LoggerArgv(spec.first_logger)
                                           : WorkerArgv(spec, &spawned.page);
  children_[slot].reset();
  absl::StatusOr<supervise::ChildProcess> child =
      supervise::ChildProcess::Spawn(argv, supervise::SpawnOptions{});
  if (!child.ok()) return child.status();
  spawned.pid = child->pid();
  children_[slot].emplace(*std::move(child));
  return spawned;
}

void LocalProcesses::Signal(int slot, pid_t pid, int signal) {
  auto& child = children_[slot];
  if (child && child->pid() == pid) child->Kill(signal);
}

std::vector<std::pair<int, supervise::ExitStatus>> LocalProcesses::Reap() {
  std::vector<std::pair<int, supervise::ExitStatus>> exited;
  for (size_t slot = 0; slot < children_.size(); ++slot) {
    auto& child = children_[slot];
    if (!child) continue;
    std::optional<supervise::ExitStatus> status = child->TryReap();
    if (!status) continue;
    exited.emplace_back(static_cast<int>(slot), *status);
    child.reset();
  }
  return exited;
}

}  // namespace taskfarm::master
