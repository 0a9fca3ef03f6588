// MasterCore: the batch as a whole. Starting, the input check, signals,
// timers, stopping (with the grace and the logger's flush) and the end.
// Workers' messages are in master_core_workers.cc, heartbeats and lost
// workers in master_core_liveness.cc, slots and deaths in
// master_core_slots.cc.

#include "master/master_core.h"

#include <signal.h>
#include <string.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/signal_name.h"
#include "proto/contract.h"

namespace taskfarm::master {
namespace {

namespace exit = proto::master_exit;

constexpr std::chrono::milliseconds kProgressInterval{200};
constexpr std::chrono::seconds kLoggerFlushTimeout{10};
// With no worker connected: the first notice, then one every so often.
constexpr std::chrono::seconds kWaitingNotice{10};
constexpr std::chrono::seconds kWaitingNoticeEvery{60};

}  // namespace

MasterCore::MasterCore(FarmOptions options, bool with_logger, Outbox* outbox)
    : options_(std::move(options)),
      out_(outbox),
      with_logger_(with_logger),
      book_(options_.restart, this),
      workers_(options_.heartbeat * options_.liveness),
      dispatcher_(Dispatcher::Options{options_.window,
                                      options_.target_batch_time,
                                      options_.max_batch, options_.retries}),
      breaker_(options_.crash_loop_deaths, options_.crash_loop_window),
      relay_(options_.max_unacked_bytes) {
  // A dashboard lists the failed tasks with their messages.
  stats_.KeepFailures(options_.dashboard.enabled());
}

void MasterCore::Start(base::Instant now) {
  start_ = now;
  stats_.Start(now);
  if (with_logger_) {
    logger_slot_ = book_.Add();
    slots_.push_back(LocalSlot{SlotSpec::Role::kLogger});
  }
  // --list-tasks writes no records.
  const bool early_logger = logger_slot_ && !options_.list_tasks;
  // The logger starts with the first worker, not after the input check: its
  // start-up overlaps the worker's and the check's. It is welcomed (and
  // opens the output) once the input checked out (WelcomeLogger).
  for (int i = 0; i < options_.workers; ++i) {
    AddWorkerSlot(now);
    if (i == 0 && early_logger) book_.Start(*logger_slot_, now);
  }
  if (options_.workers <= 0 && !options_.remote.enabled()) {
    // No worker, and no way to get one.
    out_->Say("taskfarm: no workers: --workers=0 and no --listen for remote ones");
    Stop(StopReason{exit::kUsage, "no workers"}, false, now);
  } else if (options_.workers <= 0 && early_logger) {
    book_.Start(*logger_slot_, now);  // remote workers only
  }
  if (options_.startup_timeout.count() > 0) {
    startup_deadline_ = now + options_.startup_timeout;
  }
  next_heartbeat_ = now + options_.heartbeat;
  HandleDeaths(now);
}

void MasterCore::Enter(PhaseEvent event) { phase_ = Next(phase_, event); }

void MasterCore::Advance(base::Instant now) {
  OnTimers(now);
  HandleDeaths(now);
  Dispatch(now);
  MaybeFinish(now);
}

base::Instant MasterCore::NextDeadline(base::Instant now) const {
  base::Instant next = now + std::chrono::seconds(10);
  auto consider = [&next](base::Instant t) { next = std::min(next, t); };
  consider(next_heartbeat_);
  if (phase_ == Phase::kRunning) consider(next_progress_);
  if (phase_ == Phase::kStarting) consider(startup_deadline_);
  if (phase_ == Phase::kStopping) consider(stop_deadline_);
  if (waiting_since_) consider(next_waiting_notice_);
  if (std::optional<base::Instant> t = book_.NextDeadline()) consider(*t);
  consider(workers_.NextExpiry());
  return next;
}

void MasterCore::OnSignal(int signal, base::Instant now) {
  if (signal_ == 0) {
    signal_ = signal;
    out_->Say(absl::StrFormat(
        "\ntaskfarm: %s: finishing running tasks (up to %.0f s); signal "
        "again to stop at once",
        base::SignalName(signal), base::Seconds(options_.grace)));
    Stop(StopReason{exit::kSignalBase + signal,
                    absl::StrCat("interrupted by ", base::SignalName(signal))},
         /*at_once=*/false, now);
    return;
  }
  // Second signal: stop now.
  out_->Say("taskfarm: stopping now");
  if (phase_ != Phase::kStopping && phase_ != Phase::kDone) BeginStopping(now);
  KillWorkers(SIGKILL);
  // The logger flushes what it has.
  if (logger_slot_) book_.Kill(*logger_slot_, SIGTERM);
}

void MasterCore::OnInputChecked(absl::Status status,
                                std::vector<std::string> errors,
                                base::Instant now) {
  if (phase_ != Phase::kChecking) return;  // stopping already
  if (!status.ok()) {
    out_->Say(absl::StrCat("taskfarm: ", status.message()));
    Stop(StopReason{exit::kUsage, "bad input"}, false, now);
    return;
  }
  if (!errors.empty()) {
    for (const std::string& e : errors) out_->Say(e);
    Stop(StopReason{exit::kUsage, "bad input"}, false, now);
    return;
  }
  absl::StatusOr<InputReady> ready = out_->OpenOutput();
  if (!ready.ok()) {
    out_->Say(absl::StrCat("taskfarm: ", ready.status().message()));
    Stop(StopReason{exit::kUsage, "bad output"}, false, now);
    return;
  }
  input_ = *ready;
  if (input_.demo) {
    out_->Say(absl::StrFormat(
        "taskfarm: no tasks given: running the demo batch \"%s\" (see --help)",
        input_.demo_tasks));
  }
  stats_.SetTotal(input_.total);
  if (input_.done != nullptr) stats_.SetSkipped(input_.done->size());
  Enter(PhaseEvent::kInputOk);
  input_ok_ = true;
  if (relay_.logger()) WelcomeLogger(*relay_.logger());
  workers_.ForEach([&](WorkerEntry& w) { Welcome(w); });
  HandleDeaths(now);
}

void MasterCore::OnLauncherExited(supervise::ExitStatus status,
                                  base::Instant now) {
  if (phase_ == Phase::kStopping || phase_ == Phase::kDone) return;
  std::string why = absl::StrCat("srun ended (", status.ToString(),
                                 ") while the batch was running");
  if (options_.workers > 0) {
    out_->Say(absl::StrCat("taskfarm: ", why,
                           "; the batch goes on with the local workers"));
    return;
  }
  out_->Say(absl::StrCat("taskfarm: ", why,
                         "; with --workers=0 no worker is left: stopping"));
  Stop(StopReason{exit::kCrashLoop, why}, false, now);
}

void MasterCore::ListTasks(base::Instant now) {
  size_t name_width = 4, sig_width = 9;
  for (const Kind& k : kinds_->kinds()) {
    name_width = std::max(name_width, k.name.size());
    sig_width = std::max(sig_width, k.signature.ToString().size());
  }
  const int nw = static_cast<int>(name_width), sw = static_cast<int>(sig_width);
  std::string text =
      absl::StrFormat("%-*s  %-*s  %s\n", nw, "KIND", sw, "ARGUMENTS", "WHAT IT DOES");
  for (const Kind& k : kinds_->kinds()) {
    absl::StrAppendFormat(&text, "%-*s  %-*s  %s\n", nw, k.name, sw,
                          k.signature.ToString(), k.doc);
  }
  text += "\nArgument types: int, uint (>= 0), float, str; \"...\" repeats.\n";
  out_->Print(text);
  Stop(StopReason{exit::kOk, "listed"}, false, now);
}

void MasterCore::Stop(StopReason reason, bool at_once, base::Instant now) {
  stop_ = Prevailing(stop_, std::move(reason));
  if (phase_ != Phase::kStopping && phase_ != Phase::kDone) BeginStopping(now);
  // Running tasks are abandoned: their workers are stopped mid-task.
  if (at_once) KillWorkers(SIGKILL);
}

void MasterCore::KillWorkers(int signal) {
  for (int slot = 0; slot < static_cast<int>(slots_.size()); ++slot) {
    if (slots_[slot].role == SlotSpec::Role::kWorker) book_.Kill(slot, signal);
  }
}

void MasterCore::BeginStopping(base::Instant now) {
  Enter(phase_ == Phase::kRunning && !stop_ ? PhaseEvent::kBatchDone
                                            : PhaseEvent::kStop);
  stop_deadline_ = now + options_.grace;
  workers_.ForEach([&](const WorkerEntry& w) {
    out_->SendToWorker(w.port, w.task_identity,
                       proto::Shutdown{proto::kShutdownDone});
  });
  for (int slot = 0; slot < static_cast<int>(slots_.size()); ++slot) {
    const LocalSlot& s = slots_[slot];
    if (s.role != SlotSpec::Role::kWorker) continue;
    // Workers that said hello were told to shut down; the others have no
    // tasks and are simply terminated.
    const bool told = s.worker && workers_.Get(*s.worker) != nullptr;
    book_.Stop(slot, now, told ? 0 : SIGTERM, options_.grace);
  }
}

void MasterCore::CheckHalt(base::Instant now) {
  const HaltPolicy& halt = options_.halt;
  if (halted_ ||
      !halt.Triggered(stats_.not_ok(), stats_.ok(), input_.total)) {
    return;
  }
  halted_ = true;
  std::string why = absl::StrCat(
      "--halt=", halt.ToString(), ": ",
      halt.on_success ? absl::StrCat(stats_.ok(), " succeeded")
                      : absl::StrCat(stats_.not_ok(), " failed"));
  out_->Say(absl::StrCat("taskfarm: ", why, "; stopping",
                         halt.when == HaltPolicy::When::kNow
                             ? " now"
                             : " when running tasks finish"));
  const int code = halt.on_success ? exit::kOk : exit::kTasksFailed;
  Stop(StopReason{code, absl::StrCat("halted (", why, ")")},
       /*at_once=*/halt.when == HaltPolicy::When::kNow, now);
}

void MasterCore::OnTimers(base::Instant now) {
  if (now >= next_heartbeat_) {
    workers_.ForEach([&](const WorkerEntry& w) {
      out_->SendToWorker(w.port, w.heartbeat_identity, proto::Heartbeat{});
    });
    next_heartbeat_ = now + options_.heartbeat;
  }
  if (phase_ == Phase::kRunning && now >= next_progress_) {
    SendProgress(now);
    next_progress_ = now + kProgressInterval;
  }
  if (phase_ == Phase::kStarting && now >= startup_deadline_) {
    Stop(StopReason{exit::kCrashLoop,
                    absl::StrFormat("no worker said hello within %.0f s",
                                    base::Seconds(options_.startup_timeout))},
         false, now);
  }
  CheckLiveness(now);
  NoticeWaiting(now);
  book_.Tick(now);
  if (phase_ == Phase::kStopping && now >= stop_deadline_) {
    if (!workers_killed_) {
      // Past the grace: workers still running are killed; the logger gets
      // a while longer to write what it was sent.
      workers_killed_ = true;
      KillWorkers(SIGKILL);
      stop_deadline_ = now + kLoggerFlushTimeout;
    } else {
      CloseLogger();
      if (logger_slot_) book_.Stop(*logger_slot_, now, SIGTERM, options_.grace);
      stop_deadline_ = base::Instant::max();
    }
  }
}

void MasterCore::CloseLogger() {
  // Records that come later (a remote worker's last results) would not be
  // written: they are not relayed; their tasks count as never reported.
  logger_closing_ = true;
  if (relay_.logger()) {
    out_->SendToLogger(*relay_.logger(), proto::Shutdown{proto::kShutdownDone});
  }
}

void MasterCore::NoticeWaiting(base::Instant now) {
  // Tasks to run, and nobody to run them but remote workers that may join:
  // say so, now and then, rather than wait in silence.
  const bool waiting = phase_ == Phase::kRunning && workers_.size() == 0 &&
                       options_.remote.enabled() && WorkerSlotsGone() &&
                       book_.starting() == 0;
  if (!waiting) {
    waiting_since_.reset();
    return;
  }
  if (!waiting_since_) {
    waiting_since_ = now;
    next_waiting_notice_ = now + kWaitingNotice;
  }
  if (now < next_waiting_notice_) return;
  next_waiting_notice_ = now + kWaitingNoticeEvery;
  const uint64_t left =
      input_.total > stats_.done() + stats_.skipped()
          ? input_.total - stats_.done() - stats_.skipped()
          : 0;
  out_->Say(absl::StrFormat(
      "taskfarm: no worker connected for %.0f s: waiting for remote workers "
      "to join (%d tasks to go)",
      base::Seconds(now - *waiting_since_), left));
}

void MasterCore::SendProgress(base::Instant now) {
  if (!relay_.logger()) return;
  out_->SendToLogger(
      *relay_.logger(),
      proto::Progress{input_.total, stats_.done() + stats_.skipped(),
                      stats_.not_ok(), static_cast<uint32_t>(workers_.size()),
                      base::Millis(now - start_)});
}

void MasterCore::MaybeFinish(base::Instant now) {
  if (phase_ == Phase::kRunning && input_.feed->exhausted() &&
      dispatcher_.Idle()) {
    BeginStopping(now);
  }
  if (phase_ != Phase::kStopping) return;
  // The logger finishes once no worker, local or remote, can send a result
  // any more (or the grace ran out) and it wrote everything.
  bool remote_busy = false;
  workers_.ForEach([&](const WorkerEntry& w) {
    remote_busy = remote_busy || (w.port > 0 && dispatcher_.Busy(w.id));
  });
  if (WorkerSlotsGone() && (!remote_busy || workers_killed_) && logger_slot_ &&
      relay_.Empty() && book_.state(*logger_slot_) == supervise::ChildState::kUp) {
    SendProgress(now);  // the final figures, for the progress line
    CloseLogger();
    book_.Stop(*logger_slot_, now, 0, kLoggerFlushTimeout);
  }
  if (WorkerSlotsGone() && logger_slot_ && !input_ok_ && LoggerNotYetUp()) {
    // Stopped before the input checked out: a logger not yet connected (or
    // not to be had) has nothing to write; it is not waited for.
    book_.Stop(*logger_slot_, now, SIGTERM, kLoggerFlushTimeout);
  }
  if (book_.AllExited()) {
    Enter(PhaseEvent::kAllExited);
    stats_.Finish(now);
    stats_.SetWritten(with_logger_ ? relay_.records_acked() : records_delivered_);
    final_ = FinalOutcome(stop_, !with_logger_ || relay_.Empty(),
                          stats_.not_ok());
  }
}

bool MasterCore::LoggerNotYetUp() const {
  using supervise::ChildState;
  const ChildState st = book_.state(*logger_slot_);
  return st == ChildState::kPending || st == ChildState::kStarting ||
         st == ChildState::kBackoff || st == ChildState::kHung;
}

bool MasterCore::summary_wanted() const {
  return !options_.list_tasks && final_.code != exit::kUsage;
}

}  // namespace taskfarm::master
