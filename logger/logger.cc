#include "logger/logger.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"
#include "journal/handoff.h"
#include "journal/id_set.h"
#include "journal/scan.h"
#include "logger/formatter.h"
#include "logger/joblog.h"
#include "logger/output.h"
#include "logger/progress_line.h"
#include "logger/sink.h"
#include "base/clock.h"
#include "proto/batch.h"
#include "proto/codec.h"
#include "proto/contract.h"
#include "proto/transport.h"

namespace taskfarm::logger {
namespace {

constexpr size_t kMaxParts = 2;
// Output is written when this much is buffered, or when nothing more waits.
constexpr size_t kWriteChunk = 1 << 20;
// Acks are coalesced: sent at most this long after the write they confirm
// (or at once when the batch ends), so that with one task in flight the
// master does not wake a second time for every task.
constexpr std::chrono::milliseconds kAckDelay{1};

double EpochSeconds() {
  return std::chrono::duration<double>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void Complain(const absl::Status& s) {
  std::fprintf(stderr, "logger: %s\n", std::string(s.message()).c_str());
}

// True if SIGTERM is among the signals waiting on `signal_fd`.
bool TakeSigterm(int signal_fd) {
  bool term = false;
  signalfd_siginfo info;
  while (read(signal_fd, &info, sizeof(info)) == sizeof(info)) {
    term = term || info.ssi_signo == SIGTERM;
  }
  return term;
}

// A message waiting on the master's socket, with its frames.
struct Incoming {
  proto::Parts parts;
  proto::Message message;
};

// The next message waiting on `socket`, or nullopt when none waits. A frame
// that cannot be received or decoded is reported and skipped.
std::optional<Incoming> NextMessage(proto::Transport& socket) {
  for (;;) {
    absl::StatusOr<std::optional<proto::Parts>> in =
        socket.Recv(kMaxParts, zmq::recv_flags::dontwait);
    if (!in.ok()) {
      Complain(in.status());
      continue;
    }
    if (!in->has_value()) return std::nullopt;
    absl::StatusOr<proto::Message> message =
        proto::Codec::Decode(proto::View((**in)[0]));
    if (!message.ok()) {
      Complain(message.status());
      continue;
    }
    return Incoming{std::move(**in), *std::move(message)};
  }
}

// Waits for the master's LoggerWelcome on `socket`: true once it came,
// false if the master said shut down first or SIGTERM arrived on
// `signal_fd` (the batch ended before its input checked out, or the master
// died). SIGINT (^C reaches the whole process group) is left to the
// master, which stops the batch and then says shut down.
bool AwaitWelcome(proto::Transport& socket, int signal_fd) {
  for (;;) {
    zmq::pollitem_t items[] = {{socket.socket().handle(), 0, ZMQ_POLLIN, 0},
                               {nullptr, signal_fd, ZMQ_POLLIN, 0}};
    (void)proto::Poll(absl::MakeSpan(items), std::chrono::milliseconds(-1));
    if ((items[1].revents & ZMQ_POLLIN) && TakeSigterm(signal_fd)) return false;
    while (std::optional<Incoming> in = NextMessage(socket)) {
      if (std::holds_alternative<proto::LoggerWelcome>(in->message)) return true;
      if (std::holds_alternative<proto::Shutdown>(in->message)) return false;
    }
  }
}

}  // namespace

Logger::Logger(LoggerOptions options) : options_(std::move(options)) {}

int Logger::Run() {
  // SIGTERM (the master died: PR_SET_PDEATHSIG) and SIGINT end the logger
  // after a flush; a closed pipe shows up as EPIPE, not as a signal. They
  // are blocked before ZeroMQ starts its threads, which inherit the mask.
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  signal(SIGPIPE, SIG_IGN);
  int signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);

  // The master starts the logger together with the workers, while the
  // input may still be checked: it connects and says hello at once, and
  // touches the output only once welcomed (the handoff is written then).
  zmq::context_t context(1);
  proto::Transport socket(context, zmq::socket_type::dealer);
  socket.socket().set(zmq::sockopt::routing_id, proto::LoggerIdentity(getpid()));
  socket.socket().set(zmq::sockopt::rcvhwm, 0);
  if (absl::Status s = socket.Connect(options_.endpoint); !s.ok()) {
    Complain(s);
    return kExitUsage;
  }
  (void)socket.Send({proto::Codec::Encode(proto::LoggerHello{getpid()})});
  if (!AwaitWelcome(socket, signal_fd)) {
    if (signal_fd >= 0) close(signal_fd);
    return kExitOk;  // the batch ended before it had anything to write
  }

  // Opened while SIGTERM ends the process again: opening a FIFO waits for
  // its reader.
  sigprocmask(SIG_UNBLOCK, &mask, nullptr);
  std::optional<journal::Handoff> handoff;
  if (!options_.handoff.empty()) {
    absl::StatusOr<journal::Handoff> h = journal::ReadHandoff(options_.handoff);
    if (!h.ok()) {
      Complain(h.status());
      return kExitUsage;
    }
    handoff.emplace(*std::move(h));
  }
  journal::IdSet written;
  absl::StatusOr<Output> output =
      Output::Open(options_.output, options_.format,
                   handoff ? &*handoff : nullptr, &written);
  if (!output.ok()) {
    Complain(output.status());
    return kExitOutputFailed;
  }
  const uint64_t id_limit = handoff ? handoff->id_limit : journal::kMaxScanId;
  handoff.reset();
  sigprocmask(SIG_BLOCK, &mask, nullptr);

  std::optional<Joblog> joblog;
  if (!options_.joblog.empty()) {
    // A restarted logger or a resumed batch appends; ids already in the
    // output have their line.
    absl::StatusOr<Joblog> opened =
        Joblog::Open(options_.joblog, options_.first && written.size() == 0, written);
    if (!opened.ok()) {
      Complain(opened.status());
      return kExitOutputFailed;
    }
    joblog.emplace(*std::move(opened));
  }
  Sink sink(&*output, MakeFormatter(options_.format), options_.keep_order,
            options_.fsync, std::move(written), id_limit);
  if (output->empty() && options_.first) sink.AddHeader();
  std::optional<ProgressLine> progress;
  if (options_.progress) progress.emplace(STDERR_FILENO);

  proto::RecordStream records;
  proto::RecordView record;
  uint64_t acked_seq = 0;
  base::Instant ack_due = base::Instant::max();  // when the next Ack is due
  bool done = false;
  bool finished = false;  // the master said the batch is over
  int exit_code = kExitOk;

  while (!done) {
    zmq::pollitem_t items[] = {{socket.socket().handle(), 0, ZMQ_POLLIN, 0},
                               {nullptr, signal_fd, ZMQ_POLLIN, 0}};
    const bool ack_pending = sink.written_seq() > acked_seq;
    const base::Instant now = base::Now();
    (void)proto::Poll(absl::MakeSpan(items),
                      std::chrono::milliseconds(
                          ack_pending ? base::MillisUntil(ack_due, now, 1000) : -1));
    if (items[1].revents & ZMQ_POLLIN) done = true;  // flush what we have, go
    while (!done && sink.buffered_bytes() < kWriteChunk) {
      std::optional<Incoming> in = NextMessage(socket);
      if (!in) break;
      const proto::Parts& parts = in->parts;
      const proto::Message& message = in->message;
      if (const auto* log = std::get_if<proto::Log>(&message)) {
        absl::Status s = parts.size() == 2
                             ? records.Open(proto::View(parts[1]))
                             : absl::InvalidArgumentError("log without body");
        uint64_t outside = 0;  // records whose id is not of this batch
        while (s.ok() && !records.done()) {
          s = records.Next(&record);
          if (!s.ok()) break;
          if (!sink.Add(record, log->seq)) {
            ++outside;
          } else if (joblog) {
            joblog->Add(record, EpochSeconds());
          }
        }
        if (!s.ok()) Complain(s);
        if (outside > 0) {
          Complain(absl::InvalidArgumentError(absl::StrCat(
              "log ", log->seq, ": dropped ", outside,
              " records with an id outside the batch (ids below ", id_limit,
              ")")));
        }
        sink.EndLog(log->seq);
      } else if (const auto* p = std::get_if<proto::Progress>(&message)) {
        if (progress) progress->Update(*p, base::Now());
      } else if (std::holds_alternative<proto::Shutdown>(message)) {
        done = finished = true;
      }
    }
    if (done) sink.ReleaseAll();  // --keep-order: whatever is left
    if (progress) progress->Clear();
    if (joblog) {
      if (absl::Status s = joblog->Flush(); !s.ok()) Complain(s);
    }
    if (absl::Status s = sink.Flush(); !s.ok()) {
      // A reader that went away (`| head -1`) is not an error to report.
      if (output->closed()) {
        exit_code = kExitOutputClosed;
        break;
      }
      Complain(s);
      exit_code = kExitOutputFailed;
      break;
    }
    if (progress) {
      if (finished) {
        progress->Finish(base::Now());
      } else {
        progress->Draw(base::Now());
      }
    }
    if (sink.written_seq() > acked_seq) {
      const base::Instant t = base::Now();
      if (ack_due == base::Instant::max()) ack_due = t + kAckDelay;
      if (!done && !finished && t < ack_due) continue;  // more may come
      acked_seq = sink.written_seq();
      ack_due = base::Instant::max();
      (void)socket.Send({proto::Codec::Encode(proto::Ack{acked_seq})});
    }
  }
  if (signal_fd >= 0) close(signal_fd);
  // The master waits for our last Ack; linger lets it leave.
  socket.socket().set(zmq::sockopt::linger, 1000);
  return exit_code;
}

}  // namespace taskfarm::logger
