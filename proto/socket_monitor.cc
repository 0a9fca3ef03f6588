#include "proto/socket_monitor.h"

#include <unistd.h>

#include <atomic>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace taskfarm::proto {

absl::StatusOr<SocketMonitor> SocketMonitor::Attach(zmq::context_t& context,
                                                    zmq::socket_t& socket,
                                                    int events) {
  static std::atomic<uint64_t> counter{0};
  const std::string endpoint =
      absl::StrCat("inproc://taskfarm-monitor-", getpid(), "-", counter++);
  if (zmq_socket_monitor(socket.handle(), endpoint.c_str(), events) != 0) {
    return absl::InternalError(absl::StrCat("cannot monitor a socket: ",
                                            zmq_strerror(zmq_errno())));
  }
  try {
    zmq::socket_t pair(context, zmq::socket_type::pair);
    pair.set(zmq::sockopt::linger, 0);
    pair.connect(endpoint);
    return SocketMonitor(std::move(pair));
  } catch (const zmq::error_t& e) {
    return absl::InternalError(absl::StrCat("socket monitor: ", e.what()));
  }
}

std::vector<SocketMonitor::Event> SocketMonitor::Drain() {
  std::vector<Event> events;
  try {
    for (;;) {
      zmq::message_t head;
      if (!pair_.recv(head, zmq::recv_flags::dontwait)) break;
      // Every event is two parts: (uint16 event, uint32 value), endpoint.
      zmq::message_t address;
      if (head.more()) (void)pair_.recv(address, zmq::recv_flags::none);
      while (address.more()) (void)pair_.recv(address, zmq::recv_flags::none);
      if (head.size() != 6) continue;
      Event e;
      std::memcpy(&e.event, head.data(), sizeof(e.event));
      std::memcpy(&e.value, static_cast<const char*>(head.data()) + 2,
                  sizeof(e.value));
      e.endpoint = address.to_string();
      events.push_back(std::move(e));
    }
  } catch (const zmq::error_t&) {
    // The context is ending: no more events to read.
  }
  return events;
}

}  // namespace taskfarm::proto
