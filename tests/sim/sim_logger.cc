// SimLogger: a simulated logger process (see sim_processes.h), after
// logger/logger.cc and logger/sink.cc: it writes what it can decode of
// each Log, dropping ids already written, and, as the real logger does,
// counts a Log as done even when its frame did not decode.

#include <signal.h>

#include "absl/strings/str_cat.h"
#include "proto/codec.h"
#include "proto/contract.h"
#include "proto/transport.h"
#include "tests/sim/sim_processes.h"
#include "tests/sim/world.h"

namespace taskfarm::sim {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

}  // namespace

SimLogger::SimLogger(World* world, int slot, pid_t pid)
    : world_(world), slot_(slot), pid_(pid), identity_(proto::LoggerIdentity(pid)) {}

void SimLogger::Start(base::Duration delay) {
  world_->At(world_->now() + delay, [this, g = gen_] {
    if (g != gen_ || !alive_) return;
    world_->LoggerToMaster(*this, proto::Codec::Encode(proto::LoggerHello{pid_}));
  });
}

void SimLogger::OnLog(uint64_t seq, const zmq::message_t& records) {
  if (!alive_) return;
  if (world_->logger_fails_) {
    Exit(supervise::ExitStatus{false, proto::logger_exit::kOutputFailed});
    return;
  }
  absl::Status s = reader_.Open(proto::View(records));
  for (size_t i = 0; s.ok() && i < reader_.size(); ++i) {
    s = reader_.Get(i, &record_);
    if (!s.ok()) break;
    if (world_->output_.count(record_.id) != 0) continue;
    bool buffered = false;
    for (const auto& [id, status] : buffer_) buffered = buffered || id == record_.id;
    if (!buffered) buffer_.emplace_back(record_.id, record_.status);
  }
  buffered_seq_ = std::max(buffered_seq_, seq);
  if (flush_due_) return;
  flush_due_ = true;
  const base::Duration latency =
      world_->logger_slow_
          ? base::Duration(milliseconds(std::uniform_int_distribution<int>(300, 2000)(world_->rng())))
          : base::Duration(microseconds(std::uniform_int_distribution<int>(100, 1000)(world_->rng())));
  world_->At(world_->now() + latency, [this, g = gen_] {
    if (g == gen_ && alive_) Flush();
  });
}

void SimLogger::Flush() {
  flush_due_ = false;
  for (const auto& [id, status] : buffer_) world_->Written(id, status);
  buffer_.clear();
  written_seq_ = buffered_seq_;
  if (ack_due_) return;
  ack_due_ = true;
  world_->At(world_->now() + milliseconds(1), [this, g = gen_] {
    if (g == gen_ && alive_) Ack();
  });
}

void SimLogger::Ack() {
  ack_due_ = false;
  if (written_seq_ <= acked_seq_) return;
  acked_seq_ = written_seq_;
  world_->LoggerToMaster(*this, proto::Codec::Encode(proto::Ack{acked_seq_}));
}

void SimLogger::OnMessage(const proto::Message& message) {
  if (!alive_ || !std::holds_alternative<proto::Shutdown>(message)) return;
  Flush();
  Ack();
  Exit(supervise::ExitStatus{false, proto::logger_exit::kOk});
}

void SimLogger::Signal(int signal) {
  if (!alive_) return;
  if (signal == SIGKILL) {
    buffer_.clear();  // what was not written is lost with it
    Exit(supervise::ExitStatus{true, SIGKILL});
  } else if (signal == SIGTERM) {
    Flush();
    Ack();
    Exit(supervise::ExitStatus{false, proto::logger_exit::kOk});
  }
}

void SimLogger::Exit(supervise::ExitStatus status) {
  alive_ = false;
  ++gen_;
  world_->LoggerExited(*this, status);
}

}  // namespace taskfarm::sim
