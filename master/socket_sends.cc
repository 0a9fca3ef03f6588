#include "master/socket_sends.h"

#include "proto/codec.h"

namespace taskfarm::master {
namespace {

// A zmq message that reads `body` in place and keeps it alive.
zmq::message_t SharedFrame(std::shared_ptr<const std::string> body) {
  auto* hold = new std::shared_ptr<const std::string>(std::move(body));
  return zmq::message_t(
      const_cast<char*>((*hold)->data()), (*hold)->size(),
      [](void*, void* hint) {
        delete static_cast<std::shared_ptr<const std::string>*>(hint);
      },
      hold);
}

}  // namespace

void SocketSends::SendTasks(size_t port, absl::string_view identity,
                            const proto::Tasks& header,
                            const std::shared_ptr<const std::string>& body) {
  proto::Parts parts;
  parts.push_back(proto::Frame(identity));
  parts.push_back(proto::Frame(proto::Codec::Encode(header)));
  parts.push_back(SharedFrame(body));
  (void)ports_[port]->Send(absl::MakeSpan(parts));
}

void SocketSends::SendToWorker(size_t port, absl::string_view identity,
                               const proto::Message& message) {
  (void)ports_[port]->Send({identity, proto::Codec::Encode(message)},
                           zmq::send_flags::dontwait);
}

void SocketSends::SendLog(absl::string_view logger, uint64_t seq,
                          const zmq::message_t& records) {
  proto::Parts parts;
  parts.push_back(proto::Frame(logger));
  parts.push_back(proto::Frame(proto::Codec::Encode(proto::Log{seq})));
  zmq::message_t body;
  body.copy(const_cast<zmq::message_t&>(records));  // shares the buffer
  parts.push_back(std::move(body));
  (void)log_->Send(absl::MakeSpan(parts));
}

void SocketSends::SendToLogger(absl::string_view logger,
                               const proto::Message& message) {
  (void)log_->Send({logger, proto::Codec::Encode(message)},
                   zmq::send_flags::dontwait);
}

}  // namespace taskfarm::master
