// SimWorker: a simulated worker process (see sim_processes.h), after
// worker/worker.cc, worker/runner.cc and worker/heartbeat.cc.

#include <signal.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "proto/codec.h"
#include "proto/contract.h"
#include "tests/sim/sim_processes.h"
#include "tests/sim/world.h"

namespace taskfarm::sim {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kFlushInterval{50};    // worker/runner.h
constexpr milliseconds kFatalWait{1000};      // for the master's answer
constexpr milliseconds kLocalHelloTimeout{10000};
constexpr milliseconds kRemoteAnswerTimeout{2000};

const std::vector<proto::TaskKind>& Kinds() {
  static const auto* const kinds = [] {
    auto* k = new std::vector<proto::TaskKind>;
    for (int i = 0; i < kTaskKindCount; ++i) {
      k->push_back({TaskKindName(static_cast<TaskKind>(i)), "int", "simulated"});
    }
    return k;
  }();
  return *kinds;
}

int64_t Nanos(base::Instant t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch())
      .count();
}

}  // namespace

SimWorker::SimWorker(World* world, bool remote, int host, int slot, pid_t pid,
                     proto::RunState* page)
    : world_(world),
      remote_(remote),
      host_(host),
      slot_(slot),
      pid_(pid),
      state_(page != nullptr ? page : &own_state_) {}

template <typename F>
void SimWorker::Later(base::Duration delay, F fn) {
  world_->At(world_->now() + delay, [this, g = gen_, fn]() {
    if (g != gen_ || !alive_ || stopped_) return;
    fn();
  });
}

void SimWorker::Connect(base::Duration delay) {
  ++gen_;
  worker_id_ = absl::StrCat("w", world_->next_worker_id_++);
  task_identity_ = proto::TaskIdentity(worker_id_);
  heartbeat_identity_ = proto::HeartbeatIdentity(worker_id_);
  welcomed_ = false;
  queue_.clear();
  chunk_.clear();
  running_ = false;
  index_ = 0;
  batches_ = 0;
  rejoin_ = false;
  connected_ = last_heard_ = world_->now();
  world_->Route(this, true);
  Later(delay, [this] {
    proto::Hello hello{.worker_id = worker_id_,
                       .pid = pid_,
                       .host = remote_ ? absl::StrCat("host", host_) : "local",
                       .cores = 1,
                       .kinds = Kinds()};
    world_->ToMaster(*this, false, proto::Codec::Encode(hello), std::nullopt);
    last_heard_ = world_->now();
    Later(heartbeat_, [this] { Beat(); });
  });
}

void SimWorker::Beat() {
  const uint64_t running_ms =
      running_ ? static_cast<uint64_t>(std::chrono::duration_cast<milliseconds>(
                                           world_->now() - task_start_)
                                           .count())
               : 0;
  proto::Heartbeat hb{worker_id_, running_ ? queue_.front().batch_id : 0,
                      index_, running_ms, 8000, batches_};
  world_->ToMaster(*this, true, proto::Codec::Encode(hb), std::nullopt);
  const base::Duration limit =
      welcomed_ ? heartbeat_ * liveness_
                : (remote_ ? base::Duration(kRemoteAnswerTimeout)
                           : base::Duration(kLocalHelloTimeout));
  if (world_->now() - last_heard_ > limit) {
    if (remote_) {
      Rejoin();
    } else {
      Die(supervise::ExitStatus{false, proto::worker_exit::kMasterLost});
    }
    return;
  }
  Later(heartbeat_, [this] { Beat(); });
}

void SimWorker::OnMessage(bool heartbeat_socket, const proto::Message& message,
                          const std::shared_ptr<const std::string>& body) {
  if (!alive_ || stopped_) return;
  last_heard_ = world_->now();
  if (const auto* welcome = std::get_if<proto::Welcome>(&message)) {
    welcomed_ = true;
    heartbeat_ = milliseconds(std::max<uint32_t>(welcome->heartbeat_ms, 1));
    liveness_ = std::max<uint32_t>(welcome->liveness, 1);
    timeout_ms_ = welcome->timeout_ms;
  } else if (std::holds_alternative<proto::Tasks>(message)) {
    if (heartbeat_socket || body == nullptr) return;
    ++batches_;
    queue_.push_back(Batch{std::get<proto::Tasks>(message).batch_id, body});
    if (drop_next_) {  // "bad frame: batch too large": dropped unread
      drop_next_ = false;
      proto::TaskBatchReader dropped;
      proto::TaskView view;
      if (dropped.Open(*body).ok()) {
        for (size_t i = 0; i < dropped.size(); ++i) {
          if (dropped.Get(i, &view).ok()) world_->TroubleFor(view.id);
        }
      }
      queue_.pop_back();
      return;
    }
    StartNext();
  } else if (const auto* shutdown = std::get_if<proto::Shutdown>(&message)) {
    if (fatal_exit_) {
      Die(supervise::ExitStatus{false, *fatal_exit_});
      return;
    }
    shutdown_ = true;
    recycled_ = shutdown->reason == proto::kShutdownRecycled;
    StartNext();
  } else if (std::holds_alternative<proto::Rejoin>(message)) {
    rejoin_ = true;
    StartNext();
  }
}

void SimWorker::StartNext() {
  if (running_ || fatal_exit_) return;
  if (shutdown_) {
    Die(supervise::ExitStatus{
        false, recycled_ ? proto::worker_exit::kRecycled : proto::worker_exit::kOk});
    return;
  }
  if (rejoin_) {
    Rejoin();
    return;
  }
  if (queue_.empty()) return;
  if (index_ == 0) {
    if (!reader_.Open(*queue_.front().body).ok()) {
      world_->Fail("the master sent a tasks body that does not decode");
      return;
    }
    chunk_.clear();
    chunk_offset_ = 0;
    chunk_start_ = world_->now();
  }
  RunTask();
}

void SimWorker::RunTask() {
  const uint64_t batch_id = queue_.front().batch_id;
  if (!reader_.Get(index_, &task_).ok() || task_.id >= world_->scenario().tasks.size()) {
    world_->Fail("the master sent a task that does not decode");
    return;
  }
  const SimTask& t = world_->scenario().tasks[task_.id];
  state_->Begin(batch_id, index_, Nanos(world_->now()));
  running_ = true;
  task_start_ = world_->now();
  world_->TaskStarted(task_.id);
  if (timeout_ms_ > 0) {
    // The heartbeat thread's watchdog (worker/heartbeat.cc).
    const uint32_t index = index_;
    Later(milliseconds(timeout_ms_ + 1), [this, batch_id, index] {
      if (running_ && queue_.front().batch_id == batch_id && index_ == index) {
        ReportFatal(proto::FatalKind::kTimeout, /*heartbeat_socket=*/true,
                    proto::worker_exit::kTimeout);
      }
    });
  }
  switch (t.kind) {
    case TaskKind::kHang:
      return;
    case TaskKind::kCrash:
      Later(t.duration, [this] { Die(supervise::ExitStatus{true, SIGSEGV}); });
      return;
    case TaskKind::kThrow:
      Later(t.duration, [this] {
        ReportFatal(proto::FatalKind::kException, false,
                    proto::worker_exit::kTaskException);
      });
      return;
    case TaskKind::kOom:
      Later(t.duration, [this] {
        ReportFatal(proto::FatalKind::kOom, false, proto::worker_exit::kOutOfMemory);
      });
      return;
    default:
      Later(t.duration, [this] { Complete(); });
  }
}

void SimWorker::Complete() {
  state_->End();
  running_ = false;
  const SimTask& t = world_->scenario().tasks[task_.id];
  chunk_.push_back(Record{task_.id, task_.kind_index, static_cast<int64_t>(task_.id),
                          t.kind == TaskKind::kError ? proto::TaskStatus::kError
                                                     : proto::TaskStatus::kOk,
                          task_.attempt});
  world_->TaskEnded(task_.id);
  outstanding_.erase(task_.id);
  ++index_;
  if (index_ == reader_.size()) {
    Flush();
    queue_.pop_front();
    index_ = 0;
    StartNext();
    return;
  }
  if (world_->now() - chunk_start_ >= kFlushInterval) {
    Flush();
    if (shutdown_ || rejoin_) {  // the rest of the batch is not run
      queue_.clear();
      index_ = 0;
      StartNext();
      return;
    }
  }
  RunTask();
}

std::string SimWorker::Frame() {
  proto::RecordWriter writer;
  const size_t good = chunk_.size() - (bad_frame_ == BadFrame::kGarbled ? 1 : 0);
  for (size_t i = 0; i < good; ++i) {
    const Record& r = chunk_[i];
    uint64_t id = r.id;
    if (bad_frame_ == BadFrame::kForeignIds) id += 1'000'000;
    if (bad_frame_ == BadFrame::kAbsurdId && i + 1 == chunk_.size()) id = uint64_t{1} << 63;
    const proto::Value arg = r.arg;
    writer.Add(id, TaskKindName(static_cast<TaskKind>(r.kind)), {&arg, 1}, r.status,
               absl::StrCat("r", r.id), pid_, r.attempt, 1);
  }
  std::string frame(writer.Finish());
  if (bad_frame_ == BadFrame::kGarbled) {
    // One more element that is no record: [nil].
    const uint32_t n = static_cast<uint32_t>(chunk_.size());
    frame[1] = static_cast<char>(n >> 24);
    frame[2] = static_cast<char>(n >> 16);
    frame[3] = static_cast<char>(n >> 8);
    frame[4] = static_cast<char>(n);
    frame += "\x91\xc0";
  }
  return frame;
}

void SimWorker::Flush() {
  if (chunk_.empty()) return;
  proto::Results r;
  r.batch_id = queue_.front().batch_id;
  r.offset = chunk_offset_;
  r.count = static_cast<uint32_t>(chunk_.size());
  r.elapsed_us = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(world_->now() - chunk_start_)
          .count());
  for (const Record& rec : chunk_) ++r.by_status[static_cast<int>(rec.status)];
  std::string frame = Frame();
  if (bad_frame_) {
    for (const Record& rec : chunk_) world_->TroubleFor(rec.id);
    if (*bad_frame_ == BadFrame::kWrongCount) r.count += 1;
    world_->Trace(absl::StrCat("worker ", pid_, " sends a bad frame (",
                               static_cast<int>(*bad_frame_), ")"));
    bad_frame_.reset();
  }
  world_->ToMaster(*this, false, proto::Codec::Encode(r), std::move(frame));
  chunk_offset_ += static_cast<uint32_t>(chunk_.size());
  chunk_.clear();
  chunk_start_ = world_->now();
}

void SimWorker::ReportFatal(proto::FatalKind kind, bool heartbeat_socket, int code) {
  if (kind != proto::FatalKind::kTimeout) {
    // The main thread: the task's record is not written, its page cleared.
    state_->End();
    running_ = false;
    Flush();
  }
  proto::Fatal fatal{queue_.front().batch_id, index_, kind, "simulated"};
  world_->ToMaster(*this, heartbeat_socket, proto::Codec::Encode(fatal), std::nullopt);
  fatal_exit_ = code;
  Later(kFatalWait, [this, code] { Die(supervise::ExitStatus{false, code}); });
}

void SimWorker::Rejoin() {
  if (fatal_exit_) return;  // it reported a fatal task: it exits anyway
  if (!remote_) {
    Die(supervise::ExitStatus{false, proto::worker_exit::kMasterLost});
    return;
  }
  for (uint64_t id : Held()) world_->TroubleFor(id);
  world_->Route(this, false);
  state_->End();
  Connect(milliseconds(100));
}

void SimWorker::Signal(int signal, bool by_master_stopping) {
  if (!alive_) return;
  if (signal == SIGSTOP) {
    stopped_ = true;
    if (remote_) {  // no page: the master infers who is to blame
      for (uint64_t id : Held()) world_->TroubleFor(id);
    }
    return;
  }
  if (signal != SIGKILL && signal != SIGTERM) return;
  killed_by_stop_ = by_master_stopping;
  if (remote_ && !by_master_stopping) {
    for (uint64_t id : Held()) world_->TroubleFor(id);
  }
  Die(supervise::ExitStatus{true, signal});
}

void SimWorker::Continue() {
  if (!alive_ || !stopped_) return;
  stopped_ = false;
  Rejoin();
}

void SimWorker::Die(supervise::ExitStatus status) {
  if (!alive_) return;
  if (running_ && !killed_by_stop_) world_->TroubleFor(task_.id);
  alive_ = false;
  ++gen_;
  world_->Route(this, false);
  world_->Exited(*this, status);
}

}  // namespace taskfarm::sim
