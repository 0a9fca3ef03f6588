// File: master/record_sink.h
//
// RecordSink is where the master sends the records of a batch: frames of
// result records exactly as the workers encoded them (proto/batch.h), plus
// the quarantine records the master writes itself. The master's own sink is
// LogRelay (master/log_relay.h), which hands them to the logger process and
// holds them until written; a program that embeds a Farm gets them through
// CallbackSink (master/callback_sink.h) instead, in its own process.
//
// Use from one thread.

#ifndef TASKFARM_MASTER_RECORD_SINK_H_
#define TASKFARM_MASTER_RECORD_SINK_H_

#include <zmq.hpp>

#include "proto/messages.h"

namespace taskfarm::master {

class RecordSink {
 public:
  virtual ~RecordSink() = default;

  // Takes one records frame (moved; no copy).
  virtual void Push(zmq::message_t body) = 0;
  // Too much is waiting to be written: hand out no more work for now.
  virtual bool Full() const = 0;
  // Everything pushed has been written.
  virtual bool Empty() const = 0;
  // How far the batch is (for a progress line); may be ignored.
  virtual void SendProgress(const proto::Progress& progress) = 0;
  // No more records will come: finish once everything is written.
  virtual void SendShutdown() = 0;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_RECORD_SINK_H_
