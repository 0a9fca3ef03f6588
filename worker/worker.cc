#include "worker/worker.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <deque>
#include <optional>
#include <thread>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/clock.h"
#include "base/shared_page.h"
#include "base/version.h"
#include "proto/batch.h"
#include "proto/codec.h"
#include "proto/run_state.h"
#include "proto/transport.h"
#include "tasks/registry.h"
#include "worker/heartbeat.h"
#include "proto/run_state.h"
#include "worker/runner.h"

namespace taskfarm::worker {
namespace {

constexpr size_t kMaxParts = 2;  // header [+ body]
constexpr std::chrono::milliseconds kIdlePoll{250};

std::string RandomId() {
  absl::BitGen gen;
  return absl::StrFormat("%016x", absl::Uniform<uint64_t>(gen));
}

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "unknown";
  return name;
}

// Caps the address space at what the process uses now plus `mb`, so a task
// may allocate about `mb` megabytes before new throws std::bad_alloc.
void LimitMemory(uint64_t mb) {
  if (mb == 0) return;
  unsigned long pages = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%lu", &pages) != 1) pages = 0;
    std::fclose(f);
  }
  rlim_t limit = static_cast<rlim_t>(pages) *
                     static_cast<rlim_t>(sysconf(_SC_PAGESIZE)) +
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

// Sends `fatal`, waits (bounded) for the master's answer so the report is
// not lost with the process, and returns the exit code for it.
int ReportFatal(proto::Transport& socket, const proto::Fatal& fatal) {
  std::fprintf(stderr, "worker %d: %s\n", getpid(), fatal.reason.c_str());
  socket.socket().set(zmq::sockopt::linger, 1000);
  (void)socket.Send({proto::Codec::Encode(fatal)});
  zmq::pollitem_t item{socket.socket().handle(), 0, ZMQ_POLLIN, 0};
  (void)proto::Poll(absl::MakeSpan(&item, 1), std::chrono::milliseconds(1000));
  return fatal.kind == proto::FatalKind::kOom ? kExitOutOfMemory
                                              : kExitTaskException;
}

}  // namespace

Worker::Worker(WorkerOptions options) : options_(std::move(options)) {}

int Worker::Run() {
  const std::string id = RandomId();
  zmq::context_t context(1);
  proto::Transport socket(context, zmq::socket_type::dealer);
  socket.socket().set(zmq::sockopt::routing_id, "T" + id);
  socket.socket().set(zmq::sockopt::rcvhwm, 0);
  if (options_.configure) options_.configure(socket.socket());
  if (absl::Status s = socket.Connect(options_.endpoint); !s.ok()) {
    std::fprintf(stderr, "worker: %s\n", std::string(s.message()).c_str());
    return kExitUsage;
  }
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
  HeartbeatThread heartbeat(context, options_.endpoint, id, state,
                            options_.configure);
  if (absl::Status s = heartbeat.Start(); !s.ok()) {
    std::fprintf(stderr, "worker: %s\n", std::string(s.message()).c_str());
    return kExitUsage;
  }

  proto::Hello hello{.worker_id = id,
                     .pid = getpid(),
                     .host = HostName(),
                     .cores = std::thread::hardware_concurrency(),
                     .version = base::kVersion};
  std::vector<const tasks::TaskDef*> kinds = tasks::TaskRegistry::Global()->List();
  for (const tasks::TaskDef* def : kinds) {
    hello.kinds.push_back({def->name, def->signature.ToString(), def->doc});
  }
  (void)socket.Send({proto::Codec::Encode(hello)});

  Runner runner(std::move(kinds), getpid(), tasks::Env{}, state);
  SocketSink sink(&socket);
  proto::TaskBatchReader batch;
  std::deque<proto::Parts> queue;
  bool welcomed = false;

  // Takes every message waiting into `queue`; says whether a Shutdown is
  // among them. A shutdown lets the running task finish, not the batch.
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
      queue.push_back(std::move(**in));
    }
    for (const proto::Parts& parts : queue) {
      absl::StatusOr<proto::MessageType> type =
          proto::Codec::PeekType(proto::View(parts[0]));
      if (type.ok() && *type == proto::MessageType::kShutdown) return true;
    }
    return false;
  };

  for (;;) {
    if (queue.empty()) {
      zmq::pollitem_t item{socket.socket().handle(), 0, ZMQ_POLLIN, 0};
      (void)proto::Poll(absl::MakeSpan(&item, 1), kIdlePoll);
      if (!welcomed &&
          heartbeat.ms_since_master() > options_.hello_timeout.count()) {
        std::fprintf(stderr, "worker %d: no answer from the master at %s\n",
                     getpid(), options_.endpoint.c_str());
        return kExitMasterLost;
      }
      if (welcomed && heartbeat.master_lost()) {
        std::fprintf(stderr, "worker %d: the master went silent; exiting\n",
                     getpid());
        return kExitMasterLost;
      }
    }
    // Take everything waiting, so a Shutdown behind queued batches counts.
    if (take_waiting()) return kExitOk;
    if (queue.empty()) continue;
    proto::Parts parts = std::move(queue.front());
    queue.pop_front();

    absl::StatusOr<proto::Message> message =
        proto::Codec::Decode(proto::View(parts[0]));
    if (!message.ok()) {
      std::fprintf(stderr, "worker %d: dropped a message: %s\n", getpid(),
                   std::string(message.status().message()).c_str());
      continue;
    }
    if (const auto* welcome = std::get_if<proto::Welcome>(&*message)) {
      welcomed = true;
      heartbeat.Configure(std::chrono::milliseconds(welcome->heartbeat_ms),
                          welcome->liveness, welcome->timeout_ms);
      runner.set_env(tasks::Env{.results_dir = welcome->results_dir});
      LimitMemory(welcome->max_memory_mb);
    } else if (const auto* tasks = std::get_if<proto::Tasks>(&*message)) {
      absl::Status s = parts.size() == 2
                           ? batch.Open(proto::View(parts[1]))
                           : absl::InvalidArgumentError("no task body");
      if (!s.ok()) {
        std::fprintf(stderr, "worker %d: dropped batch %lu: %s\n", getpid(),
                     static_cast<unsigned long>(tasks->batch_id),
                     std::string(s.message()).c_str());
        continue;
      }
      if (std::optional<proto::Fatal> fatal =
              runner.Run(tasks->batch_id, batch, &sink, take_waiting)) {
        heartbeat.Stop();
        return ReportFatal(socket, *fatal);
      }
    }
  }
}

}  // namespace taskfarm::worker
