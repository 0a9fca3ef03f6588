#include "master/relay_book.h"

namespace taskfarm::master {

const RelayBook::Entry* RelayBook::Push(zmq::message_t body, uint32_t records) {
  unacked_bytes_ += body.size();
  records_pushed_ += records;
  unacked_.push_back(Entry{next_seq_++, std::move(body), records});
  return logger_ ? &unacked_.back() : nullptr;
}

const std::deque<RelayBook::Entry>& RelayBook::Attach(std::string routing_id) {
  logger_ = std::move(routing_id);
  return unacked_;
}

bool RelayBook::OnAck(uint64_t seq) {
  if (seq >= next_seq_) return false;  // never sent: the logger lies
  if (seq <= acked_) return true;      // old news
  acked_ = seq;
  while (!unacked_.empty() && unacked_.front().seq <= seq) {
    unacked_bytes_ -= unacked_.front().body.size();
    records_acked_ += unacked_.front().records;
    unacked_.pop_front();
  }
  return true;
}

}  // namespace taskfarm::master
