// File: master/socket_sends.h
//
// SocketSends carries out MasterCore's sends (master/outbox.h) on the
// master's ROUTER sockets: the task sockets workers join through (ipc
// first, then tcp) and the logger's. Task and record bodies travel as
// zmq messages that share the core's buffers, never copied. A failed send
// means the peer is gone; the core learns that otherwise (a death, a
// silence), so failures are dropped here. The master's shell and the
// benchmark of the master's cost per task send through it.
//
// Use from one thread.

#ifndef TASKFARM_MASTER_SOCKET_SENDS_H_
#define TASKFARM_MASTER_SOCKET_SENDS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "absl/strings/string_view.h"
#include "proto/messages.h"
#include "proto/transport.h"

namespace taskfarm::master {

class SocketSends {
 public:
  // Not owned; `log` may be null (no logger).
  SocketSends(std::vector<proto::Transport*> ports, proto::Transport* log)
      : ports_(std::move(ports)), log_(log) {}

  void SendTasks(size_t port, absl::string_view identity,
                 const proto::Tasks& header,
                 const std::shared_ptr<const std::string>& body);
  void SendToWorker(size_t port, absl::string_view identity,
                    const proto::Message& message);
  void SendLog(absl::string_view logger, uint64_t seq,
               const zmq::message_t& records);
  void SendToLogger(absl::string_view logger, const proto::Message& message);

 private:
  std::vector<proto::Transport*> ports_;
  proto::Transport* log_;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_SOCKET_SENDS_H_
