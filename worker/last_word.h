// File: worker/last_word.h
//
// SendLastWord: how a worker that is about to exit makes sure its last
// message (a Fatal: the task that kills it) reaches the master. ZeroMQ can
// drop what a process sends just before it exits (see BUILDING.md), so the
// message goes out with a linger, and the worker waits, bounded, for the
// master's answer, which says the report arrived. Both the main thread (a
// task threw) and the heartbeat thread (a task ran past --timeout) use it.
//
// Example:
//   SendLastWord(socket, proto::Fatal{...});
//   return kExitTaskException;
//
// Use from the thread that owns `socket`.

#ifndef TASKFARM_WORKER_LAST_WORD_H_
#define TASKFARM_WORKER_LAST_WORD_H_

#include <chrono>

#include "proto/messages.h"
#include "proto/transport.h"

namespace taskfarm::worker {

inline constexpr std::chrono::milliseconds kLastWordWait{1000};

// Sends `message` on `socket` (kept up to `wait` after the socket closes)
// and waits up to `wait` for any answer, which it leaves unread. Returns
// whether an answer came.
bool SendLastWord(proto::Transport& socket, const proto::Message& message,
                  std::chrono::milliseconds wait = kLastWordWait);

}  // namespace taskfarm::worker

#endif  // TASKFARM_WORKER_LAST_WORD_H_
