#include "worker/heartbeat.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/clock.h"
#include "base/self_memory.h"
#include "proto/codec.h"
#include "proto/contract.h"
#include "proto/transport.h"
#include "worker/last_word.h"

namespace taskfarm::worker {
namespace {

uint64_t RssKb() {
  absl::StatusOr<base::MemoryUsage> usage = base::SelfMemory();
  return usage.ok() ? usage->resident_bytes / 1024 : 0;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             base::Now().time_since_epoch())
      .count();
}

}  // namespace

HeartbeatThread::HeartbeatThread(zmq::context_t& context, std::string endpoint,
                                 std::string worker_id, proto::RunState* state,
                                 std::function<absl::Status(zmq::socket_t&)> configure)
    : context_(context),
      endpoint_(std::move(endpoint)),
      worker_id_(std::move(worker_id)),
      state_(state),
      configure_(std::move(configure)) {}

HeartbeatThread::~HeartbeatThread() { Stop(); }

absl::Status HeartbeatThread::Start() {
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) {
    return absl::InternalError(absl::StrCat("eventfd: ", strerror(errno)));
  }
  master_seen_ms_.store(NowMs());
  thread_ = std::thread([this] { Loop(); });
  return absl::OkStatus();
}

int64_t HeartbeatThread::ms_since_master() const {
  return NowMs() - master_seen_ms_.load();
}

void HeartbeatThread::Configure(std::chrono::milliseconds interval,
                                uint32_t liveness, uint64_t timeout_ms) {
  interval_ms_.store(std::max<int64_t>(interval.count(), 1));
  liveness_.store(std::max<uint32_t>(liveness, 1));
  timeout_ms_.store(timeout_ms);
}

void HeartbeatThread::Stop() {
  if (!thread_.joinable()) return;
  stop_.store(true);
  uint64_t one = 1;
  ssize_t unused = write(wake_fd_, &one, sizeof(one));
  (void)unused;
  thread_.join();
  close(wake_fd_);
  wake_fd_ = -1;
}

void HeartbeatThread::Loop() {
  proto::Transport socket(context_, zmq::socket_type::dealer);
  socket.socket().set(zmq::sockopt::routing_id, proto::HeartbeatIdentity(worker_id_));
  absl::Status s = configure_ ? configure_(socket.socket()) : absl::OkStatus();
  if (s.ok()) s = socket.Connect(endpoint_);
  if (!s.ok()) {
    std::fprintf(stderr, "worker: heartbeat: %s\n",
                 std::string(s.message()).c_str());
    master_lost_.store(true);
    return;
  }
  // The first beat waits an interval: the hello, on the other socket, gets
  // there first (a heartbeat from a worker not yet known is dropped).
  int64_t next_beat = NowMs() + interval_ms_.load();
  while (!stop_.load()) {
    const int64_t now = NowMs();
    const int64_t interval = interval_ms_.load();
    const uint64_t timeout = timeout_ms_.load();
    const bool running = state_->running.load(std::memory_order_acquire) != 0;
    const uint64_t batch = running ? state_->batch_id.load() : 0;
    const int64_t running_ms =
        batch == 0 ? 0 : now - state_->started_ns.load() / 1'000'000;

    if (timeout > 0 && batch != 0 && running_ms > static_cast<int64_t>(timeout)) {
      proto::Fatal fatal{batch, state_->index.load(), proto::FatalKind::kTimeout,
                         absl::StrCat("ran past --timeout (", timeout, " ms)")};
      (void)SendLastWord(socket, fatal);
      std::fprintf(stderr, "worker %d: task ran past --timeout, exiting\n",
                   getpid());
      _exit(kExitTimeout);
    }
    if (now >= next_beat) {
      proto::Heartbeat hb{worker_id_, batch, state_->index.load(),
                          static_cast<uint64_t>(running_ms), RssKb(),
                          batches_.load(std::memory_order_relaxed)};
      (void)socket.Send({proto::Codec::Encode(hb)}, zmq::send_flags::dontwait);
      next_beat = now + interval;
    }
    if (now - master_seen_ms_.load() > interval * liveness_.load()) {
      master_lost_.store(true);
    }

    int64_t wait = next_beat - now;
    if (timeout > 0) wait = std::min<int64_t>(wait, std::max<int64_t>(timeout / 10, 1));
    std::vector<zmq::pollitem_t> items = {
        {socket.socket().handle(), 0, ZMQ_POLLIN, 0},
        {nullptr, wake_fd_, ZMQ_POLLIN, 0}};
    // EINTR or a terminating context: the loop condition decides.
    (void)proto::Poll(absl::MakeSpan(items),
                      std::chrono::milliseconds(std::max<int64_t>(wait, 0)));
    if (items[0].revents & ZMQ_POLLIN) {
      // Anything from the master proves it is alive; the content is a
      // Heartbeat, or a Rejoin when the master does not know us.
      while (true) {
        absl::StatusOr<std::optional<proto::Parts>> in =
            socket.Recv(4, zmq::recv_flags::dontwait);
        if (!in.ok() || !in->has_value()) break;
        master_seen_ms_.store(NowMs());
        master_lost_.store(false);
        heard_.store(true);
        absl::StatusOr<proto::MessageType> type =
            proto::Codec::PeekType(proto::View((**in)[0]));
        if (type.ok() && *type == proto::MessageType::kRejoin) rejoin_.store(true);
      }
    }
  }
}

}  // namespace taskfarm::worker
