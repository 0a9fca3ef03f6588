#include "bench/sim/sim_worker.h"

#include <unistd.h>

#include <algorithm>
#include <optional>
#include <variant>

#include "absl/strings/str_format.h"
#include "base/version.h"
#include "proto/codec.h"
#include "proto/messages.h"

namespace taskfarm::bench {
namespace {

constexpr size_t kMaxParts = 2;  // header [+ body]
constexpr int64_t kPidBase = 10'000'000;
// The link's liveness, as worker/connection.cc sets it.
constexpr std::chrono::milliseconds kReapAfter{10000};
constexpr std::chrono::milliseconds kMaxReconnect{1000};

int64_t Nanos(base::Instant t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch())
      .count();
}

}  // namespace

SimWorker::SimWorker(zmq::context_t& context, const SimSettings& settings,
                     int index, SwarmCounters* counters, SwarmShared* shared)
    : context_(context),
      settings_(settings),
      index_(index),
      counters_(counters),
      shared_(shared),
      id_(absl::StrFormat("%08x%08x", static_cast<unsigned>(getpid()),
                          static_cast<unsigned>(index))),
      tasks_(context, zmq::socket_type::dealer),
      heartbeats_(context, zmq::socket_type::dealer) {}

absl::Status SimWorker::Start(base::Instant now) {
  for (auto [socket, prefix] : {std::pair{&tasks_, "T"}, std::pair{&heartbeats_, "H"}}) {
    socket->socket().set(zmq::sockopt::routing_id, prefix + id_);
    socket->socket().set(zmq::sockopt::rcvhwm, 0);
    if (absl::Status s = proto::ApplyCurveClient(socket->socket(),
                                                 settings_.master_public,
                                                 settings_.keys);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = proto::ApplyTcpLiveness(socket->socket(), kReapAfter,
                                                 kMaxReconnect);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = socket->Connect(settings_.endpoint); !s.ok()) return s;
  }
  proto::Hello hello{.worker_id = id_,
                     .pid = kPidBase + index_,
                     .host = settings_.host,
                     .cores = 1,
                     .version = base::kVersion};
  hello.kinds.push_back({kSwarmKind, "uint",
                         "held for --task_us by //bench:swarm; computes nothing"});
  if (absl::Status s = tasks_.Send({proto::Codec::Encode(hello)}); !s.ok()) return s;
  counters_->started.fetch_add(1, std::memory_order_relaxed);
  // As the real worker does: the first heartbeat an interval after the
  // hello, which must get there first.
  next_beat_ = now + beat_interval_;
  return absl::OkStatus();
}

int SimWorker::task_fd() { return tasks_.socket().get(zmq::sockopt::fd); }
int SimWorker::heartbeat_fd() { return heartbeats_.socket().get(zmq::sockopt::fd); }

void SimWorker::OnTaskSocket(base::Instant now) {
  for (;;) {
    absl::StatusOr<std::optional<proto::Parts>> in =
        tasks_.Recv(kMaxParts, zmq::recv_flags::dontwait);
    if (!in.ok()) {
      counters_->dropped.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    if (!in->has_value()) return;
    proto::Parts& parts = **in;
    absl::StatusOr<proto::Message> message = proto::Codec::Decode(proto::View(parts[0]));
    if (!message.ok()) {
      counters_->dropped.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    if (const auto* welcome = std::get_if<proto::Welcome>(&*message)) {
      if (!welcomed_) counters_->welcomed.fetch_add(1, std::memory_order_relaxed);
      welcomed_ = true;
      beat_interval_ = std::chrono::milliseconds(std::max<uint32_t>(welcome->heartbeat_ms, 1));
    } else if (const auto* tasks = std::get_if<proto::Tasks>(&*message)) {
      ++batches_;  // received, as worker/worker.cc counts it: said in beats
      if (parts.size() == 2) {
        OnTasks(*tasks, parts[1], now);
      } else {
        counters_->dropped.fetch_add(1, std::memory_order_relaxed);
      }
    } else if (std::holds_alternative<proto::Shutdown>(*message)) {
      counters_->shutdowns.fetch_add(1, std::memory_order_relaxed);
      finished_ = true;
    } else if (std::holds_alternative<proto::Rejoin>(*message)) {
      if (!finished_) counters_->rejoins.fetch_add(1, std::memory_order_relaxed);
      finished_ = true;
    }
  }
}

void SimWorker::OnHeartbeatSocket(base::Instant) {
  for (;;) {
    absl::StatusOr<std::optional<proto::Parts>> in =
        heartbeats_.Recv(kMaxParts, zmq::recv_flags::dontwait);
    if (!in.ok()) continue;
    if (!in->has_value()) return;
    absl::StatusOr<proto::MessageType> type = proto::Codec::PeekType(proto::View((**in)[0]));
    if (type.ok() && *type == proto::MessageType::kRejoin) {
      if (!finished_) counters_->rejoins.fetch_add(1, std::memory_order_relaxed);
      finished_ = true;
    }
  }
}

void SimWorker::OnTasks(const proto::Tasks& tasks, const zmq::message_t& body,
                        base::Instant now) {
  if (!reader_.Open(proto::View(body)).ok() || reader_.size() != tasks.count) {
    counters_->dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  counters_->batches.fetch_add(1, std::memory_order_relaxed);
  Held held{tasks.batch_id, tasks.count, {}, {}};
  held.ids.reserve(tasks.count);
  writer_.Clear();
  const auto task_us = static_cast<uint64_t>(settings_.task_time.count());
  for (size_t i = 0; i < reader_.size(); ++i) {
    if (!reader_.Get(i, &task_).ok()) {
      counters_->dropped.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    writer_.Add(task_.id, kSwarmKind, task_.args, proto::TaskStatus::kOk, "",
                kPidBase + index_, task_.attempt, task_us);
    held.ids.push_back(task_.id);
  }
  held.records = std::string(writer_.Finish());
  // It runs after the batches held before it, one task after the other.
  if (held_.empty()) running_until_ = now + settings_.task_time * tasks.count;
  held_.push_back(std::move(held));
}

void SimWorker::SendResults(const Held& held, base::Instant now) {
  proto::Results results{held.batch_id, 0, held.count,
                         static_cast<uint64_t>(settings_.task_time.count()) * held.count,
                         {}};
  results.by_status[static_cast<size_t>(proto::TaskStatus::kOk)] = held.count;
  const int64_t stamp = Nanos(now);
  for (uint64_t id : held.ids) {
    shared_->sent_ns[id % kStamps].store(stamp, std::memory_order_relaxed);
  }
  if (!tasks_.Send({proto::Codec::Encode(results), held.records}).ok()) {
    counters_->errors.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  counters_->tasks.fetch_add(held.count, std::memory_order_relaxed);
}

void SimWorker::OnTimer(base::Instant now) {
  if (finished_) return;
  while (!held_.empty() && running_until_ <= now) {
    SendResults(held_.front(), now);
    held_.pop_front();
    // The next batch starts now: a late loop never makes a worker faster
    // than one task per task_time.
    if (!held_.empty()) running_until_ = now + settings_.task_time * held_.front().count;
  }
  if (now >= next_beat_) {
    const bool running = !held_.empty();
    proto::Heartbeat beat{
        id_, running ? held_.front().batch_id : 0, 0,
        running ? static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            settings_.task_time)
                                            .count())
                : 0,
        0, batches_};
    if (!heartbeats_.Send({proto::Codec::Encode(beat)}, zmq::send_flags::dontwait).ok()) {
      counters_->errors.fetch_add(1, std::memory_order_relaxed);
    }
    if (last_beat_ != base::Instant{}) {
      const auto gap = now - last_beat_;
      if (gap > beat_interval_ * 3 / 2) {
        counters_->late_beats.fetch_add(1, std::memory_order_relaxed);
      }
      const auto gap_ms = static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::milliseconds>(gap).count());
      uint64_t seen = counters_->max_beat_gap_ms.load(std::memory_order_relaxed);
      while (gap_ms > seen &&
             !counters_->max_beat_gap_ms.compare_exchange_weak(seen, gap_ms)) {
      }
    }
    last_beat_ = now;
    next_beat_ = now + beat_interval_;
  }
}

base::Instant SimWorker::NextDue() const {
  if (finished_) return base::Instant::max();
  return held_.empty() ? next_beat_ : std::min(next_beat_, running_until_);
}

}  // namespace taskfarm::bench
