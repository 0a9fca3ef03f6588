#include "master/session.h"

#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "master/binaries.h"
#include "master/stats_file.h"
#include "proto/run_state.h"
#include "proto/codec.h"

namespace taskfarm::master {
namespace {

constexpr size_t kMaxWorkerParts = 3;  // identity, header, body
constexpr size_t kMaxLoggerParts = 2;  // identity, header
constexpr int kDrainPerWake = 256;     // messages per socket per wake-up
constexpr std::chrono::milliseconds kProgressInterval{200};
constexpr std::chrono::seconds kLoggerFlushTimeout{10};

// Signals others send; a process does not die of these by itself.
bool KilledFromOutside(const supervise::ExitStatus& status) {
  return status.signaled && (status.code == SIGKILL || status.code == SIGTERM);
}

double Seconds(base::Duration d) {
  return std::chrono::duration<double>(d).count();
}

// A zmq message that reads `body` in place and keeps it alive.
zmq::message_t SharedFrame(std::shared_ptr<const std::string> body) {
  auto* hold = new std::shared_ptr<const std::string>(std::move(body));
  return zmq::message_t(
      const_cast<char*>((*hold)->data()), (*hold)->size(),
      [](void*, void* hint) {
        delete static_cast<std::shared_ptr<const std::string>*>(hint);
      },
      hold);
}

// The record count a records frame claims (our writers use array32).
std::optional<uint32_t> FrameCount(const zmq::message_t& frame) {
  return proto::ClaimedCount(proto::View(frame));
}

}  // namespace

Session::Session(FarmOptions options, RecordSink* sink)
    : options_(std::move(options)),
      io_(options_),
      sink_(sink),
      dispatcher_(Dispatcher::Options{options_.window,
                                      options_.target_batch_time,
                                      options_.max_batch, options_.retries}),
      breaker_(options_.crash_loop_deaths, options_.crash_loop_window) {}

Session::~Session() {
  io_.Cancel();  // a check still reading (a FIFO's silent writer) stops now
  if (check_thread_.joinable()) check_thread_.join();
  if (check_fd_ >= 0) close(check_fd_);
  // Children first (the supervisor stops them), then sockets, then context.
  supervisor_.reset();
  remote_.reset();  // waits for the launcher; before the context goes
  relay_.reset();
  pool_.reset();
  log_socket_.reset();
  ports_.clear();
  context_.reset();
}

int Session::Run() {
  if (absl::Status s = Setup(); !s.ok()) {
    std::fprintf(stderr, "taskfarm: %s\n", std::string(s.message()).c_str());
    return kExitUsage;
  }
  Loop();
  stats_.Finish(base::Now());
  if (!options_.list_tasks && (phase_ != Phase::kDone || exit_code_ != kExitUsage)) {
    const int restarts = supervisor_ ? supervisor_->restarts() : 0;
    if (options_.summary && exit_code_ != kExitUsage) {
      stats_.PrintSummary(stderr, restarts, outcome_);
    }
    if (!options_.stats_json.empty()) {
      absl::Status s = WriteStatsFile(options_.stats_json,
                                      stats_.ToJson(restarts, outcome_, exit_code_));
      if (!s.ok()) {
        std::fprintf(stderr, "taskfarm: %s\n", std::string(s.message()).c_str());
        if (exit_code_ == kExitOk || exit_code_ == kExitTasksFailed) {
          exit_code_ = kExitOutputFailed;
        }
      }
    }
  }
  FinishDashboard();
  return exit_code_;
}

std::vector<std::string> Session::LoggerArgv(bool first) const {
  std::vector<std::string> argv = {
      options_.logger_bin, absl::StrCat("--connect=", rundir_->Endpoint("log")),
      absl::StrCat("--output=", options_.output.empty() ? "-" : options_.output),
      absl::StrCat("--format=", journal::FormatName(options_.format)),
      absl::StrCat("--first=", first ? "true" : "false")};
  if (options_.fsync) argv.push_back("--fsync");
  if (options_.keep_order) argv.push_back("--keep_order");
  if (options_.progress) argv.push_back("--progress");
  if (!options_.joblog.empty()) argv.push_back(absl::StrCat("--joblog=", options_.joblog));
  for (std::string& flag : io_.LoggerFlags()) argv.push_back(std::move(flag));
  return argv;
}

absl::Status Session::Setup() {
  start_ = base::Now();
  stats_.Start(start_);
  // Before ZeroMQ starts threads: they must inherit the blocked signals.
  absl::StatusOr<SignalFd> signals = SignalFd::Create();
  if (!signals.ok()) return signals.status();
  signals_.emplace(*std::move(signals));
  const bool with_logger = sink_ == nullptr;
  for (std::string* bin : {&options_.worker_bin, &options_.logger_bin}) {
    const char* name = bin == &options_.worker_bin ? "worker" : "logger";
    if (!with_logger && bin == &options_.logger_bin) continue;
    if (!bin->empty()) {
      // A typo fails now, not as a crash loop of children that cannot start.
      if (access(bin->c_str(), X_OK) != 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--", name, "_bin=", *bin, ": not an executable file"));
      }
      continue;
    }
    absl::StatusOr<std::string> found = FindBinary(name);
    if (!found.ok()) return found.status();
    *bin = *found;
  }
  absl::StatusOr<RuntimeDir> dir = RuntimeDir::Create();
  if (!dir.ok()) return dir.status();
  rundir_.emplace(*std::move(dir));
  if (absl::Status s = io_.Prepare(rundir_->path()); !s.ok()) return s;

  context_ = std::make_unique<zmq::context_t>(1);
  auto work = std::make_unique<proto::Transport>(*context_, zmq::socket_type::router);
  work->socket().set(zmq::sockopt::router_mandatory, true);
  work->socket().set(zmq::sockopt::sndhwm, 0);
  work->socket().set(zmq::sockopt::rcvhwm, 0);
  if (absl::Status s = work->Bind(rundir_->Endpoint("work")); !s.ok()) return s;
  ports_.push_back(std::move(work));
  if (options_.remote.enabled()) {  // remote workers: ports_[1] is tcp
    absl::StatusOr<std::unique_ptr<RemoteWorkers>> remote =
        RemoteWorkers::Open(*context_, options_);
    if (!remote.ok()) return remote.status();
    remote_ = *std::move(remote);
    ports_.push_back(remote_->TakePort());
  }
  if (with_logger) {
    log_socket_ = std::make_unique<proto::Transport>(*context_, zmq::socket_type::router);
    log_socket_->socket().set(zmq::sockopt::router_mandatory, true);
    log_socket_->socket().set(zmq::sockopt::sndhwm, 0);
    if (absl::Status s = log_socket_->Bind(rundir_->Endpoint("log")); !s.ok()) {
      return s;
    }
    relay_ = std::make_unique<LogRelay>(log_socket_.get(), options_.max_unacked_bytes);
    sink_ = relay_.get();
  }
  std::vector<proto::Transport*> ports;
  for (auto& p : ports_) ports.push_back(p.get());
  pool_ = std::make_unique<WorkerPool>(ports, options_.heartbeat * options_.liveness);

  check_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  supervisor_ = std::make_unique<supervise::Supervisor>(options_.restart,
                                                        supervise::SpawnOptions{});
  if (with_logger) logger_slot_ = supervisor_->Add("logger", LoggerArgv(true));
  for (int i = 0; i < options_.workers; ++i) AddWorkerSlot(start_);
  // While the workers start: its threads' start-up overlaps theirs.
  if (absl::Status s = StartDashboard(); !s.ok()) return s;
  startup_deadline_ = options_.startup_timeout.count() > 0
                          ? start_ + options_.startup_timeout
                          : base::Instant::max();
  next_heartbeat_ = start_ + options_.heartbeat;
  return absl::OkStatus();
}

void Session::AddWorkerSlot(base::Instant now) {
  // Each local worker publishes its running task in a shared page.
  const std::string state_file =
      absl::StrCat(rundir_->path(), "/worker", worker_slots_.size(), ".state");
  std::vector<std::string> argv = {
      options_.worker_bin, absl::StrCat("--connect=", rundir_->Endpoint("work"))};
  absl::StatusOr<base::SharedPage> page =
      base::SharedPage::Map(state_file, /*create=*/true);
  if (page.ok()) argv.push_back(absl::StrCat("--state_file=", state_file));
  int slot = supervisor_->Add("worker", std::move(argv));
  if (page.ok()) pages_.emplace(slot, *std::move(page));
  worker_slots_.push_back(slot);
  supervisor_->Start(slot, now);
}

Loss Session::LossOf(const WorkerEntry& w, proto::TaskStatus status,
                     std::string reason) const {
  Loss loss{status, std::move(reason), w.pid, std::nullopt};
  if (!w.slot) return loss;
  auto it = pages_.find(*w.slot);
  if (it == pages_.end()) return loss;
  // The worker is dead or stopped: its page holds its last word.
  const auto* state = static_cast<const proto::RunState*>(it->second.data());
  if (state->running.load(std::memory_order_acquire) != 0) {
    loss.running = std::make_pair(state->batch_id.load(), state->index.load());
  } else {
    loss.idle = true;
  }
  return loss;
}

void Session::Retire(WorkerEntry& w) {
  // --max-tasks-per-worker: its budget is spent and its last batch done.
  pool_->Send(w, proto::Shutdown{"recycled"});
  if (w.slot) supervisor_->Stop(*w.slot, base::Now(), 0, options_.grace);
  LoseWorker(w.id, Loss{});
}

base::Instant Session::NextTimer(base::Instant now) const {
  base::Instant next = now + std::chrono::seconds(10);
  auto consider = [&next](base::Instant t) { next = std::min(next, t); };
  consider(next_heartbeat_);
  if (phase_ == Phase::kRunning) consider(next_progress_);
  if (phase_ == Phase::kStarting) consider(startup_deadline_);
  if (phase_ == Phase::kStopping) consider(stop_deadline_);
  if (dashboard_) consider(dashboard_->next_publish());
  if (std::optional<base::Instant> t = supervisor_->NextDeadline()) consider(*t);
  pool_->ForEach([&](const WorkerEntry& w) { consider(w.expiry); });
  return next;
}

void Session::Loop() {
  while (phase_ != Phase::kDone) {
    const base::Instant now = base::Now();
    std::vector<zmq::pollitem_t> items;
    for (auto& p : ports_) items.push_back({p->socket().handle(), 0, ZMQ_POLLIN, 0});
    if (log_socket_) items.push_back({log_socket_->socket().handle(), 0, ZMQ_POLLIN, 0});
    items.push_back({nullptr, signals_->fd(), ZMQ_POLLIN, 0});
    items.push_back({nullptr, check_fd_, ZMQ_POLLIN, 0});
    const int timeout = base::MillisUntil(NextTimer(now), now, 10000);
    (void)proto::Poll(absl::MakeSpan(items), std::chrono::milliseconds(timeout));

    OnSignals();
    const base::Instant t = base::Now();
    for (size_t port = 0; port < ports_.size(); ++port) {
      for (int i = 0; i < kDrainPerWake; ++i) {
        absl::StatusOr<std::optional<proto::Parts>> in =
            ports_[port]->Recv(kMaxWorkerParts, zmq::recv_flags::dontwait);
        if (!in.ok()) {
          stats_.AddDropped(1);
          continue;
        }
        if (!in->has_value()) break;
        OnWorkerMessage(port, **in, t);
      }
    }
    for (int i = 0; log_socket_ && i < kDrainPerWake; ++i) {
      absl::StatusOr<std::optional<proto::Parts>> in =
          log_socket_->Recv(kMaxLoggerParts, zmq::recv_flags::dontwait);
      if (!in.ok()) {
        stats_.AddDropped(1);
        continue;
      }
      if (!in->has_value()) break;
      OnLoggerMessage(**in);
    }
    uint64_t done;
    if (read(check_fd_, &done, sizeof(done)) == sizeof(done)) FinishCheck();
    const base::Instant after = base::Now();
    OnTimers(after);
    Dispatch(after);
    MaybeFinish(base::Now());
  }
}

void Session::OnSignals() {
  for (int sig : signals_->Read()) {
    if (sig == SIGCHLD) {
      OnDeaths(base::Now());
      if (remote_ && phase_ < Phase::kStopping) {  // srun may have ended
        if (std::optional<std::string> why = remote_->LauncherFailed()) {
          Fail(kExitCrashLoop, *why);
        }
      }
      continue;
    }
    if (signal_ == 0) {
      signal_ = sig;
      std::fprintf(stderr,
                   "\ntaskfarm: SIG%s: finishing running tasks (up to %.0f s); "
                   "signal again to stop at once\n",
                   sigabbrev_np(sig), Seconds(options_.grace));
      Fail(128 + sig, absl::StrCat("interrupted by SIG", sigabbrev_np(sig)));
    } else {
      // Second signal: stop now.
      std::fprintf(stderr, "taskfarm: stopping now\n");
      if (phase_ != Phase::kStopping) BeginStopping(base::Now());
      for (int slot : worker_slots_) supervisor_->Kill(slot, SIGKILL);
      // The logger flushes what it has.
      if (logger_slot_ >= 0) supervisor_->Kill(logger_slot_, SIGTERM);
    }
  }
}

void Session::Fail(int exit_code, const std::string& message, bool at_once) {
  if (exit_code_ < 0 || exit_code == kExitCrashLoop) {
    exit_code_ = exit_code;
    outcome_ = message;
  }
  if (at_once) {
    // Running tasks are abandoned: their workers are stopped mid-task.
    for (int slot : worker_slots_) supervisor_->Kill(slot, SIGKILL);
  }
  if (phase_ != Phase::kStopping && phase_ != Phase::kDone) {
    BeginStopping(base::Now());
  }
}

void Session::CheckHalt() {
  const HaltPolicy& halt = options_.halt;
  if (halted_ || !halt.Triggered(stats_.not_ok(), stats_.ok(), io_.total())) return;
  halted_ = true;
  std::string why = absl::StrCat(
      "--halt=", halt.ToString(), ": ",
      halt.on_success ? absl::StrCat(stats_.ok(), " succeeded")
                      : absl::StrCat(stats_.not_ok(), " failed"));
  std::fprintf(stderr, "taskfarm: %s; stopping%s\n", why.c_str(),
               halt.when == HaltPolicy::When::kNow ? " now" : " when running tasks finish");
  const int code = halt.on_success ? kExitOk : kExitTasksFailed;
  Fail(code, absl::StrCat("halted (", why, ")"),
       /*at_once=*/halt.when == HaltPolicy::When::kNow);
}

void Session::OnTimers(base::Instant now) {
  if (now >= next_heartbeat_) {
    pool_->SendHeartbeats();
    next_heartbeat_ = now + options_.heartbeat;
  }
  if (phase_ == Phase::kRunning && now >= next_progress_) {
    SendProgress(now);
    next_progress_ = now + kProgressInterval;
  }
  if (phase_ == Phase::kStarting && now >= startup_deadline_) {
    Fail(kExitCrashLoop,
         absl::StrFormat("no worker said hello within %.0f s",
                         Seconds(options_.startup_timeout)));
  }
  // Silent workers, and workers past the time limit by their own account.
  for (WorkerId id : pool_->Expired(now)) {
    WorkerEntry* w = pool_->Get(id);
    std::string reason = absl::StrFormat(
        "no heartbeat for %.1f s", Seconds(options_.heartbeat * options_.liveness));
    if (w->slot) supervisor_->Kill(*w->slot, SIGSTOP);  // freeze its page
    if (!w->slot && remote_) {
      remote_->OnLost(*w, reason, dispatcher_.Unfinished(id), pool_->size() - 1);
    }
    Loss loss = LossOf(*w, proto::TaskStatus::kCrashed, reason);
    if (w->slot) supervisor_->Kill(*w->slot, SIGKILL);
    LoseWorker(id, loss);
  }
  supervisor_->Tick(now);
  if (dashboard_ && now >= dashboard_->next_publish()) PublishDashboard(now);
  if (phase_ == Phase::kStopping && now >= stop_deadline_) {
    if (!workers_killed_) {
      // Past the grace: workers still running are killed; the logger gets
      // a while longer to write what it was sent.
      workers_killed_ = true;
      for (int slot : worker_slots_) supervisor_->Kill(slot, SIGKILL);
      stop_deadline_ = now + kLoggerFlushTimeout;
    } else {
      sink_->SendShutdown();
      if (logger_slot_ >= 0) supervisor_->Stop(logger_slot_, now, SIGTERM, options_.grace);
      stop_deadline_ = base::Instant::max();
    }
  }
}

void Session::SendProgress(base::Instant now) {
  sink_->SendProgress(proto::Progress{
      io_.total(), stats_.done() + stats_.skipped(), stats_.not_ok(),
      static_cast<uint32_t>(pool_->size()),
      static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::milliseconds>(now - start_).count())});
}

void Session::BeginStopping(base::Instant now) {
  phase_ = Phase::kStopping;
  stop_deadline_ = now + options_.grace;
  pool_->ForEach([&](WorkerEntry& w) { pool_->Send(w, proto::Shutdown{"done"}); });
  for (int slot : worker_slots_) {
    // Workers that said hello were told to shut down; the others have no
    // tasks and are simply terminated.
    bool told = pool_->BySlot(slot) != nullptr;
    supervisor_->Stop(slot, now, told ? 0 : SIGTERM, options_.grace);
  }
  if (logger_slot_ >= 0 &&
      supervisor_->state(logger_slot_) == supervise::ChildState::kDown) {
    supervisor_->Stop(logger_slot_, now, 0, options_.grace);
  }
}

void Session::MaybeFinish(base::Instant now) {
  if (phase_ == Phase::kRunning && io_.source()->exhausted() &&
      dispatcher_.Idle()) {
    BeginStopping(now);
  }
  if (phase_ != Phase::kStopping) return;
  bool workers_gone = true;
  for (int slot : worker_slots_) {
    if (supervisor_->pid(slot) != 0) workers_gone = false;
  }
  if (workers_gone && logger_slot_ >= 0 && relay_->Empty() &&
      supervisor_->state(logger_slot_) == supervise::ChildState::kUp) {
    SendProgress(now);  // the final figures, for the progress line
    relay_->SendShutdown();
    supervisor_->Stop(logger_slot_, now, 0, kLoggerFlushTimeout);
  }
  if (supervisor_->AllExited()) {
    phase_ = Phase::kDone;
    if (exit_code_ < 0 && relay_ && !relay_->Empty()) {
      // Every child is gone, yet the logger never confirmed some records:
      // never report such a batch as done.
      exit_code_ = kExitOutputFailed;
      outcome_ = "the logger did not write every record";
    }
    if (exit_code_ < 0) {
      exit_code_ = stats_.not_ok() > 0 ? kExitTasksFailed : kExitOk;
      outcome_ = stats_.not_ok() > 0 ? "done; some tasks failed" : "done";
    }
  }
}

void Session::OnDeaths(base::Instant now) {
  for (const supervise::Death& d : supervisor_->Reap(now)) {
    std::string how = d.spawn_error.empty() ? d.status.ToString() : d.spawn_error;
    if (d.slot == logger_slot_) {
      relay_->Detach();
      if (d.was_stopping) continue;
      if (!d.status.signaled && d.status.code == 74) {
        supervisor_->GiveUp();
        Fail(kExitOutputFailed, "the output cannot be written");
        continue;
      }
      if (!d.status.signaled && d.status.code == kExitOutputClosed) {
        // Nobody reads the records any more (`| head -1`): stop, quietly.
        supervisor_->GiveUp();
        Fail(kExitOutputClosed, "the reader of the output went away",
             /*at_once=*/true);
        continue;
      }
      std::fprintf(stderr, "taskfarm: logger %d died (%s); restarting it\n",
                   d.pid, how.c_str());
      stats_.AddLoggerRestart();
      supervisor_->SetArgv(logger_slot_, LoggerArgv(false));
      if (!KilledFromOutside(d.status)) breaker_.RecordDeath(now);
      last_death_ = absl::StrCat("logger ", d.pid, ": ", how);
    } else {
      bool was_running = false;
      if (WorkerEntry* w = pool_->BySlot(d.slot)) {
        Loss loss = LossOf(*w, proto::TaskStatus::kCrashed, how);
        was_running = !loss.idle;
        LoseWorker(w->id, loss);
      }
      if (d.was_stopping) continue;
      stats_.AddWorkerDeath(d.slot);
      // A crash loop is made of deaths the workers bring on themselves: in a
      // task, or on their own at start-up. An idle worker killed from
      // outside (SIGKILL, SIGTERM) says nothing about the batch.
      if (was_running || !KilledFromOutside(d.status)) {
        breaker_.RecordDeath(now);
      } else {
        supervisor_->RestartSoon(d.slot, now);
      }
      last_death_ = absl::StrCat("worker ", d.pid, ": ", how,
                                 d.was_ready ? "" : " before saying hello");
    }
    if (breaker_.Tripped() && exit_code_ != kExitCrashLoop) {
      std::fprintf(stderr,
                   "taskfarm: crash loop: %zu deaths within %.0f s and no task "
                   "succeeded (last: %s); stopping\n",
                   breaker_.recent_deaths(), Seconds(options_.crash_loop_window),
                   last_death_.c_str());
      supervisor_->GiveUp();
      Fail(kExitCrashLoop, absl::StrCat("crash loop (last: ", last_death_, ")"),
           /*at_once=*/true);
    }
  }
}

void Session::LoseWorker(WorkerId id, const Loss& loss) {
  if (pool_->Get(id) == nullptr) return;
  Report(dispatcher_.RemoveWorker(id, loss));
  pool_->Remove(id);
}

void Session::Report(std::vector<LooseTask> quarantined) {
  for (LooseTask& t : quarantined) {
    const Kind& kind = kinds_->at(t.kind);
    quarantine_writer_.Clear();
    quarantine_writer_.AddPacked(t.id, kind.name, t.args, t.failure, t.reason,
                                 t.last_pid, t.attempts, 0);
    sink_->Push(proto::Frame(quarantine_writer_.Finish()));
    stats_.AddQuarantined(Stats::Quarantined{t.id, kind.name, t.failure,
                                             t.reason, t.attempts});
  }
  if (!quarantined.empty()) CheckHalt();
}

void Session::OnWorkerMessage(size_t port, proto::Parts& parts,
                              base::Instant now) {
  if (parts.size() < 2) {
    stats_.AddDropped(1);
    return;
  }
  const std::string identity(proto::View(parts[0]));
  absl::StatusOr<proto::Message> message = proto::Codec::Decode(proto::View(parts[1]));
  if (!message.ok()) {
    stats_.AddDropped(1);
    return;
  }
  if (const auto* hello = std::get_if<proto::Hello>(&*message)) {
    OnHello(port, identity, *hello, now);
    return;
  }
  WorkerEntry* w = pool_->ByIdentity(port, identity);
  if (w == nullptr) {
    stats_.AddDropped(1);  // a worker we declared lost, or a stranger
    if (port > 0 && remote_ && remote_->WasLost(identity)) {  // start afresh
      (void)ports_[port]->Send(
          {identity, proto::Codec::Encode(proto::Rejoin{"declared lost"})},
          zmq::send_flags::dontwait);
    }
    return;
  }
  pool_->Touch(*w, now);
  if (const auto* results = std::get_if<proto::Results>(&*message)) {
    OnResults(*w, *results, parts, now);
  } else if (const auto* fatal = std::get_if<proto::Fatal>(&*message)) {
    Report(dispatcher_.OnFatal(w->id, *fatal));
    // Answer on the socket it came from (the heartbeat thread reports
    // timeouts), so the worker knows its report arrived and exits now; its
    // replacement starts without the restart delay.
    (void)ports_[port]->Send(
        {identity, proto::Codec::Encode(proto::Shutdown{"fatal received"})});
    if (w->slot) supervisor_->RestartSoon(*w->slot, now);
    else LoseWorker(w->id, Loss{});  // remote: it exits now, no strike
  } else if (const auto* hb = std::get_if<proto::Heartbeat>(&*message)) {
    w->last_heartbeat = *hb;
    const uint64_t limit_ms = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(
            options_.timeout + 2 * options_.heartbeat).count());
    if (options_.timeout.count() > 0 && hb->batch_id != 0 &&
        hb->running_ms > limit_ms) {
      // The worker's own watchdog should have acted; do it for it.
      if (w->slot) supervisor_->Kill(*w->slot, SIGKILL);
      LoseWorker(w->id, Loss{proto::TaskStatus::kTimeout, "ran past --timeout",
                             w->pid, std::make_pair(hb->batch_id, hb->index)});
    }
  } else {
    stats_.AddDropped(1);
  }
}

void Session::OnHello(size_t port, const std::string& identity,
                      const proto::Hello& hello, base::Instant now) {
  if (pool_->ByIdentity(port, identity) != nullptr) return;  // repeated
  if (port > 0 && phase_ >= Phase::kStopping) {  // a remote worker, too late
    (void)ports_[port]->Send({identity, proto::Codec::Encode(proto::Shutdown{"done"})});
    return;
  }
  if (identity != "T" + hello.worker_id) {
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
      std::fprintf(stderr,
                   "taskfarm: refusing worker %lld on %s: it offers other task "
                   "kinds than the first worker\n",
                   static_cast<long long>(hello.pid), hello.host.c_str());
      (void)ports_[port]->Send(
          {identity, proto::Codec::Encode(proto::Shutdown{"different task kinds"})});
      return;
    }
  }
  std::optional<int> slot;
  if (port == 0) slot = supervisor_->SlotOfPid(static_cast<pid_t>(hello.pid));
  WorkerEntry& w = pool_->Add(port, hello, slot, now);
  if (slot) supervisor_->Ready(*slot, now);
  if (port > 0 && remote_) remote_->OnJoin(w);
  if (!kinds_) {
    absl::StatusOr<KindTable> table = KindTable::From(hello.kinds);
    if (!table.ok()) {
      Fail(kExitUsage, std::string(table.status().message()));
      return;
    }
    kinds_.emplace(*std::move(table));
    if (options_.list_tasks) {
      ListTasks();
      return;
    }
    StartCheck();
  }
  if (phase_ == Phase::kRunning) Welcome(w);
}

void Session::Welcome(WorkerEntry& w) {
  if (w.welcomed) return;
  w.welcomed = true;
  pool_->Send(w, proto::Welcome{
                     static_cast<uint32_t>(std::chrono::duration_cast<
                         std::chrono::milliseconds>(options_.heartbeat).count()),
                     options_.liveness,
                     static_cast<uint64_t>(std::chrono::duration_cast<
                         std::chrono::milliseconds>(options_.timeout).count()),
                     options_.max_memory_mb, options_.results_dir});
  dispatcher_.AddWorker(w.id, w.pid, options_.max_tasks_per_worker);
}

void Session::OnResults(WorkerEntry& w, const proto::Results& r,
                        proto::Parts& parts, base::Instant now) {
  std::optional<uint32_t> count =
      parts.size() == 3 ? FrameCount(parts[2]) : std::nullopt;
  if (!count || *count != r.count || !dispatcher_.OnResults(w.id, r)) {
    stats_.AddDropped(1);
    return;
  }
  stats_.AddResults(r, w.id, w.host, w.pid, w.slot.value_or(-1), proto::View(parts[2]));
  stats_.ResultsIn(now);
  w.tasks_done += r.count;
  if (r.by_status[0] > 0) breaker_.RecordSuccess();
  if (w.slot) supervisor_->Productive(*w.slot);
  sink_->Push(std::move(parts[2]));
  CheckHalt();
  if (w.retiring && !dispatcher_.Busy(w.id)) Retire(w);
}

void Session::OnLoggerMessage(proto::Parts& parts) {
  if (parts.size() != 2) return;
  absl::StatusOr<proto::Message> message = proto::Codec::Decode(proto::View(parts[1]));
  if (!message.ok()) {
    stats_.AddDropped(1);
    return;
  }
  if (const auto* ack = std::get_if<proto::Ack>(&*message)) {
    relay_->OnAck(ack->seq);
  } else if (std::holds_alternative<proto::LoggerHello>(*message)) {
    supervisor_->Ready(logger_slot_, base::Now());
    relay_->Attach(std::string(proto::View(parts[0])));
    relay_->SendProgress(proto::Progress{io_.total(), stats_.done(), 0, 0, 0});
  }
}

void Session::ListTasks() {
  size_t name_width = 4, sig_width = 9;
  for (const Kind& k : kinds_->kinds()) {
    name_width = std::max(name_width, k.name.size());
    sig_width = std::max(sig_width, k.signature.ToString().size());
  }
  std::printf("%-*s  %-*s  %s\n", static_cast<int>(name_width), "KIND",
              static_cast<int>(sig_width), "ARGUMENTS", "WHAT IT DOES");
  for (const Kind& k : kinds_->kinds()) {
    std::printf("%-*s  %-*s  %s\n", static_cast<int>(name_width), k.name.c_str(),
                static_cast<int>(sig_width), k.signature.ToString().c_str(),
                k.doc.c_str());
  }
  std::printf("\nArgument types: int, uint (>= 0), float, str; \"...\" repeats.\n");
  exit_code_ = kExitOk;
  outcome_ = "listed";
  BeginStopping(base::Now());
}

void Session::StartCheck() {
  phase_ = Phase::kChecking;
  check_thread_ = std::thread([this] {
    check_status_ = io_.Check(*kinds_, &check_errors_);
    uint64_t one = 1;
    ssize_t unused = write(check_fd_, &one, sizeof(one));
    (void)unused;
  });
}

void Session::FinishCheck() {
  check_thread_.join();
  if (phase_ != Phase::kChecking) return;  // stopping already
  if (!check_status_.ok()) {
    std::fprintf(stderr, "taskfarm: %s\n", std::string(check_status_.message()).c_str());
    Fail(kExitUsage, "bad input");
    return;
  }
  if (!check_errors_.empty()) {
    for (const std::string& e : check_errors_) std::fprintf(stderr, "%s\n", e.c_str());
    Fail(kExitUsage, "bad input");
    return;
  }
  if (absl::Status s = io_.OpenOutput(); !s.ok()) {
    std::fprintf(stderr, "taskfarm: %s\n", std::string(s.message()).c_str());
    Fail(kExitUsage, "bad output");
    return;
  }
  if (io_.demo()) {
    std::fprintf(stderr,
                 "taskfarm: no tasks given: running the demo batch \"%s\" "
                 "(see --help)\n",
                 kDemoTasks);
  }
  stats_.SetTotal(io_.total());
  if (io_.done() != nullptr) stats_.SetSkipped(io_.done()->size());
  if (logger_slot_ >= 0) supervisor_->Start(logger_slot_, base::Now());
  phase_ = Phase::kRunning;
  pool_->ForEach([&](WorkerEntry& w) { Welcome(w); });
}

void Session::Dispatch(base::Instant now) {
  if (phase_ != Phase::kRunning) return;
  TaskFeed* feed = io_.source();
  while (!sink_->Full()) {
    // Tasks left in the feed: known once the input was checked (if not,
    // batch sizes are not capped).
    const uint64_t fresh_left = io_.total() > feed->next_id()
                                    ? io_.total() - feed->next_id()
                                    : UINT64_MAX;
    std::optional<Dispatcher::Grant> grant =
        dispatcher_.NextGrant(!feed->exhausted(), fresh_left);
    if (!grant) break;
    writer_.Clear();
    uint64_t min_id = feed->next_id();
    uint32_t n = dispatcher_.TakeRequeued(*grant, &writer_, &min_id);
    if (!grant->isolated && n < grant->max_tasks && !feed->exhausted()) {
      // --keep-order: no task runs further than the reorder window ahead of
      // the lowest unfinished one, which bounds the logger's buffer.
      uint64_t id_limit = UINT64_MAX;
      if (options_.keep_order) {
        id_limit = dispatcher_.LowestPendingId().value_or(feed->next_id()) +
                   options_.reorder_window;
      }
      absl::StatusOr<uint32_t> added =
          feed->Fill(&writer_, grant->max_tasks - n, id_limit, io_.done());
      if (!added.ok()) {
        std::fprintf(stderr, "taskfarm: %s\n", std::string(added.status().message()).c_str());
        dispatcher_.Return(*grant);
        Fail(kExitUsage, "input error while running");
        return;
      }
      n += *added;
    }
    if (n == 0) {
      dispatcher_.Return(*grant);
      break;
    }
    auto body = std::make_shared<const std::string>(writer_.Finish());
    uint64_t batch_id = dispatcher_.Commit(*grant, body, n, min_id);
    WorkerEntry& w = *pool_->Get(grant->worker);
    pool_->SendTasks(w, batch_id, n, SharedFrame(body));
    stats_.TasksSent(now, body->size());
    if (dispatcher_.Spent(w.id) && !w.retiring) {
      // Its successor starts now, while it finishes: no capacity gap.
      w.retiring = true;
      if (w.slot) AddWorkerSlot(base::Now());
    }
  }
}

}  // namespace taskfarm::master
