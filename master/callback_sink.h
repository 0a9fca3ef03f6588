// File: master/callback_sink.h
//
// CallbackSink is the RecordSink (master/record_sink.h) of an embedded Farm:
// it decodes each records frame as it arrives and calls the caller's
// function once per record, in the master's thread. Nothing is buffered:
// a record counts as written when the callback returns. An id already
// delivered is not delivered again, and a frame that does not decode is
// counted and dropped (a bad frame never crashes the process).
//
// Use from one thread.

#ifndef TASKFARM_MASTER_CALLBACK_SINK_H_
#define TASKFARM_MASTER_CALLBACK_SINK_H_

#include <cstdint>
#include <functional>

#include <zmq.hpp>

#include "journal/id_set.h"
#include "master/record_sink.h"
#include "master/result.h"
#include "proto/batch.h"

namespace taskfarm::master {

class CallbackSink : public RecordSink {
 public:
  using Callback = std::function<void(const Result&)>;

  explicit CallbackSink(Callback callback) : callback_(std::move(callback)) {}
  CallbackSink(const CallbackSink&) = delete;
  CallbackSink& operator=(const CallbackSink&) = delete;

  void Push(zmq::message_t body) override;

  uint64_t delivered() const { return delivered_.size(); }
  // Records dropped: undecodable, or an id delivered before.
  uint64_t dropped() const { return dropped_; }

 private:
  Callback callback_;
  proto::RecordReader reader_;
  proto::RecordView view_;
  Result result_;  // reused: its strings keep their capacity
  journal::IdSet delivered_;
  uint64_t dropped_ = 0;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_CALLBACK_SINK_H_
