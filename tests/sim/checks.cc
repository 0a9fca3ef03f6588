// World: the invariants, checked as the batch runs and at its end.

#include "absl/strings/str_cat.h"
#include "proto/contract.h"
#include "proto/transport.h"
#include "tests/sim/world.h"

namespace taskfarm::sim {
namespace {

namespace mx = proto::master_exit;

proto::TaskStatus Expected(TaskKind kind) {
  switch (kind) {
    case TaskKind::kError: return proto::TaskStatus::kError;
    case TaskKind::kCrash:
    case TaskKind::kThrow: return proto::TaskStatus::kCrashed;
    case TaskKind::kOom: return proto::TaskStatus::kOom;
    case TaskKind::kHang: return proto::TaskStatus::kTimeout;
    default: return proto::TaskStatus::kOk;
  }
}

}  // namespace

void World::OnRecords(const zmq::message_t& records, uint64_t seq) {
  const uint64_t n = scenario_.tasks.size();
  proto::RecordReader reader;
  proto::RecordView view;
  absl::Status s = reader.Open(proto::View(records));
  for (size_t i = 0; s.ok() && i < reader.size(); ++i) {
    s = reader.Get(i, &view);
    if (!s.ok()) break;
    if (view.id >= n) {
      Fail(absl::StrCat("the master relayed a record of task ", view.id,
                        ", which is not in the batch (frame ", seq, ")"));
      return;
    }
    if (done_before_.Contains(view.id)) {
      Fail(absl::StrCat("task ", view.id,
                        " reported although --resume found it in the output"));
      return;
    }
    auto [it, inserted] = reported_in_.emplace(view.id, seq);
    if (!inserted && it->second != seq) {
      Fail(absl::StrCat("task ", view.id, " reported twice (record frames ",
                        it->second, " and ", seq, ")"));
      return;
    }
  }
  if (!s.ok()) {
    Fail(absl::StrCat("the master relayed a records frame that does not decode "
                      "(frame ", seq, ": ", s.message(), "): its tasks are lost"));
    return;
  }
  while (lowest_unreported_ < n && (reported_in_.count(lowest_unreported_) != 0 ||
                                    done_before_.Contains(lowest_unreported_))) {
    ++lowest_unreported_;
  }
}

void World::CheckTasksSent(const std::string& body) {
  const master::FarmOptions& o = scenario_.options;
  proto::TaskBatchReader reader;
  proto::TaskView view;
  sent_ids_.clear();
  if (!reader.Open(body).ok()) {
    Fail("the master sent a tasks body that does not decode");
    return;
  }
  for (size_t i = 0; i < reader.size(); ++i) {
    if (!reader.Get(i, &view).ok() || view.id >= scenario_.tasks.size()) {
      Fail("the master sent a task that is not in the batch");
      return;
    }
    sent_ids_.push_back(view.id);
    if (done_before_.Contains(view.id)) {
      Fail(absl::StrCat("task ", view.id,
                        " handed out although --resume found it in the output"));
      return;
    }
    if (o.keep_order && (relay_live_ || !scenario_.with_logger) &&
        view.id >= lowest_unreported_ + o.reorder_window) {
      Fail(absl::StrCat("--keep-order: task ", view.id, " handed out, ",
                        o.reorder_window, " or more beyond the lowest unreported task ",
                        lowest_unreported_));
      return;
    }
  }
}

void World::CheckStep() {
  const int bound = 2 * scenario_.options.workers + (scenario_.with_logger ? 1 : 0);
  if (max_slot_ + 1 > bound) {
    Fail(absl::StrCat("slots not bounded: slot ", max_slot_, " used with ",
                      scenario_.options.workers, " workers"));
  }
}

void World::CheckEnd() {
  const master::FarmOptions& o = scenario_.options;
  const int code = core_->exit_code();
  const uint64_t n = scenario_.tasks.size();
  std::optional<uint64_t> missing;
  bool all_ok = true;
  for (uint64_t id = 0; id < n; ++id) {
    auto it = output_.find(id);
    if (it == output_.end()) {
      if (!missing) missing = id;
      continue;
    }
    if (done_before_.Contains(id)) continue;
    const TaskKind kind = scenario_.tasks[id].kind;
    const proto::TaskStatus want = Expected(kind);
    if (it->second != proto::TaskStatus::kOk) all_ok = false;
    if (it->second == want) continue;
    // An innocent task is struck only when its worker died running it (or
    // answered for it with a bad frame), --retries times.
    const bool innocent = want == proto::TaskStatus::kOk ||
                          want == proto::TaskStatus::kError;
    const int troubles = trouble_.count(id) ? trouble_.at(id) : 0;
    if (innocent && it->second != proto::TaskStatus::kOk &&
        it->second != proto::TaskStatus::kError &&
        troubles >= static_cast<int>(o.retries)) {
      continue;
    }
    // A guilty task's last strike may have been a death in it from outside.
    if (!innocent && it->second == proto::TaskStatus::kCrashed && troubles > 0) {
      continue;
    }
    Fail(absl::StrCat("task ", id, " (", TaskKindName(kind), ") written as ",
                      proto::TaskStatusName(it->second), ", expected ",
                      proto::TaskStatusName(want), " (", troubles,
                      " troubles, --retries=", o.retries, ")"));
    return;
  }
  auto had = [this](FaultKind k) { return applied_.count(k) != 0; };
  const bool crash_loop_cause =
      spawn_failures_applied_ > 0 ||
      (o.workers == 0 &&
       (had(FaultKind::kCutHost) || had(FaultKind::kStop) || had(FaultKind::kKillRemote)));
  const std::string what = absl::StrCat("exit ", code, " (", core_->outcome(), ")");
  if (code >= mx::kSignalBase) {
    if (code != mx::kSignalBase + first_signal_) {
      Fail(absl::StrCat(what, " but the first signal was ", first_signal_));
    }
  } else if (code == mx::kUsage) {
    if (!scenario_.bad_input) Fail(absl::StrCat(what, " without bad input"));
  } else if (code == mx::kCrashLoop) {
    if (!crash_loop_cause) {
      Fail(absl::StrCat(what, ": nothing in the scenario keeps workers from starting"));
    }
  } else if (code == mx::kOutputFailed) {
    // The output failed, or the logger could not be started again in time.
    if (!had(FaultKind::kLoggerFails) && spawn_failures_applied_ == 0) {
      Fail(absl::StrCat(what, " though the output never failed"));
    }
  } else if (code == mx::kOk || code == mx::kTasksFailed) {
    if (first_signal_ != 0 && !halted_) {
      Fail(absl::StrCat(what, " though signal ", first_signal_, " arrived"));
    } else if (!halted_ && missing) {
      Fail(absl::StrCat(what, " but task ", *missing, " is missing from the output"));
    } else if (!halted_ && code == mx::kOk && !all_ok) {
      Fail(absl::StrCat(what, " though some task failed"));
    } else if (!halted_ && code == mx::kTasksFailed && all_ok) {
      Fail(absl::StrCat(what, " though every task is ok"));
    }
  } else {
    Fail(absl::StrCat(what, ": not a documented exit code"));
  }
  if (first_signal_ == 0 && !scenario_.bad_input && !crash_loop_cause &&
      !had(FaultKind::kLoggerFails) && !halted_ && code != mx::kOk &&
      code != mx::kTasksFailed) {
    Fail(absl::StrCat(what, " with nothing in the scenario to stop the batch"));
  }
}

}  // namespace taskfarm::sim
