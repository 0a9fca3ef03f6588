// File: master/record_sink.h
//
// RecordSink is where an embedded Farm's records go when no logger process
// runs: frames of result records exactly as the workers encoded them
// (proto/batch.h), plus the quarantine records the master writes itself.
// CallbackSink (master/callback_sink.h) decodes them and calls the
// program's function; a record counts as written when Push returns.
//
// Use from one thread.

#ifndef TASKFARM_MASTER_RECORD_SINK_H_
#define TASKFARM_MASTER_RECORD_SINK_H_

#include <zmq.hpp>

namespace taskfarm::master {

class RecordSink {
 public:
  virtual ~RecordSink() = default;

  // Takes one records frame (moved; no copy).
  virtual void Push(zmq::message_t body) = 0;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_RECORD_SINK_H_
