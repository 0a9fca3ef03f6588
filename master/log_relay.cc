#include "master/log_relay.h"

#include "proto/batch.h"
#include "proto/codec.h"

namespace taskfarm::master {

LogRelay::LogRelay(proto::Transport* socket, size_t max_unacked_bytes)
    : socket_(socket), max_unacked_bytes_(max_unacked_bytes) {}

void LogRelay::Attach(std::string routing_id) {
  logger_ = std::move(routing_id);
  for (const Entry& e : unacked_) Send(e);
}

void LogRelay::Detach() { logger_.reset(); }

void LogRelay::Send(const Entry& entry) {
  if (!logger_) return;
  proto::Parts parts;
  parts.push_back(proto::Frame(*logger_));
  parts.push_back(proto::Frame(proto::Codec::Encode(proto::Log{entry.seq})));
  zmq::message_t body;
  body.copy(const_cast<zmq::message_t&>(entry.body));  // shares the buffer
  parts.push_back(std::move(body));
  // A failure means the logger is gone; its death is handled on SIGCHLD and
  // the entry is resent to the next one.
  (void)socket_->Send(absl::MakeSpan(parts));
}

void LogRelay::Push(zmq::message_t body) {
  unacked_bytes_ += body.size();
  const uint32_t records = proto::ClaimedCount(proto::View(body)).value_or(0);
  records_pushed_ += records;
  unacked_.push_back(Entry{next_seq_++, std::move(body), records});
  Send(unacked_.back());
}

void LogRelay::OnAck(uint64_t seq) {
  if (seq <= acked_) return;
  acked_ = seq;
  while (!unacked_.empty() && unacked_.front().seq <= seq) {
    unacked_bytes_ -= unacked_.front().body.size();
    records_acked_ += unacked_.front().records;
    unacked_.pop_front();
  }
}

void LogRelay::SendProgress(const proto::Progress& progress) {
  if (!logger_) return;
  (void)socket_->Send({*logger_, proto::Codec::Encode(progress)},
                      zmq::send_flags::dontwait);
}

void LogRelay::SendShutdown() {
  if (!logger_) return;
  (void)socket_->Send({*logger_, proto::Codec::Encode(proto::Shutdown{"done"})});
}

}  // namespace taskfarm::master
