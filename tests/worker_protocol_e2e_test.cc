// End to end: the real worker binary against a fake master (a ROUTER on
// ipc in a short temp directory, speaking proto/ by hand), for what the
// worker must answer: a batch it cannot take is refused with a
// BadBatch naming it (never dropped in silence), and it goes on
// serving, its heartbeats counting every batch it received;
// Shutdown{"recycled"} ends it with kExitRecycled, so that a supervisor
// starts another; any other Shutdown with 0.

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <zmq.hpp>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "proto/batch.h"
#include "proto/codec.h"
#include "proto/messages.h"
#include "proto/transport.h"
#include "tests/testutil/farm.h"
#include "tests/testutil/remote.h"
#include "worker/worker.h"

namespace taskfarm::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A master of one worker, by hand: it answers the worker's heartbeats, and
// hands the test every other message.
class FakeMaster {
 public:
  FakeMaster() : dir_(ShortTempDir()), socket_(context_, zmq::socket_type::router) {
    EXPECT_TRUE(socket_.Bind(endpoint()).ok());
  }
  ~FakeMaster() { std::filesystem::remove_all(dir_); }

  std::string endpoint() const { return "ipc://" + dir_ + "/work"; }
  const std::string& dir() const { return dir_; }
  uint64_t batches() const { return batches_; }

  // The next message from the worker's task socket, decoded, with its body
  // (if any); nullopt if none came within `timeout`.
  std::optional<std::pair<proto::Message, std::string>> Next(
      milliseconds timeout = milliseconds(30000)) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      zmq::pollitem_t item{socket_.socket().handle(), 0, ZMQ_POLLIN, 0};
      (void)proto::Poll(absl::MakeSpan(&item, 1), milliseconds(100));
      absl::StatusOr<std::optional<proto::Parts>> in =
          socket_.Recv(4, zmq::recv_flags::dontwait);
      if (!in.ok() || !in->has_value() || (**in).size() < 2) continue;
      proto::Parts& parts = **in;
      const std::string identity(proto::View(parts[0]));
      absl::StatusOr<proto::Message> m = proto::Codec::Decode(proto::View(parts[1]));
      EXPECT_TRUE(m.ok()) << m.status();
      if (!m.ok()) continue;
      if (identity[0] == 'H') {  // a heartbeat: answer it, as a master does
        if (const auto* hb = std::get_if<proto::Heartbeat>(&*m)) batches_ = hb->batches;
        (void)socket_.Send({identity, proto::Codec::Encode(proto::Heartbeat{})});
        continue;
      }
      worker_ = identity;
      std::string body = parts.size() > 2 ? std::string(proto::View(parts[2])) : "";
      return std::make_pair(*std::move(m), std::move(body));
    }
    return std::nullopt;
  }

  // Waits until a heartbeat says the worker received `batches` batches (no
  // other message may come meanwhile); whether one did within `timeout`.
  bool HeartbeatSays(uint64_t batches, milliseconds timeout = milliseconds(30000)) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (batches_ != batches && std::chrono::steady_clock::now() < end) {
      if (auto m = Next(milliseconds(100))) ADD_FAILURE() << "message " << m->first.index();
    }
    return batches_ == batches;
  }

  void Send(const proto::Message& m, std::optional<std::string> body = {}) {
    std::vector<std::string> frames = {worker_, proto::Codec::Encode(m)};
    if (body) frames.push_back(*body);
    std::vector<absl::string_view> views(frames.begin(), frames.end());
    proto::Parts parts;
    for (absl::string_view v : views) parts.push_back(proto::Frame(v));
    EXPECT_TRUE(socket_.Send(absl::MakeSpan(parts)).ok());
  }

 private:
  std::string dir_;
  zmq::context_t context_;
  proto::Transport socket_;
  std::string worker_;
  uint64_t batches_ = 0;  // as its last heartbeat said
};

// The worker's hello, then the Welcome; returns the index of `kind`.
uint32_t Handshake(FakeMaster& master, const std::string& kind) {
  std::optional<std::pair<proto::Message, std::string>> hello = master.Next();
  EXPECT_TRUE(hello.has_value()) << "no hello";
  if (!hello) return 0;
  const auto* h = std::get_if<proto::Hello>(&hello->first);
  EXPECT_NE(h, nullptr);
  master.Send(proto::Welcome{});
  for (uint32_t i = 0; h != nullptr && i < h->kinds.size(); ++i) {
    if (h->kinds[i].name == kind) return i;
  }
  ADD_FAILURE() << "no kind " << kind;
  return 0;
}

std::string FibBatch(uint32_t fib, int n, uint64_t first_id) {
  proto::TaskBatchWriter writer;
  for (int i = 0; i < n; ++i) {
    const proto::Value arg = int64_t{10};
    writer.Add(first_id + static_cast<uint64_t>(i), fib, {arg}, 1);
  }
  return std::string(writer.Finish());
}

TEST(WorkerProtocol, RefusesABatchItCannotTakeAndGoesOn) {
  FakeMaster master;
  Process worker(WorkerArgv({"--connect=" + master.endpoint()}), master.dir());
  const uint32_t fib = Handshake(master, "fib");
  struct Case {
    uint64_t batch_id;
    std::string body;
    const char* why;
  };
  const Case cases[] = {
      {7, "\xc1", "bad frame"},
      {8, FibBatch(fib, static_cast<int>(proto::kMaxBatchSize) + 1, 100),
       "batch too large"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.why);
    master.Send(proto::Tasks{.batch_id = c.batch_id, .count = 1}, c.body);
    std::optional<std::pair<proto::Message, std::string>> reply = master.Next();
    ASSERT_TRUE(reply.has_value()) << "the batch was dropped in silence";
    const auto* refused = std::get_if<proto::BadBatch>(&reply->first);
    ASSERT_NE(refused, nullptr) << "not a BadBatch";
    EXPECT_EQ(refused->batch_id, c.batch_id);
    EXPECT_TRUE(absl::StrContains(refused->reason, c.why)) << refused->reason;
  }
  // It still serves.
  master.Send(proto::Tasks{.batch_id = 9, .count = 2}, FibBatch(fib, 2, 1));
  std::optional<std::pair<proto::Message, std::string>> reply = master.Next();
  ASSERT_TRUE(reply.has_value());
  const auto* results = std::get_if<proto::Results>(&reply->first);
  ASSERT_NE(results, nullptr);
  EXPECT_EQ(results->batch_id, 9u);
  EXPECT_EQ(results->count, 2u);
  // Its heartbeats count the batches it received, refused ones too (the
  // master tells a batch lost from one still on its way by this).
  EXPECT_TRUE(master.HeartbeatSays(3)) << "heartbeats say " << master.batches();
  master.Send(proto::Shutdown{"done"});
  EXPECT_EQ(worker.Wait(seconds(30)), worker::kExitOk) << worker.err();
}

TEST(WorkerProtocol, RecycledWorkerExitsWithItsOwnCode) {
  FakeMaster master;
  Process worker(WorkerArgv({"--connect=" + master.endpoint()}), master.dir());
  Handshake(master, "fib");
  master.Send(proto::Shutdown{proto::kShutdownRecycled});
  EXPECT_EQ(worker.Wait(seconds(30)), worker::kExitRecycled) << worker.err();
}

}  // namespace
}  // namespace taskfarm::testing
