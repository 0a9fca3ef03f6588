#include "worker/worker.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <optional>
#include <thread>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/clock.h"
#include "base/host_name.h"
#include "base/self_memory.h"
#include "base/shared_page.h"
#include "base/version.h"
#include "proto/batch.h"
#include "proto/codec.h"
#include "proto/contract.h"
#include "proto/run_state.h"
#include "proto/socket_monitor.h"
#include "proto/transport.h"
#include "tasks/registry.h"
#include "worker/asymmetric_fence.h"
#include "worker/flush_thread.h"
#include "worker/heartbeat.h"
#include "worker/last_word.h"
#include "worker/runner.h"

namespace taskfarm::worker {
namespace {

constexpr size_t kMaxParts = 2;  // header [+ body]
constexpr std::chrono::milliseconds kIdlePoll{250};

std::string RandomId() {
  absl::BitGen gen;
  return absl::StrFormat("%016x", absl::Uniform<uint64_t>(gen));
}

// Caps the address space at what the process uses now plus `mb`, so a task
// may allocate about `mb` megabytes before new throws std::bad_alloc.
void LimitMemory(uint64_t mb) {
  if (mb == 0) return;
  absl::StatusOr<base::MemoryUsage> usage = base::SelfMemory();
  rlim_t limit = static_cast<rlim_t>(usage.ok() ? usage->virtual_bytes : 0) +
                 (static_cast<rlim_t>(mb) << 20);
  rlimit rl{limit, limit};
  if (setrlimit(RLIMIT_AS, &rl) != 0) std::perror("worker: setrlimit");
}

class SocketSink : public ResultSink {
 public:
  explicit SocketSink(proto::Transport* socket) : socket_(socket) {}
  void Send(const proto::Results& header, absl::string_view body) override {
    proto::Parts parts;
    parts.push_back(proto::Frame(proto::Codec::Encode(header)));
    parts.push_back(proto::Frame(body));
    if (absl::Status s = socket_->Send(absl::MakeSpan(parts)); !s.ok()) {
      std::fprintf(stderr, "worker %d: cannot send results: %s\n", getpid(),
                   std::string(s.message()).c_str());
    }
  }

 private:
  proto::Transport* socket_;
};

// Tells the master that batch `batch_id` cannot be run here, and why.
void RefuseBatch(proto::Transport& socket, uint64_t batch_id,
                 const absl::Status& why) {
  std::fprintf(stderr, "worker %d: refusing batch %llu: %s\n", getpid(),
               static_cast<unsigned long long>(batch_id),
               std::string(why.message()).c_str());
  const std::string reason(why.message().substr(0, 4096));
  if (absl::Status s = socket.Send({proto::Codec::Encode(
          proto::BadBatch{.batch_id = batch_id, .reason = reason})});
      !s.ok()) {
    std::fprintf(stderr, "worker %d: cannot refuse batch %llu: %s\n", getpid(),
                 static_cast<unsigned long long>(batch_id),
                 std::string(s.message()).c_str());
  }
}

// Reports `fatal` (worker/last_word.h) and returns the exit code for it.
int ReportFatal(proto::Transport& socket, const proto::Fatal& fatal) {
  std::fprintf(stderr, "worker %d: %s\n", getpid(), fatal.reason.c_str());
  (void)SendLastWord(socket, fatal);
  return fatal.kind == proto::FatalKind::kOom ? kExitOutOfMemory
                                              : kExitTaskException;
}

}  // namespace

Worker::Worker(WorkerOptions options) : options_(std::move(options)) {}

struct Worker::Outcome {
  bool reconnect = false;  // else exit with `code`
  int code = kExitOk;
  bool welcomed = false;   // the connection had been welcomed
};

int Worker::Run() {
  // While this is the only thread (the Runner's fence registers again, at
  // no cost then).
  AsymmetricFence::Register();
  zmq::context_t context(1);
  // The running task is published in a page shared with a local master,
  // which reads it if this process dies; else in ordinary memory.
  std::optional<base::SharedPage> page;
  proto::RunState own_state;
  proto::RunState* state = &own_state;
  if (!options_.state_file.empty()) {
    absl::StatusOr<base::SharedPage> mapped =
        base::SharedPage::Map(options_.state_file, /*create=*/false);
    if (!mapped.ok()) {
      std::fprintf(stderr, "worker: %s\n", std::string(mapped.status().message()).c_str());
      return kExitUsage;
    }
    page.emplace(*std::move(mapped));
    state = new (page->data()) proto::RunState;
  }
  last_heard_ = base::Now();
  for (int attempt = 0;;) {
    Outcome outcome = Serve(context, state, attempt);
    if (!outcome.reconnect) return outcome.code;
    attempt = outcome.welcomed ? 0 : attempt + 1;
    const double silent = std::chrono::duration<double>(base::Now() - last_heard_).count();
    if (base::Now() - last_heard_ >= options_.master_timeout) {
      std::fprintf(stderr,
                   "worker %d: no answer from the master at %s for %.0f s "
                   "(--master-timeout)%s; giving up\n",
                   getpid(), options_.endpoint.c_str(), silent,
                   handshake_failures_ == 0
                       ? ""
                       : absl::StrCat(": ", handshake_failures_,
                                      " CURVE handshakes failed; is the "
                                      "master's public key right?").c_str());
      return kExitMasterLost;
    }
  }
}

Worker::Outcome Worker::Serve(zmq::context_t& context, proto::RunState* state,
                              int attempt) {
  const std::string id = RandomId();
  proto::Transport socket(context, zmq::socket_type::dealer);
  socket.socket().set(zmq::sockopt::routing_id, proto::TaskIdentity(id));
  socket.socket().set(zmq::sockopt::rcvhwm, 0);
  absl::Status configured =
      options_.configure ? options_.configure(socket.socket()) : absl::OkStatus();
  // A refused key shows only in the socket monitor (proto/socket_monitor.h).
  std::optional<proto::SocketMonitor> monitor;
  if (configured.ok() && options_.watch_handshake) {
    absl::StatusOr<proto::SocketMonitor> m = proto::SocketMonitor::Attach(
        context, socket.socket(),
        ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL |
            ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL);
    if (m.ok()) monitor.emplace(*std::move(m));
    else configured = m.status();
  }
  if (configured.ok()) configured = socket.Connect(options_.endpoint);
  if (!configured.ok()) {
    std::fprintf(stderr, "worker: %s\n", std::string(configured.message()).c_str());
    return {false, kExitUsage};
  }
  HeartbeatThread heartbeat(context, options_.endpoint, id, state,
                            options_.configure);
  if (absl::Status s = heartbeat.Start(); !s.ok()) {
    std::fprintf(stderr, "worker: %s\n", std::string(s.message()).c_str());
    return {false, kExitUsage};
  }

  proto::Hello hello{.worker_id = id,
                     .pid = getpid(),
                     .host = base::HostName().value_or("unknown"),
                     .cores = std::thread::hardware_concurrency(),
                     .version = base::kVersion};
  std::vector<const tasks::TaskDef*> kinds = tasks::TaskRegistry::Global()->List();
  for (const tasks::TaskDef* def : kinds) {
    hello.kinds.push_back({def->name, def->signature.ToString(), def->doc});
  }
  (void)socket.Send({proto::Codec::Encode(hello)});

  Runner runner(std::move(kinds), getpid(), tasks::Env{}, state);
  SocketSink sink(&socket);
  FlushThread flusher(&runner);  // sends results held behind a slow task
  proto::TaskBatchReader batch;
  std::deque<proto::Parts> queue;
  bool welcomed = false;
  // A remote worker waits longer at each attempt (within what is left of
  // --master-timeout); a local one, once.
  int64_t answer_timeout_ms = options_.hello_timeout.count();
  if (options_.reconnect) {
    const int64_t left = std::chrono::duration_cast<std::chrono::milliseconds>(
                             last_heard_ + options_.master_timeout - base::Now())
                             .count();
    answer_timeout_ms = std::clamp<int64_t>(int64_t{2000} << std::min(attempt, 2),
                                            0, std::max<int64_t>(left, 500));
  }
  auto lost = [&](const char* why) -> Outcome {
    if (heartbeat.heard()) {
      last_heard_ = std::max(last_heard_, base::Now() - std::chrono::milliseconds(
                                                            heartbeat.ms_since_master()));
    }
    if (options_.reconnect) {
      if (welcomed) {
        std::fprintf(stderr, "worker %d: %s; joining again\n", getpid(), why);
      }
      return {true, kExitMasterLost, welcomed};
    }
    std::fprintf(stderr, "worker %d: %s; exiting\n", getpid(), why);
    return {false, kExitMasterLost};
  };

  // Takes every message waiting into `queue`; says whether a Shutdown or a
  // Rejoin is among them. Either lets the running task finish, not the
  // batch. A Shutdown sets `shutdown_code`: kExitRecycled if the master
  // recycles this worker (a supervisor starts a new one), else kExitOk.
  enum class Waiting { kNothing, kShutdown, kRejoin };
  int shutdown_code = kExitOk;
  auto take_waiting = [&]() {
    for (;;) {
      absl::StatusOr<std::optional<proto::Parts>> in =
          socket.Recv(kMaxParts, zmq::recv_flags::dontwait);
      if (!in.ok()) {
        std::fprintf(stderr, "worker %d: dropped a message: %s\n", getpid(),
                     std::string(in.status().message()).c_str());
        continue;
      }
      if (!in->has_value()) break;
      last_heard_ = base::Now();
      queue.push_back(std::move(**in));
    }
    for (const proto::Parts& parts : queue) {
      absl::StatusOr<proto::MessageType> type =
          proto::Codec::PeekType(proto::View(parts[0]));
      if (type.ok() && *type == proto::MessageType::kShutdown) {
        absl::StatusOr<proto::Message> m = proto::Codec::Decode(proto::View(parts[0]));
        const auto* shutdown = m.ok() ? std::get_if<proto::Shutdown>(&*m) : nullptr;
        shutdown_code = shutdown != nullptr &&
                                shutdown->reason == proto::kShutdownRecycled
                            ? kExitRecycled
                            : kExitOk;
        return Waiting::kShutdown;
      }
      if (type.ok() && *type == proto::MessageType::kRejoin) return Waiting::kRejoin;
    }
    return Waiting::kNothing;
  };
  auto stop_requested = [&]() { return take_waiting() != Waiting::kNothing; };

  for (;;) {
    if (queue.empty()) {
      std::vector<zmq::pollitem_t> items = {
          {socket.socket().handle(), 0, ZMQ_POLLIN, 0}};
      if (monitor) items.push_back({monitor->socket().handle(), 0, ZMQ_POLLIN, 0});
      (void)proto::Poll(absl::MakeSpan(items), kIdlePoll);
      if (monitor) {
        for (const proto::SocketMonitor::Event& e : monitor->Drain()) {
          if (e.event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) {
            std::fprintf(stderr,
                         "worker %d: the master at %s refused this worker's "
                         "key (CURVE, status %u): its public key is not in the "
                         "master's allow-list\n",
                         getpid(), options_.endpoint.c_str(), e.value);
            return {false, kExitRefused};
          }
          ++handshake_failures_;
        }
      }
      if (heartbeat.rejoin_requested()) {
        return lost("the master no longer knows this worker (declared lost)");
      }
      if (!welcomed && heartbeat.ms_since_master() > answer_timeout_ms) {
        if (!options_.reconnect) {
          std::fprintf(stderr, "worker %d: no answer from the master at %s\n",
                       getpid(), options_.endpoint.c_str());
          return {false, kExitMasterLost};
        }
        return lost("no answer from the master");
      }
      if (welcomed && heartbeat.master_lost()) return lost("the master went silent");
    }
    // Take everything waiting, so a Shutdown behind queued batches counts.
    switch (take_waiting()) {
      case Waiting::kShutdown:
        return {false, shutdown_code};
      case Waiting::kRejoin:
        return lost("the master no longer knows this worker (declared lost)");
      case Waiting::kNothing:
        break;
    }
    if (queue.empty()) continue;
    proto::Parts parts = std::move(queue.front());
    queue.pop_front();
    absl::StatusOr<proto::MessageType> type =
        proto::Codec::PeekType(proto::View(parts[0]));
    if (type.ok() && *type == proto::MessageType::kTasks) heartbeat.BatchReceived();

    absl::StatusOr<proto::Message> message =
        proto::Codec::Decode(proto::View(parts[0]));
    if (!message.ok()) {
      if (type.ok() && *type == proto::MessageType::kTasks) {
        RefuseBatch(socket, 0, message.status());  // which one is unknown
      } else {
        std::fprintf(stderr, "worker %d: dropped a message: %s\n", getpid(),
                     std::string(message.status().message()).c_str());
      }
      continue;
    }
    if (const auto* welcome = std::get_if<proto::Welcome>(&*message)) {
      welcomed = true;
      heartbeat.Configure(std::chrono::milliseconds(welcome->heartbeat_ms),
                          welcome->liveness, welcome->timeout_ms);
      runner.set_env(tasks::Env{.results_dir = welcome->results_dir});
      if (!memory_limited_) LimitMemory(welcome->max_memory_mb);
      memory_limited_ = true;
    } else if (const auto* tasks = std::get_if<proto::Tasks>(&*message)) {
      absl::Status s = parts.size() == 2
                           ? batch.Open(proto::View(parts[1]))
                           : absl::InvalidArgumentError("no task body");
      if (!s.ok()) {
        RefuseBatch(socket, tasks->batch_id, s);
        continue;
      }
      if (std::optional<proto::Fatal> fatal =
              runner.Run(tasks->batch_id, batch, &sink, stop_requested)) {
        heartbeat.Stop();
        return {false, ReportFatal(socket, *fatal)};
      }
    }
  }
}

}  // namespace taskfarm::worker
