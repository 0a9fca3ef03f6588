#include "proto/transport.h"

#include <cerrno>
#include <string>

#include "absl/strings/str_cat.h"

namespace taskfarm::proto {
namespace {

absl::Status FromZmq(const zmq::error_t& e, absl::string_view what) {
  std::string message = absl::StrCat(what, ": ", e.what());
  switch (e.num()) {
    case EINVAL:
    case EPROTONOSUPPORT:
    case ENOCOMPATPROTO:
    case ENODEV:  // bind to an interface this host does not have
      return absl::InvalidArgumentError(message);
    case EHOSTUNREACH:
    case EADDRINUSE:
    case EADDRNOTAVAIL:
    case EACCES:
    case ENOENT:
      return absl::UnavailableError(message);
    case EAGAIN:
      return absl::ResourceExhaustedError(message);
    case ETERM:
      return absl::CancelledError(message);
    default:
      return absl::InternalError(message);
  }
}

}  // namespace

zmq::message_t Frame(absl::string_view bytes) {
  return zmq::message_t(bytes.data(), bytes.size());
}

absl::StatusOr<int> Poll(absl::Span<zmq::pollitem_t> items,
                         std::chrono::milliseconds timeout) {
  try {
    return zmq::poll(items.data(), items.size(), timeout);
  } catch (const zmq::error_t& e) {
    if (e.num() == EINTR) return 0;
    return FromZmq(e, "poll");
  }
}

Transport::Transport(zmq::context_t& context, zmq::socket_type type)
    : socket_(context, type) {
  socket_.set(zmq::sockopt::linger, 0);
}

absl::StatusOr<std::unique_ptr<Transport>> Transport::Open(
    zmq::context_t& context, zmq::socket_type type) {
  try {
    return std::make_unique<Transport>(context, type);
  } catch (const zmq::error_t& e) {
    return absl::UnavailableError(absl::StrCat("cannot open a socket: ", e.what()));
  }
}

absl::Status Transport::Bind(const std::string& endpoint) {
  try {
    socket_.bind(endpoint);
    return absl::OkStatus();
  } catch (const zmq::error_t& e) {
    return FromZmq(e, absl::StrCat("bind ", endpoint));
  }
}

absl::Status Transport::Connect(const std::string& endpoint) {
  try {
    socket_.connect(endpoint);
    return absl::OkStatus();
  } catch (const zmq::error_t& e) {
    return FromZmq(e, absl::StrCat("connect ", endpoint));
  }
}

std::string Transport::LastEndpoint() const {
  try {
    return socket_.get(zmq::sockopt::last_endpoint);
  } catch (const zmq::error_t&) {
    return "";
  }
}

absl::Status Transport::Send(absl::Span<zmq::message_t> parts,
                             zmq::send_flags flags) {
  try {
    for (size_t i = 0; i < parts.size(); ++i) {
      zmq::send_flags f = flags;
      if (i + 1 < parts.size()) f = f | zmq::send_flags::sndmore;
      if (!socket_.send(parts[i], f)) {
        // Only the first part can would-block: ZeroMQ queues the rest.
        return absl::ResourceExhaustedError("send would block");
      }
    }
    return absl::OkStatus();
  } catch (const zmq::error_t& e) {
    return FromZmq(e, "send");
  }
}

absl::Status Transport::Send(std::initializer_list<absl::string_view> parts,
                             zmq::send_flags flags) {
  Parts frames;
  for (absl::string_view p : parts) frames.push_back(Frame(p));
  return Send(absl::MakeSpan(frames), flags);
}

absl::StatusOr<std::optional<Parts>> Transport::Recv(size_t max_parts,
                                                     zmq::recv_flags flags) {
  Parts parts;
  try {
    zmq::message_t part;
    if (!socket_.recv(part, flags)) return std::nullopt;
    size_t count = 1;
    while (true) {
      const bool more = part.more();
      if (count <= max_parts) parts.push_back(std::move(part));
      if (!more) break;
      // The rest of a message is already here: ZeroMQ delivers atomically.
      part = zmq::message_t();
      (void)socket_.recv(part, zmq::recv_flags::none);
      ++count;
    }
    if (count > max_parts) {
      return absl::InvalidArgumentError(absl::StrCat(
          "bad message: ", count, " parts, more than ", max_parts));
    }
    return std::optional<Parts>(std::move(parts));
  } catch (const zmq::error_t& e) {
    return FromZmq(e, "recv");
  }
}

}  // namespace taskfarm::proto
