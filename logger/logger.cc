#include "logger/logger.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "journal/id_set.h"
#include "logger/formatter.h"
#include "logger/output.h"
#include "proto/batch.h"
#include "proto/codec.h"
#include "proto/transport.h"

namespace taskfarm::logger {
namespace {

constexpr size_t kMaxParts = 2;
// Output is written when this much is buffered, or when nothing more waits.
constexpr size_t kWriteChunk = 1 << 20;

void Complain(const absl::Status& s) {
  std::fprintf(stderr, "logger: %s\n", std::string(s.message()).c_str());
}

}  // namespace

Logger::Logger(LoggerOptions options) : options_(std::move(options)) {}

int Logger::Run() {
  // SIGTERM (the master died: PR_SET_PDEATHSIG) and SIGINT end the logger
  // after a flush; a closed pipe shows up as EPIPE, not as a signal.
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  signal(SIGPIPE, SIG_IGN);
  int signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);

  journal::IdSet written;
  absl::StatusOr<Output> output =
      Output::Open(options_.output, options_.format, &written);
  if (!output.ok()) {
    Complain(output.status());
    return kExitOutputFailed;
  }
  std::unique_ptr<Formatter> formatter = MakeFormatter(options_.format);
  std::string buffer;
  buffer.reserve(kWriteChunk + (64 << 10));
  if (output->empty() && options_.first) formatter->AppendHeader(&buffer);

  zmq::context_t context(1);
  proto::Transport socket(context, zmq::socket_type::dealer);
  socket.socket().set(zmq::sockopt::routing_id, absl::StrCat("L", getpid()));
  socket.socket().set(zmq::sockopt::rcvhwm, 0);
  if (absl::Status s = socket.Connect(options_.endpoint); !s.ok()) {
    Complain(s);
    return kExitUsage;
  }
  (void)socket.Send({proto::Codec::Encode(proto::LoggerHello{getpid()})});

  proto::RecordReader reader;
  proto::RecordView record;
  uint64_t received_seq = 0;  // highest Log seq formatted into the buffer
  uint64_t acked_seq = 0;
  bool done = false;
  int exit_code = kExitOk;

  // Writes the buffer and acknowledges what it held.
  auto flush = [&]() -> bool {
    if (!buffer.empty()) {
      absl::Status s = output->Write(buffer);
      if (s.ok() && options_.fsync) s = output->Sync();
      buffer.clear();
      if (!s.ok()) {
        Complain(s);
        return false;
      }
    }
    if (received_seq > acked_seq) {
      acked_seq = received_seq;
      (void)socket.Send({proto::Codec::Encode(proto::Ack{acked_seq})});
    }
    return true;
  };

  while (!done) {
    zmq::pollitem_t items[] = {{socket.socket().handle(), 0, ZMQ_POLLIN, 0},
                               {nullptr, signal_fd, ZMQ_POLLIN, 0}};
    (void)proto::Poll(absl::MakeSpan(items), std::chrono::milliseconds(-1));
    if (items[1].revents & ZMQ_POLLIN) {
      done = true;  // flush what we have and go
    }
    while (!done && buffer.size() < kWriteChunk) {
      absl::StatusOr<std::optional<proto::Parts>> in =
          socket.Recv(kMaxParts, zmq::recv_flags::dontwait);
      if (!in.ok()) {
        Complain(in.status());
        continue;
      }
      if (!in->has_value()) break;
      proto::Parts& parts = **in;
      absl::StatusOr<proto::Message> message =
          proto::Codec::Decode(proto::View(parts[0]));
      if (!message.ok()) {
        Complain(message.status());
        continue;
      }
      if (const auto* log = std::get_if<proto::Log>(&*message)) {
        absl::Status s = parts.size() == 2
                             ? reader.Open(proto::View(parts[1]))
                             : absl::InvalidArgumentError("log without body");
        for (size_t i = 0; s.ok() && i < reader.size(); ++i) {
          s = reader.Get(i, &record);
          if (s.ok() && written.Add(record.id)) formatter->Append(record, &buffer);
        }
        if (!s.ok()) Complain(s);
        received_seq = log->seq;
      } else if (std::holds_alternative<proto::Shutdown>(*message)) {
        done = true;
      }
    }
    if (!flush()) {
      exit_code = kExitOutputFailed;
      break;
    }
  }
  if (signal_fd >= 0) close(signal_fd);
  // The master waits for our last Ack; linger lets it leave.
  socket.socket().set(zmq::sockopt::linger, 1000);
  return exit_code;
}

}  // namespace taskfarm::logger
