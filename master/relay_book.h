// File: master/relay_book.h
//
// RelayBook keeps the books of the records on their way to the logger:
// every records frame (forwarded as the worker encoded it, or a quarantine
// record the master wrote) gets a sequence number and is held until the
// logger acknowledges it as written. When the logger dies, everything
// unacknowledged is sent again, in order, to its replacement (which drops
// ids it already wrote). Full() tells the master to hand out no more work
// while the logger is behind, which bounds the master's memory. It sends
// nothing itself: it says what the caller must send.
//
// Use from one thread.

#ifndef TASKFARM_MASTER_RELAY_BOOK_H_
#define TASKFARM_MASTER_RELAY_BOOK_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include <zmq.hpp>

#include "absl/strings/string_view.h"

namespace taskfarm::master {

class RelayBook {
 public:
  struct Entry {
    uint64_t seq = 0;
    zmq::message_t body;   // shared with what was sent: never copied
    uint32_t records = 0;  // how many records it holds
  };

  // At most `max_unacked_bytes` are held before Full() says so.
  explicit RelayBook(size_t max_unacked_bytes)
      : max_unacked_bytes_(max_unacked_bytes) {}
  RelayBook(const RelayBook&) = delete;
  RelayBook& operator=(const RelayBook&) = delete;

  // Queues a frame of `records` records (moved; its buffer is shared).
  // Returns it if it is to be sent now (a logger is attached).
  const Entry* Push(zmq::message_t body, uint32_t records);
  // A logger said hello from `routing_id`: the entries returned are to be
  // sent to it, in order.
  const std::deque<Entry>& Attach(std::string routing_id);
  // The logger is gone; records wait for the next one.
  void Detach() { logger_.reset(); }
  // The logger wrote everything up to `seq`. Returns false (and changes
  // nothing) if it claims a sequence number it was never sent.
  bool OnAck(uint64_t seq);

  const std::optional<std::string>& logger() const { return logger_; }
  bool Full() const { return unacked_bytes_ > max_unacked_bytes_; }
  bool Empty() const { return unacked_.empty(); }
  size_t unacked_bytes() const { return unacked_bytes_; }
  size_t unacked_frames() const { return unacked_.size(); }
  uint64_t records_pushed() const { return records_pushed_; }
  uint64_t records_acked() const { return records_acked_; }

 private:
  size_t max_unacked_bytes_;
  std::optional<std::string> logger_;
  std::deque<Entry> unacked_;
  size_t unacked_bytes_ = 0;
  uint64_t next_seq_ = 1;
  uint64_t acked_ = 0;
  uint64_t records_pushed_ = 0;
  uint64_t records_acked_ = 0;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_RELAY_BOOK_H_
