#include "master/session.h"

#include <sched.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "base/sha256.h"
#include "master/binaries.h"
#include "master/flag_checks.h"
#include "master/process_limits.h"
#include "master/stats_file.h"
#include "proto/contract.h"

namespace taskfarm::master {
namespace {

constexpr size_t kMaxWorkerParts = 3;  // identity, header, body
constexpr size_t kMaxLoggerParts = 2;  // identity, header
constexpr int kDrainPerWake = 256;     // messages per socket per wake-up

absl::StatusOr<std::unique_ptr<proto::Transport>> Router(zmq::context_t& context) {
  absl::StatusOr<std::unique_ptr<proto::Transport>> t =
      proto::Transport::Open(context, zmq::socket_type::router);
  if (!t.ok()) return t;
  (*t)->socket().set(zmq::sockopt::router_mandatory, true);
  (*t)->socket().set(zmq::sockopt::sndhwm, 0);
  (*t)->socket().set(zmq::sockopt::rcvhwm, 0);
  return t;
}

int UsableCpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
  return CPU_COUNT(&set);
}

}  // namespace

Session::Session(FarmOptions options, RecordSink* sink)
    : options_(std::move(options)), io_(options_), sink_(sink) {}

Session::~Session() {
  io_.Cancel();  // a check still reading (a FIFO's silent writer) stops now
  if (check_thread_.joinable()) check_thread_.join();
  if (check_fd_ >= 0) close(check_fd_);
  // Children first, then sockets, then the context.
  processes_.reset();
  remote_.reset();  // waits for the launcher; before the context goes
  core_.reset();
  log_socket_.reset();
  ports_.clear();
  context_.reset();
}

int Session::Run() {
  if (absl::Status s = Setup(); !s.ok()) {
    std::fprintf(stderr, "taskfarm: %s\n", std::string(s.message()).c_str());
    return proto::master_exit::kUsage;
  }
  core_->Start(base::Now());
  // The input check digests the task list as soon as the first worker says
  // hello: OpenSSL's start-up (about 1.5 ms, its configuration file read)
  // happens now instead, while that worker starts.
  base::Sha256::Preload();
  Loop();
  exit_code_ = core_->exit_code();
  WriteSummary();
  FinishDashboard();
  return exit_code_;
}

void Session::WriteSummary() {
  if (!core_->summary_wanted()) return;
  if (options_.summary) {
    core_->stats().PrintSummary(stderr, core_->restarts(), core_->outcome());
  }
  if (!options_.stats_json.empty()) {
    absl::Status s = WriteStatsFile(
        options_.stats_json,
        core_->stats().ToJson(core_->restarts(), core_->outcome(), exit_code_));
    if (!s.ok()) {
      Say(absl::StrCat("taskfarm: ", s.message()));
      // The batch's own verdict stands, unless it was a success: then what
      // was asked for was not all written.
      if (exit_code_ == kExitOk || exit_code_ == kExitTasksFailed) {
        exit_code_ = kExitOutputFailed;
      }
    }
  }
}

absl::Status Session::FindBinaries() {
  for (std::string* bin : {&options_.worker_bin, &options_.logger_bin}) {
    const char* name = bin == &options_.worker_bin ? "worker" : "logger";
    if (sink_ != nullptr && bin == &options_.logger_bin) continue;
    if (!bin->empty()) {
      // A typo fails now, not as a crash loop of children that cannot start.
      if (absl::Status s = CheckExecutable(absl::StrCat(name, "_bin"), *bin); !s.ok()) {
        return s;
      }
      continue;
    }
    absl::StatusOr<std::string> found = FindBinary(name);
    if (!found.ok()) return found.status();
    *bin = *found;
  }
  return absl::OkStatus();
}

absl::Status Session::OpenSockets() {
  context_ = std::make_unique<zmq::context_t>(1);
  absl::StatusOr<std::unique_ptr<proto::Transport>> work = Router(*context_);
  if (!work.ok()) return work.status();
  ports_.push_back(*std::move(work));
  if (absl::Status s = ports_[0]->Bind(rundir_->Endpoint("work")); !s.ok()) {
    return s;
  }
  if (options_.remote.enabled()) {  // remote workers: ports_[1] is tcp
    absl::StatusOr<std::unique_ptr<RemoteWorkers>> remote =
        RemoteWorkers::Open(*context_, options_);
    if (!remote.ok()) return remote.status();
    remote_ = *std::move(remote);
    ports_.push_back(remote_->TakePort());
  }
  if (sink_ == nullptr) {
    absl::StatusOr<std::unique_ptr<proto::Transport>> log = Router(*context_);
    if (!log.ok()) return log.status();
    log_socket_ = *std::move(log);
    if (absl::Status s = log_socket_->Bind(rundir_->Endpoint("log")); !s.ok()) {
      return s;
    }
  }
  std::vector<proto::Transport*> ports;
  for (auto& p : ports_) ports.push_back(p.get());
  sends_.emplace(std::move(ports), log_socket_.get());
  return absl::OkStatus();
}

absl::Status Session::Setup() {
  // Before ZeroMQ starts threads: they must inherit the blocked signals.
  absl::StatusOr<SignalFd> signals = SignalFd::Create();
  if (!signals.ok()) return signals.status();
  signals_.emplace(*std::move(signals));
  if (absl::Status s = FindBinaries(); !s.ok()) return s;
  absl::StatusOr<RuntimeDir> dir = RuntimeDir::Create();
  if (!dir.ok()) return dir.status();
  rundir_.emplace(*std::move(dir));
  if (absl::Status s = io_.Prepare(rundir_->path()); !s.ok()) return s;
  // Before ZeroMQ starts threads, which abort when they cannot.
  if (absl::Status s = EnsureLimits(options_.workers, options_.remote.enabled()); !s.ok()) {
    return s;
  }
  if (absl::Status s = OpenSockets(); !s.ok()) return s;
  check_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (options_.restart.max_starting <= 0) {
    // Workers start a few at a time, as many as there are CPUs: a large
    // --workers must not drown the machine (and the heartbeats) at once.
    options_.restart.max_starting = std::max(2, UsableCpus());
  }
  processes_.emplace(options_, *rundir_, io_.LoggerFlags());
  core_.emplace(options_, /*with_logger=*/sink_ == nullptr,
                static_cast<Outbox*>(this));
  return StartDashboard();
}

void Session::Loop() {
  while (!core_->done()) {
    const base::Instant now = base::Now();
    std::vector<zmq::pollitem_t> items;
    for (auto& p : ports_) items.push_back({p->socket().handle(), 0, ZMQ_POLLIN, 0});
    if (log_socket_) items.push_back({log_socket_->socket().handle(), 0, ZMQ_POLLIN, 0});
    items.push_back({nullptr, signals_->fd(), ZMQ_POLLIN, 0});
    items.push_back({nullptr, check_fd_, ZMQ_POLLIN, 0});
    const int timeout = base::MillisUntil(NextDeadline(now), now, 10000);
    (void)proto::Poll(absl::MakeSpan(items), std::chrono::milliseconds(timeout));
    const base::Instant t = base::Now();
    OnSignals(t);
    Drain(t);
    uint64_t done;
    if (read(check_fd_, &done, sizeof(done)) == sizeof(done)) {
      if (check_thread_.joinable()) check_thread_.join();
      core_->OnInputChecked(check_status_, std::move(check_errors_), t);
    }
    core_->Advance(base::Now());
    PublishDashboard(base::Now());
  }
}

void Session::OnSignals(base::Instant now) {
  for (int sig : signals_->Read()) {
    if (sig != SIGCHLD) {
      core_->OnSignal(sig, now);
      continue;
    }
    for (const auto& [slot, status] : processes_->Reap()) {
      core_->OnSlotExited(slot, status, now);
    }
    if (remote_) {
      if (std::optional<supervise::ExitStatus> st = remote_->LauncherExited()) {
        core_->OnLauncherExited(*st, now);
      }
    }
  }
}

void Session::Drain(base::Instant now) {
  for (size_t port = 0; port < ports_.size(); ++port) {
    for (int i = 0; i < kDrainPerWake; ++i) {
      absl::StatusOr<std::optional<proto::Parts>> in =
          ports_[port]->Recv(kMaxWorkerParts, zmq::recv_flags::dontwait);
      if (!in.ok()) {
        core_->OnUnreadable(1);
        continue;
      }
      if (!in->has_value()) break;
      core_->OnWorkerFrames(port, absl::MakeSpan(**in), now);
    }
  }
  for (int i = 0; log_socket_ && i < kDrainPerWake; ++i) {
    absl::StatusOr<std::optional<proto::Parts>> in =
        log_socket_->Recv(kMaxLoggerParts, zmq::recv_flags::dontwait);
    if (!in.ok()) {
      core_->OnUnreadable(1);
      continue;
    }
    if (!in->has_value()) break;
    core_->OnLoggerFrames(absl::MakeSpan(**in), now);
  }
}

void Session::SendTasks(size_t port, absl::string_view identity,
                        const proto::Tasks& header,
                        const std::shared_ptr<const std::string>& body) {
  sends_->SendTasks(port, identity, header, body);
}

void Session::SendToWorker(size_t port, absl::string_view identity,
                           const proto::Message& message) {
  sends_->SendToWorker(port, identity, message);
}

void Session::SendLog(absl::string_view logger, uint64_t seq,
                      const zmq::message_t& records) {
  sends_->SendLog(logger, seq, records);
}

void Session::SendToLogger(absl::string_view logger,
                           const proto::Message& message) {
  sends_->SendToLogger(logger, message);
}

void Session::Deliver(zmq::message_t records) { sink_->Push(std::move(records)); }

absl::StatusOr<Spawned> Session::StartSlot(int slot, const SlotSpec& spec) {
  return processes_->Start(slot, spec);
}

void Session::SignalSlot(int slot, pid_t pid, int signal) {
  processes_->Signal(slot, pid, signal);
}

void Session::CheckInput(const KindTable& kinds) {
  auto check = [this, &kinds] {
    check_status_ = io_.Check(kinds, &check_errors_);
    uint64_t one = 1;
    ssize_t unused = write(check_fd_, &one, sizeof(one));
    (void)unused;
  };
  try {
    check_thread_ = std::thread(check);
  } catch (const std::system_error&) {
    check();  // no thread to be had (ulimit -u): check here, blocking
  }
}

absl::StatusOr<InputReady> Session::OpenOutput() {
  if (absl::Status s = io_.OpenOutput(); !s.ok()) return s;
  return InputReady{io_.source(), io_.total(), io_.done(), io_.demo(), kDemoTasks};
}

void Session::Say(absl::string_view line) {
  std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
}

void Session::Print(absl::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
}

}  // namespace taskfarm::master
