// World: the simulated clock and network, the master's outbox, and the
// faults of the schedule. The checks are in checks.cc.

#include "tests/sim/world.h"

#include <signal.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "proto/codec.h"
#include "proto/contract.h"
#include "proto/transport.h"
#include "tests/sim/sim_processes.h"

namespace taskfarm::sim {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

constexpr size_t kTraceLines = 20000;
constexpr size_t kSaysKept = 40;
constexpr uint64_t kMaxSteps = 3'000'000;
constexpr auto kMaxSimTime = std::chrono::hours(3);

int Uniform(std::mt19937_64& rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}

}  // namespace

// The input: the scenario's tasks, each of the kind of the same name, with
// its id as its one argument.
class World::Feed : public master::TaskFeed {
 public:
  explicit Feed(const Scenario& s) : s_(s) {}
  absl::StatusOr<uint32_t> Fill(proto::TaskBatchWriter* writer, uint32_t max,
                                uint64_t id_limit,
                                const journal::IdSet* skip) override {
    uint32_t added = 0;
    while (added < max && next_ < s_.tasks.size() && next_ < id_limit) {
      const uint64_t id = next_++;
      if (skip != nullptr && skip->Contains(id)) continue;
      const proto::Value arg = static_cast<int64_t>(id);
      writer->Add(id, static_cast<uint32_t>(s_.tasks[id].kind), {&arg, 1}, 1);
      ++added;
    }
    // Skipped ids at the end are handed out too.
    while (next_ < s_.tasks.size() && skip != nullptr && skip->Contains(next_) &&
           next_ < id_limit) {
      ++next_;
    }
    return added;
  }
  bool exhausted() const override { return next_ >= s_.tasks.size(); }
  uint64_t next_id() const override { return next_; }

 private:
  const Scenario& s_;
  uint64_t next_ = 0;
};

World::World(Scenario scenario, bool trace)
    : scenario_(std::move(scenario)),
      trace_on_(trace),
      rng_(scenario_.seed ^ 0x5151f00dULL),
      start_(base::Instant{} + std::chrono::hours(1)),
      now_(start_),
      feed_(std::make_unique<Feed>(scenario_)) {
  for (uint64_t id : scenario_.done_before) {
    done_before_.Add(id);
    output_[id] = proto::TaskStatus::kOk;
  }
  hosts_.resize(static_cast<size_t>(scenario_.remote_hosts));
}

World::~World() = default;

void World::At(base::Instant at, std::function<void()> fn) {
  events_.push(Event{std::max(at, now_), next_seq_++, std::move(fn)});
}

base::Duration World::Latency() { return microseconds(Uniform(rng_, 20, 500)); }

base::Instant World::Deliver(base::Instant* last) {
  const base::Instant at = std::max(now_ + Latency(), *last + std::chrono::nanoseconds(1));
  *last = at;
  return at;
}

void World::Network(int host, base::Instant at, std::function<void()> fn,
                    std::function<void()> on_cut) {
  if (host < 0) {
    At(at, std::move(fn));
    return;
  }
  At(at, [this, host, fn = std::move(fn), on_cut = std::move(on_cut)] {
    Host& h = hosts_[host];
    if (!h.cut) {
      fn();
      return;
    }
    if (on_cut) on_cut();
    if (h.hold) h.held.push_back(fn);
  });
}

void World::Trace(std::string line) {
  if (!trace_on_) return;
  trace_.push_back(absl::StrFormat("%9.3f ms  %s",
                                   std::chrono::duration<double, std::milli>(now_ - start_).count(),
                                   line));
  if (trace_.size() > kTraceLines) trace_.pop_front();
}

void World::Fail(std::string why) {
  if (!failure_) failure_ = std::move(why);
}

void World::Route(SimWorker* w, bool add) {
  for (const std::string* id : {&w->task_identity(), &w->heartbeat_identity()}) {
    if (add) {
      routes_[{w->port(), *id}] = w;
    } else {
      routes_.erase({w->port(), *id});
    }
  }
}

void World::ToMaster(SimWorker& w, bool heartbeat_socket, std::string header,
                     std::optional<std::string> body) {
  const base::Instant at = Deliver(&w.last_out[heartbeat_socket ? 1 : 0]);
  const size_t port = w.port();
  std::string identity = heartbeat_socket ? w.heartbeat_identity() : w.task_identity();
  if (trace_on_) {
    auto m = proto::Codec::Decode(header);
    Trace(absl::StrCat("worker ", w.pid(), " -> master: ",
                       m.ok() ? static_cast<int>(m->index()) : -1, " (",
                       identity, ")"));
  }
  // Results held up by a cut may reach the master after it gave their
  // tasks up (and blamed a lone one): trouble for them.
  std::function<void()> on_cut;
  if (body) {
    on_cut = [this, records = *body] {
      proto::RecordReader reader;
      proto::RecordView view;
      if (!reader.Open(records).ok()) return;
      for (size_t i = 0; i < reader.size(); ++i) {
        if (reader.Get(i, &view).ok()) TroubleFor(view.id);
      }
    };
  }
  Network(w.remote() ? w.host() : -1, at,
          [this, port, identity = std::move(identity), header = std::move(header),
           body = std::move(body)] {
            proto::Parts parts;
            parts.push_back(proto::Frame(identity));
            parts.push_back(proto::Frame(header));
            if (body) parts.push_back(proto::Frame(*body));
            core_->OnWorkerFrames(port, absl::MakeSpan(parts), now_);
          },
          std::move(on_cut));
}

void World::LoggerToMaster(SimLogger& l, std::string header) {
  const base::Instant at = Deliver(&logger_out_last_);
  At(at, [this, identity = l.identity(), header = std::move(header)] {
    proto::Parts parts;
    parts.push_back(proto::Frame(identity));
    parts.push_back(proto::Frame(header));
    auto m = proto::Codec::Decode(header);
    if (m.ok() && std::holds_alternative<proto::LoggerHello>(*m)) relay_live_ = true;
    core_->OnLoggerFrames(absl::MakeSpan(parts), now_);
  });
}

void World::Exited(SimWorker& w, supervise::ExitStatus status) {
  Trace(absl::StrCat(w.remote() ? "remote" : "local", " worker ", w.pid(),
                     " exited: ", status.ToString()));
  if (!w.remote()) {
    At(now_ + microseconds(50),
       [this, slot = w.slot(), status] { core_->OnSlotExited(slot, status, now_); });
    return;
  }
  // Its host's `worker --procs` (worker/procs.cc) decides: a process that
  // finished stays down; any other is restarted, a recycled one at once.
  namespace wx = proto::worker_exit;
  if (!status.signaled && (status.code == wx::kOk || status.code == wx::kUsage ||
                           status.code == wx::kMasterLost || status.code == wx::kRefused)) {
    return;
  }
  Host& h = hosts_[w.host()];
  const auto it = std::find(h.procs.begin(), h.procs.end(), &w);
  if (it == h.procs.end()) return;
  const bool announced = !status.signaled;
  StartRemote(w.host(), static_cast<int>(it - h.procs.begin()),
              announced ? milliseconds(10) : milliseconds(Uniform(rng_, 100, 500)));
}

void World::StartRemote(int host, int index, base::Duration delay) {
  Host& h = hosts_[host];
  if (h.procs.size() <= static_cast<size_t>(index)) h.procs.resize(index + 1);
  workers_.push_back(std::make_unique<SimWorker>(this, /*remote=*/true, host, -1,
                                                 next_pid_++, nullptr));
  h.procs[index] = workers_.back().get();
  h.procs[index]->Connect(delay + milliseconds(Uniform(rng_, 2, 30)));
}

void World::LoggerExited(SimLogger& l, supervise::ExitStatus status) {
  Trace(absl::StrCat("logger ", l.pid(), " exited: ", status.ToString()));
  At(now_ + microseconds(50), [this, slot = l.slot(), status] {
    relay_live_ = false;
    core_->OnSlotExited(slot, status, now_);
  });
}

void World::TaskStarted(uint64_t id) {
  if (trace_on_) Trace(absl::StrCat("task ", id, " starts"));
}

void World::TaskEnded(uint64_t id) {
  ++figures_.tasks_run;
  if (trace_on_) Trace(absl::StrCat("task ", id, " ends"));
}

void World::Written(uint64_t id, proto::TaskStatus status) {
  if (output_.count(id) != 0) {
    Fail(absl::StrCat("task ", id, " written twice to the output"));
    return;
  }
  output_[id] = status;
}

// master::Outbox.

void World::SendTasks(size_t port, absl::string_view identity,
                      const proto::Tasks& header,
                      const std::shared_ptr<const std::string>& body) {
  CheckTasksSent(*body);
  auto route = routes_.find({port, std::string(identity)});
  Trace(absl::StrCat("master -> ", identity, ": batch ", header.batch_id, " of ",
                     header.count));
  if (route == routes_.end()) {
    // To a connection that is gone (a ghost: a hello that arrived after its
    // worker had joined again): the master learns of it only when it
    // expires, and may then blame the batch's lone task.
    for (uint64_t id : sent_ids_) TroubleFor(id);
    return;
  }
  SimWorker* w = route->second;
  w->Assign(sent_ids_);
  if (w->stopped() || (w->remote() && hosts_[w->host()].cut)) {
    for (uint64_t id : sent_ids_) TroubleFor(id);  // it will be lost
  }
  const SimWorker::NextBatch how = std::exchange(w->next_batch, SimWorker::NextBatch::kOnTime);
  if (how == SimWorker::NextBatch::kLost) {
    Trace(absl::StrCat("batch ", header.batch_id, " is lost on the way"));
    return;
  }
  base::Instant at = Deliver(&w->last_in[0]);
  if (how == SimWorker::NextBatch::kLate) {
    // Held up (behind thousands of others, say) for longer than the
    // worker may seem idle; its heartbeats, on their own connection,
    // overtake it; what follows on this one waits behind it.
    const master::FarmOptions& o = scenario_.options;
    at = w->last_in[0] = std::max(at, now_ + 5 * o.heartbeat * o.liveness);
    Trace(absl::StrCat("batch ", header.batch_id, " is held up until ",
                       std::chrono::duration<double, std::milli>(at - start_).count(),
                       " ms"));
  }
  Network(w->remote() ? w->host() : -1, at,
          [w, g = w->gen(), message = proto::Message(header), body] {
            if (w->gen() == g) w->OnMessage(false, message, body);
          });
}

void World::SendToWorker(size_t port, absl::string_view identity,
                         const proto::Message& message) {
  auto route = routes_.find({port, std::string(identity)});
  if (trace_on_ && !std::holds_alternative<proto::Heartbeat>(message)) {
    Trace(absl::StrCat("master -> ", identity, ": message ", message.index()));
  }
  if (route == routes_.end()) return;
  SimWorker* w = route->second;
  const bool heartbeat_socket =
      !identity.empty() && identity[0] == proto::kHeartbeatPrefix[0];
  const base::Instant at = Deliver(&w->last_in[heartbeat_socket ? 1 : 0]);
  Network(w->remote() ? w->host() : -1, at,
          [w, g = w->gen(), message, heartbeat_socket] {
            if (w->gen() == g) w->OnMessage(heartbeat_socket, message, nullptr);
          });
}

void World::SendLog(absl::string_view logger, uint64_t seq,
                    const zmq::message_t& records) {
  OnRecords(records, seq);
  if (!logger_ || !logger_->alive() || logger_->identity() != logger) return;
  auto copy = std::make_shared<zmq::message_t>();
  copy->copy(const_cast<zmq::message_t&>(records));
  SimLogger* l = logger_.get();
  At(Deliver(&logger_in_last_), [l, seq, copy] { l->OnLog(seq, *copy); });
}

void World::SendToLogger(absl::string_view logger, const proto::Message& message) {
  if (!logger_ || !logger_->alive() || logger_->identity() != logger) return;
  SimLogger* l = logger_.get();
  At(Deliver(&logger_in_last_), [l, message] { l->OnMessage(message); });
}

void World::Deliver(zmq::message_t records) {
  OnRecords(records, ++delivered_seq_);
  proto::RecordReader reader;
  proto::RecordView view;
  if (!reader.Open(proto::View(records)).ok()) return;
  for (size_t i = 0; i < reader.size(); ++i) {
    if (!reader.Get(i, &view).ok()) return;
    if (output_.count(view.id) == 0) output_[view.id] = view.status;
  }
}

absl::StatusOr<master::Spawned> World::StartSlot(int slot,
                                                 const master::SlotSpec& spec) {
  max_slot_ = std::max(max_slot_, slot);
  if (spawn_failures_ > 0) {
    --spawn_failures_;
    Trace(absl::StrCat("spawn of slot ", slot, " fails"));
    return absl::ResourceExhaustedError("fork: Resource temporarily unavailable");
  }
  const pid_t pid = next_pid_++;
  const base::Duration delay = milliseconds(Uniform(rng_, 1, 30));
  Trace(absl::StrCat("slot ", slot, " starts pid ", pid));
  if (spec.role == master::SlotSpec::Role::kLogger) {
    if (logger_) dead_loggers_.push_back(std::move(logger_));
    logger_ = std::make_unique<SimLogger>(this, slot, pid);
    logger_->Start(delay);
    return master::Spawned{pid, std::nullopt};
  }
  master::Spawned spawned{pid, std::nullopt};
  if (spec.map_page) {
    absl::StatusOr<base::SharedPage> page = base::SharedPage::Anonymous();
    if (!page.ok()) return page.status();
    pages_[slot] = static_cast<proto::RunState*>(page->data());
    spawned.page.emplace(*std::move(page));
  }
  proto::RunState* state = pages_.count(slot) ? pages_[slot] : nullptr;
  workers_.push_back(std::make_unique<SimWorker>(this, false, -1, slot, pid, state));
  workers_.back()->Connect(delay);
  return spawned;
}

void World::SignalSlot(int slot, pid_t pid, int signal) {
  Trace(absl::StrCat("master signals slot ", slot, " pid ", pid, ": ", signal));
  if (logger_ && logger_->pid() == pid) {
    logger_->Signal(signal);
    return;
  }
  for (auto& w : workers_) {
    if (!w->remote() && w->alive() && w->pid() == pid) {
      w->Signal(signal, core_->phase() == master::Phase::kStopping && !w->stopped());
      return;
    }
  }
}

void World::CheckInput(const master::KindTable& kinds) {
  if (kinds.size() != static_cast<size_t>(kTaskKindCount)) {
    Fail("the master checks the input against other kinds than the workers'");
  }
  At(now_ + milliseconds(Uniform(rng_, 1, 20)), [this] {
    std::vector<std::string> errors;
    if (scenario_.bad_input) errors.push_back("tasks.txt:3: unknown task kind \"fbi\"");
    core_->OnInputChecked(absl::OkStatus(), std::move(errors), now_);
  });
}

absl::StatusOr<master::InputReady> World::OpenOutput() {
  return master::InputReady{feed_.get(), scenario_.tasks.size(),
                            scenario_.options.resume ? &done_before_ : nullptr,
                            false, ""};
}

void World::Say(absl::string_view line) {
  if (line.find("--halt=") != absl::string_view::npos) halted_ = true;
  says_.emplace_back(line);
  if (says_.size() > kSaysKept) says_.pop_front();
  Trace(absl::StrCat("master says: ", line));
}

void World::Print(absl::string_view) {}

RunResult World::Run() {
  core_ = std::make_unique<master::MasterCore>(scenario_.options,
                                               scenario_.with_logger, this);
  core_->Start(now_);
  for (int h = 0; h < scenario_.remote_hosts; ++h) {
    for (int i = 0; i < scenario_.procs_per_host; ++i) {
      StartRemote(h, i, milliseconds(Uniform(rng_, 0, 500)));
    }
  }
  uint64_t steps = 0;
  int idle_advances = 0;  // in a row, at the same instant, with nothing to do
  while (!core_->done() && !failure_) {
    if (++steps > kMaxSteps || now_ - start_ > kMaxSimTime) {
      Fail(absl::StrCat("the batch did not end within ", kMaxSteps, " steps and ",
                        std::chrono::duration_cast<std::chrono::hours>(kMaxSimTime).count(),
                        " simulated hours (at ",
                        std::chrono::duration_cast<milliseconds>(now_ - start_).count(),
                        " ms, phase ", master::PhaseName(core_->phase()), ")"));
      break;
    }
    const base::Instant deadline = core_->NextDeadline(now_);
    if (!events_.empty() && events_.top().at <= deadline) {
      Event e = std::move(const_cast<Event&>(events_.top()));
      events_.pop();
      now_ = std::max(now_, e.at);
      e.fn();
      ++figures_.events;
    } else {
      idle_advances = deadline <= now_ ? idle_advances + 1 : 0;
      if (idle_advances > 1000) {
        Fail(absl::StrCat("the master spins: its next deadline stays at ",
                          std::chrono::duration_cast<milliseconds>(now_ - start_).count(),
                          " ms and Advance changes nothing"));
        break;
      }
      now_ = std::max(now_, deadline);
    }
    core_->Advance(now_);
    ApplyFaults();
    CheckStep();
  }
  if (!failure_) CheckEnd();
  RunResult result;
  result.ok = !failure_;
  if (failure_) result.failure = *failure_;
  result.trace.assign(trace_.begin(), trace_.end());
  result.says.assign(says_.begin(), says_.end());
  result.exit_code = core_->done() ? core_->exit_code() : -1;
  figures_.sim_ms = static_cast<uint64_t>(
      std::chrono::duration_cast<milliseconds>(now_ - start_).count());
  result.figures = figures_;
  return result;
}

}  // namespace taskfarm::sim
