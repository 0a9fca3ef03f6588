// MasterCore: workers' messages (hello, results, bad batches, fatal), the
// logger's, and handing out work. Heartbeats and losing a worker are in
// master_core_liveness.cc.

#include <signal.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "journal/task_words.h"
#include "master/master_core.h"
#include "proto/batch.h"
#include "proto/codec.h"
#include "proto/contract.h"
#include "proto/transport.h"

namespace taskfarm::master {
namespace {

namespace exit = proto::master_exit;

// The task of a one-record frame as a line: "crash SIGSEGV".
std::string RecordTask(absl::string_view frame) {
  proto::RecordReader reader;
  proto::RecordView r;
  if (!reader.Open(frame).ok() || reader.size() != 1 || !reader.Get(0, &r).ok()) {
    return "";
  }
  return journal::TaskLine(r.kind, r.args, Snapshot::kMaxTaskText);
}

}  // namespace

void MasterCore::OnWorkerFrames(size_t port, absl::Span<zmq::message_t> parts,
                                base::Instant now) {
  if (parts.size() < 2) {
    stats_.AddDropped(1);
    return;
  }
  const absl::string_view identity = proto::View(parts[0]);
  absl::StatusOr<proto::Message> message =
      proto::Codec::Decode(proto::View(parts[1]));
  if (!message.ok()) {
    stats_.AddDropped(1);
    return;
  }
  if (const auto* hello = std::get_if<proto::Hello>(&*message)) {
    OnHello(port, identity, *hello, now);
    return;
  }
  WorkerEntry* w = workers_.ByIdentity(port, identity);
  if (w == nullptr) {
    // A worker we retired, lost or stopped, or a stranger. Its last
    // heartbeats are expected (they cross its end); anything else it sends
    // (results of a batch taken back) is worth counting.
    if (!std::holds_alternative<proto::Heartbeat>(*message)) stats_.AddDropped(1);
    if (port > 0 && remote_.WasLost(identity)) {  // start afresh
      out_->SendToWorker(port, identity, proto::Rejoin{"declared lost"});
    }
    return;
  }
  workers_.Touch(*w, now);
  if (const auto* results = std::get_if<proto::Results>(&*message)) {
    OnResults(*w, *results, parts, now);
  } else if (const auto* bad = std::get_if<proto::BadBatch>(&*message)) {
    OnBadBatch(*w, *bad, now);
  } else if (const auto* fatal = std::get_if<proto::Fatal>(&*message)) {
    OnFatal(*w, port, identity, *fatal, now);
  } else if (const auto* hb = std::get_if<proto::Heartbeat>(&*message)) {
    OnHeartbeat(*w, *hb, now);
  } else {
    stats_.AddDropped(1);
  }
}

void MasterCore::OnHello(size_t port, absl::string_view identity,
                         const proto::Hello& hello, base::Instant now) {
  if (workers_.ByIdentity(port, identity) != nullptr) return;  // repeated
  if (port > 0 && (phase_ == Phase::kStopping || phase_ == Phase::kDone)) {
    // A remote worker, too late.
    out_->SendToWorker(port, identity, proto::Shutdown{proto::kShutdownDone});
    return;
  }
  if (identity != proto::TaskIdentity(hello.worker_id)) {
    stats_.AddDropped(1);
    return;
  }
  if (kinds_) {
    absl::StatusOr<KindTable> theirs = KindTable::From(hello.kinds);
    bool same = theirs.ok() && theirs->size() == kinds_->size();
    for (size_t i = 0; same && i < kinds_->size(); ++i) {
      const Kind& a = kinds_->at(static_cast<uint32_t>(i));
      const Kind& b = theirs->at(static_cast<uint32_t>(i));
      same = a.name == b.name && a.signature == b.signature;
    }
    if (!same) {
      out_->Say(absl::StrFormat(
          "taskfarm: refusing worker %d on %s: it offers other task kinds "
          "than the first worker",
          hello.pid, hello.host));
      out_->SendToWorker(port, identity,
                         proto::Shutdown{proto::kShutdownOtherKinds});
      return;
    }
  }
  std::optional<int> slot;
  if (port == 0) {
    // A hello from a child that died since it sent it is a ghost, which
    // would be handed tasks it never runs. (A pid of none of our children
    // is a worker started by a wrapper of --worker_bin: served, no slot.)
    if (dead_pids_.contains(hello.pid)) {
      stats_.AddDropped(1);
      return;
    }
    slot = SlotOfPid(static_cast<pid_t>(hello.pid));
  }
  WorkerEntry& w = workers_.Add(port, hello, slot, now);
  if (slot) {
    book_.Ready(*slot, now);
    slots_[*slot].worker = w.id;
    slots_[*slot].host = w.host;
  } else {
    history_.Joined(w);
  }
  if (port > 0) {
    if (std::optional<std::string> line = remote_.OnJoin(w)) out_->Say(*line);
  }
  if (!kinds_) {
    absl::StatusOr<KindTable> table = KindTable::From(hello.kinds);
    if (!table.ok()) {
      Stop(StopReason{exit::kUsage, std::string(table.status().message())},
           false, now);
      return;
    }
    kinds_.emplace(*std::move(table));
    if (options_.list_tasks) {
      ListTasks(now);
      return;
    }
    Enter(PhaseEvent::kKindsLearned);
    out_->CheckInput(*kinds_);
  }
  if (phase_ == Phase::kRunning) Welcome(w);
}

void MasterCore::Welcome(WorkerEntry& w) {
  if (w.welcomed) return;
  w.welcomed = true;
  out_->SendToWorker(
      w.port, w.task_identity,
      proto::Welcome{static_cast<uint32_t>(base::Millis(options_.heartbeat)),
                     options_.liveness, base::Millis(options_.timeout),
                     options_.max_memory_mb, options_.results_dir});
  dispatcher_.AddWorker(w.id, w.pid, options_.max_tasks_per_worker);
}

void MasterCore::OnResults(WorkerEntry& w, const proto::Results& r,
                           absl::Span<zmq::message_t> parts,
                           base::Instant now) {
  std::optional<Dispatcher::BatchView> batch = dispatcher_.Find(r.batch_id);
  if (!batch || batch->worker != w.id) {
    stats_.AddDropped(1);  // late: the batch was taken back
    return;
  }
  absl::Status checked =
      parts.size() == 3
          ? checker_.Check(r, proto::View(parts[2]), *batch)
          : absl::InvalidArgumentError("results without records");
  if (!checked.ok() || !dispatcher_.OnResults(w.id, r)) {
    OnBadResults(w, checked.message(), now);
    return;
  }
  w.idle_beats = 0;
  stats_.AddResults(r, w.id, w.host, w.pid, proto::View(parts[2]),
                    &checker_.durations());
  stats_.ResultsIn(now);
  w.tasks_done += r.count;
  if (r.by_status[0] > 0) breaker_.RecordSuccess();
  if (w.slot) {
    book_.Productive(*w.slot);
    slots_[*w.slot].tasks += r.count;
  }
  Relay(std::move(parts[2]), r.count);
  CheckHalt(now);
  if (w.retiring && !dispatcher_.Busy(w.id)) Retire(w, now);
}

void MasterCore::OnBadResults(WorkerEntry& w, absl::string_view why,
                              base::Instant now) {
  // A buggy or hostile worker: nothing it sent is counted or relayed, its
  // unfinished tasks run again (the one it was answering for, if alone,
  // with a strike), and it is replaced: a local one killed, a remote one
  // told to join afresh.
  stats_.AddDropped(1);
  out_->Say(absl::StrFormat(
      "taskfarm: worker %d on %s sent bad results (%s): its tasks run again",
      w.pid, w.host, why));
  const Loss loss{proto::TaskStatus::kCrashed, absl::StrCat("bad results: ", why),
                  w.pid, std::nullopt};
  if (w.slot) {
    book_.Kill(*w.slot, SIGKILL);
  } else {
    remote_.Forget(w);
    history_.Lost(w);
    out_->SendToWorker(w.port, w.task_identity, proto::Rejoin{"sent bad results"});
  }
  LoseWorker(w.id, loss, now);
}

void MasterCore::OnBadBatch(WorkerEntry& w, const proto::BadBatch& bad,
                            base::Instant now) {
  std::optional<Dispatcher::BatchView> batch = dispatcher_.Find(bad.batch_id);
  if (!batch || batch->worker != w.id) {
    stats_.AddDropped(1);
    return;
  }
  out_->Say(absl::StrFormat(
      "taskfarm: worker %d on %s dropped batch %d (%s): its tasks run again",
      w.pid, w.host, bad.batch_id, bad.reason));
  Report(dispatcher_.TakeBack(
             w.id,
             Loss{proto::TaskStatus::kCrashed,
                  absl::StrCat("dropped by its worker: ", bad.reason), w.pid,
                  std::nullopt},
             bad.batch_id),
         now);
  if (w.retiring && !dispatcher_.Busy(w.id)) Retire(w, now);
}

void MasterCore::Relay(zmq::message_t body, uint32_t records) {
  if (logger_closing_) {
    stats_.AddDropped(1);
    return;
  }
  if (!with_logger_) {
    records_delivered_ += records;
    out_->Deliver(std::move(body));
    return;
  }
  if (const RelayBook::Entry* e = relay_.Push(std::move(body), records)) {
    out_->SendLog(*relay_.logger(), e->seq, e->body);
  }
}

void MasterCore::OnFatal(WorkerEntry& w, size_t port,
                         absl::string_view identity, const proto::Fatal& fatal,
                         base::Instant now) {
  const WorkerId id = w.id;
  const std::optional<int> slot = w.slot;
  Report(dispatcher_.OnFatal(id, fatal), now);
  // Answer on the socket it came from (the heartbeat thread reports
  // timeouts), so the worker knows its report arrived and exits now; its
  // replacement starts without the restart delay.
  out_->SendToWorker(port, identity,
                     proto::Shutdown{proto::kShutdownFatalReceived});
  if (slot) {
    slots_[*slot].fatal_reported = true;
    book_.RestartSoon(*slot, now);
  } else {
    LoseWorker(id, Loss{}, now);  // remote: it exits now, no strike
  }
}

void MasterCore::Report(std::vector<LooseTask> quarantined, base::Instant now) {
  for (LooseTask& t : quarantined) {
    const Kind& kind = kinds_->at(t.kind);
    quarantine_writer_.Clear();
    quarantine_writer_.AddPacked(t.id, kind.name, t.args, t.failure, t.reason,
                                 t.last_pid, t.attempts, 0);
    zmq::message_t record = proto::Frame(quarantine_writer_.Finish());
    stats_.AddQuarantined(Stats::Quarantined{
        t.id, RecordTask(proto::View(record)), t.failure, t.reason, t.attempts});
    Relay(std::move(record), 1);
  }
  if (!quarantined.empty()) CheckHalt(now);
}

void MasterCore::Dispatch(base::Instant now) {
  if (phase_ != Phase::kRunning) return;
  const FeedView view{input_.feed, input_.total, input_.done,
                      options_.keep_order ? options_.reorder_window : 0};
  while (!(with_logger_ && relay_.Full())) {
    absl::StatusOr<std::optional<FilledBatch>> filled =
        filler_.Next(dispatcher_, view);
    if (!filled.ok()) {
      out_->Say(absl::StrCat("taskfarm: ", filled.status().message()));
      Stop(StopReason{exit::kUsage, "input error while running"}, false, now);
      return;
    }
    if (!filled->has_value()) break;
    const FilledBatch& b = **filled;
    WorkerEntry& w = *workers_.Get(b.worker);
    out_->SendTasks(w.port, w.task_identity, proto::Tasks{b.batch_id, b.count},
                    b.body);
    w.idle_beats = 0;
    ++w.batches_sent;
    stats_.TasksSent(now, b.body->size());
    if (dispatcher_.Spent(w.id) && !w.retiring) {
      // Its successor starts now, while it finishes: no capacity gap.
      w.retiring = true;
      if (w.slot) AddWorkerSlot(now);
    }
  }
}

void MasterCore::OnLoggerFrames(absl::Span<zmq::message_t> parts,
                                base::Instant now) {
  if (!with_logger_ || parts.size() != 2) return;
  absl::StatusOr<proto::Message> message =
      proto::Codec::Decode(proto::View(parts[1]));
  if (!message.ok()) {
    stats_.AddDropped(1);
    return;
  }
  if (const auto* ack = std::get_if<proto::Ack>(&*message)) {
    if (!relay_.OnAck(ack->seq)) stats_.AddDropped(1);
  } else if (std::holds_alternative<proto::LoggerHello>(*message)) {
    book_.Ready(*logger_slot_, now);
    const std::string identity(proto::View(parts[0]));
    // Records wait in the relay until the logger is welcomed: none can
    // exist before the input checked out.
    const std::deque<RelayBook::Entry>& pending = relay_.Attach(identity);
    if (input_ok_) {
      WelcomeLogger(identity);
      for (const RelayBook::Entry& e : pending) {
        out_->SendLog(identity, e.seq, e.body);
      }
    }
    HandleDeaths(now);
  }
}

void MasterCore::WelcomeLogger(const std::string& identity) {
  out_->SendToLogger(identity, proto::LoggerWelcome{input_.total});
  out_->SendToLogger(identity,
                     proto::Progress{input_.total, stats_.done(), 0, 0, 0});
}

}  // namespace taskfarm::master
