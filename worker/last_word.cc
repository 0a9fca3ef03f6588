#include "worker/last_word.h"

#include "proto/codec.h"

namespace taskfarm::worker {

bool SendLastWord(proto::Transport& socket, const proto::Message& message,
                  std::chrono::milliseconds wait) {
  socket.socket().set(zmq::sockopt::linger, static_cast<int>(wait.count()));
  if (!socket.Send({proto::Codec::Encode(message)}).ok()) return false;
  zmq::pollitem_t item{socket.socket().handle(), 0, ZMQ_POLLIN, 0};
  absl::StatusOr<int> ready = proto::Poll(absl::MakeSpan(&item, 1), wait);
  return ready.ok() && *ready > 0;
}

}  // namespace taskfarm::worker
