// File: master/signal_fd.h
//
// The master's SignalFd is supervise::SignalFd (supervise/signal_fd.h),
// shared with `worker --procs`, which supervises workers the same way.

#ifndef TASKFARM_MASTER_SIGNAL_FD_H_
#define TASKFARM_MASTER_SIGNAL_FD_H_

#include "supervise/signal_fd.h"

namespace taskfarm::master {

using SignalFd = supervise::SignalFd;

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_SIGNAL_FD_H_
