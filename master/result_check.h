// File: master/result_check.h
//
// ResultCheck checks a results frame from a worker against the batch it
// claims to answer, before the master counts a single result or relays the
// frame to the logger (which writes it as it is): the chunk follows on from
// what came before, the frame holds exactly the records the header counts,
// every record decodes, its id is the id of the task at its place in the
// batch, and the statuses add up to the header's counts. A frame that fails
// any of these comes from a buggy or hostile worker: the master drops it
// and runs its tasks again; nothing in it is ever acknowledged as written.
//
// The readers are reused from frame to frame: no allocation per record.
// Use from one thread.

#ifndef TASKFARM_MASTER_RESULT_CHECK_H_
#define TASKFARM_MASTER_RESULT_CHECK_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "master/dispatcher.h"
#include "master/durations.h"
#include "proto/batch.h"
#include "proto/messages.h"

namespace taskfarm::master {

class ResultCheck {
 public:
  // Checks `frame` (the records) against `header` and `batch`. Returns
  // kInvalidArgument saying what is wrong.
  absl::Status Check(const proto::Results& header, absl::string_view frame,
                     const Dispatcher::BatchView& batch);

  // After a successful Check: the records' compute times.
  const DurationHistogram& durations() const { return durations_; }

 private:
  proto::RecordScanner records_;
  proto::RecordHead record_;
  proto::TaskBatchReader tasks_;
  proto::TaskView task_;
  DurationHistogram durations_;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_RESULT_CHECK_H_
