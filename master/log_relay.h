// File: master/log_relay.h
//
// LogRelay carries records from the master to the logger and keeps every
// one of them until the logger acknowledges it as written. Each records
// frame is forwarded as the worker sent it (the master never re-encodes a
// result), under a Log header with a sequence number. When the logger dies,
// everything unacknowledged is sent again, in order, to its replacement,
// which drops ids it already wrote. Full() tells the master to stop handing
// out work while the logger is behind, which bounds the master's memory.
// It is the master binary's RecordSink (master/record_sink.h).
//
// Use from one thread.

#ifndef TASKFARM_MASTER_LOG_RELAY_H_
#define TASKFARM_MASTER_LOG_RELAY_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include <zmq.hpp>

#include "master/record_sink.h"
#include "proto/messages.h"
#include "proto/transport.h"

namespace taskfarm::master {

class LogRelay : public RecordSink {
 public:
  // `socket` is the master's log ROUTER. At most `max_unacked_bytes` are
  // held before Full() says so.
  LogRelay(proto::Transport* socket, size_t max_unacked_bytes);
  LogRelay(const LogRelay&) = delete;
  LogRelay& operator=(const LogRelay&) = delete;

  // A logger said hello from `routing_id`: everything unacknowledged is
  // sent to it.
  void Attach(std::string routing_id);
  // The logger is gone; records wait for the next one.
  void Detach();
  bool attached() const { return logger_.has_value(); }

  // Queues a records frame (moved; the relay shares its buffer, no copy).
  void Push(zmq::message_t body) override;
  // The logger wrote everything up to `seq`.
  void OnAck(uint64_t seq);

  void SendProgress(const proto::Progress& progress) override;
  // Asks the logger to finish once it has written everything.
  void SendShutdown() override;

  bool Full() const override { return unacked_bytes_ > max_unacked_bytes_; }
  bool Empty() const override { return unacked_.empty(); }
  uint64_t acked_seq() const { return acked_; }
  // Records (not frames) pushed, and acknowledged as written.
  uint64_t records_pushed() const { return records_pushed_; }
  uint64_t records_acked() const { return records_acked_; }

 private:
  struct Entry {
    uint64_t seq;
    zmq::message_t body;
    uint32_t records;
  };
  void Send(const Entry& entry);

  proto::Transport* socket_;
  size_t max_unacked_bytes_;
  std::optional<std::string> logger_;
  std::deque<Entry> unacked_;
  size_t unacked_bytes_ = 0;
  uint64_t next_seq_ = 1;
  uint64_t acked_ = 0;
  uint64_t records_pushed_ = 0, records_acked_ = 0;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_LOG_RELAY_H_
