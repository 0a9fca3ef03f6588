// File: tests/transport_test.cc
//
// proto::Transport over inproc:// and tcp://127.0.0.1:*: a DEALER and a
// ROUTER exchange multipart messages with routing ids, an over-long message
// is dropped whole without desynchronising the socket, and ZeroMQ's errors
// arrive as the documented absl::Status codes instead of exceptions.
//
// Every receive that should find a message blocks; the sockets' receive
// timeout only turns a bug into a failure instead of a hung test.

#include "proto/transport.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"

namespace taskfarm::proto {
namespace {

constexpr int kHangGuardMs = 30000;

std::vector<std::string> Strings(const Parts& parts) {
  std::vector<std::string> out;
  for (const zmq::message_t& p : parts) out.emplace_back(View(p));
  return out;
}

// Receives one message that must be there, as strings.
std::vector<std::string> MustRecv(Transport& t, size_t max_parts) {
  absl::StatusOr<std::optional<Parts>> in = t.Recv(max_parts);
  EXPECT_TRUE(in.ok()) << in.status();
  if (!in.ok()) return {};
  EXPECT_TRUE(in->has_value()) << "timed out";
  return in->has_value() ? Strings(**in) : std::vector<std::string>{};
}

// A DEALER (routing id "worker-1") connected to a ROUTER bound on the
// transport named by the test parameter.
class TransportTest : public testing::TestWithParam<const char*> {
 protected:
  TransportTest()
      : router_(context_, zmq::socket_type::router),
        dealer_(context_, zmq::socket_type::dealer) {}

  void SetUp() override {
    router_.socket().set(zmq::sockopt::rcvtimeo, kHangGuardMs);
    dealer_.socket().set(zmq::sockopt::rcvtimeo, kHangGuardMs);
    dealer_.socket().set(zmq::sockopt::routing_id, "worker-1");
    const std::string kind = GetParam();
    ASSERT_TRUE(router_
                    .Bind(kind == "tcp" ? "tcp://127.0.0.1:*"
                                        : "inproc://transport-test")
                    .ok());
    ASSERT_TRUE(dealer_.Connect(router_.LastEndpoint()).ok());
  }

  zmq::context_t context_;
  Transport router_;
  Transport dealer_;
};

INSTANTIATE_TEST_SUITE_P(Transports, TransportTest,
                         testing::Values("inproc", "tcp"));

TEST_P(TransportTest, RoundTripsWithRoutingId) {
  ASSERT_TRUE(dealer_.Send({"hello", "", "body"}).ok());
  EXPECT_EQ(MustRecv(router_, 4),
            (std::vector<std::string>{"worker-1", "hello", "", "body"}));

  Parts reply;
  reply.push_back(Frame("worker-1"));
  reply.push_back(Frame("welcome"));
  ASSERT_TRUE(router_.Send(absl::MakeSpan(reply)).ok());
  EXPECT_EQ(MustRecv(dealer_, 1), std::vector<std::string>{"welcome"});
}

TEST_P(TransportTest, RecvDontwaitReturnsNulloptWhenEmpty) {
  for (Transport* t : {&router_, &dealer_}) {
    absl::StatusOr<std::optional<Parts>> in =
        t->Recv(4, zmq::recv_flags::dontwait);
    ASSERT_TRUE(in.ok()) << in.status();
    EXPECT_FALSE(in->has_value());
  }
}

TEST_P(TransportTest, DropsOverlongMessageWholeAndKeepsTheNext) {
  ASSERT_TRUE(dealer_.Send({"a", "b", "c", "d"}).ok());
  ASSERT_TRUE(dealer_.Send({"next", "body"}).ok());

  absl::StatusOr<std::optional<Parts>> in = router_.Recv(3);
  EXPECT_EQ(in.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MustRecv(router_, 3),
            (std::vector<std::string>{"worker-1", "next", "body"}));
  absl::StatusOr<std::optional<Parts>> rest =
      router_.Recv(3, zmq::recv_flags::dontwait);
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_FALSE(rest->has_value());
}

TEST_P(TransportTest, RouterMandatoryUnknownPeerIsUnavailable) {
  router_.socket().set(zmq::sockopt::router_mandatory, true);
  absl::Status s = router_.Send({"nobody", "x"});
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
}

TEST(Transport, RejectsEveryPartOverMaxParts) {
  zmq::context_t context;
  Transport in(context, zmq::socket_type::pair);
  Transport out(context, zmq::socket_type::pair);
  ASSERT_TRUE(in.Bind("inproc://max-parts").ok());
  ASSERT_TRUE(out.Connect("inproc://max-parts").ok());
  ASSERT_TRUE(out.Send({"one"}).ok());
  ASSERT_TRUE(out.Send({"one", "two"}).ok());
  ASSERT_TRUE(out.Send({"last"}).ok());
  EXPECT_EQ(in.Recv(0).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(in.Recv(1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MustRecv(in, 1), std::vector<std::string>{"last"});
}

TEST(Transport, LastEndpointNamesTheWildcardPort) {
  zmq::context_t context;
  Transport t(context, zmq::socket_type::router);
  ASSERT_TRUE(t.Bind("tcp://127.0.0.1:*").ok());
  const std::string last = t.LastEndpoint();
  absl::string_view endpoint = last;
  ASSERT_TRUE(absl::ConsumePrefix(&endpoint, "tcp://127.0.0.1:"))
      << t.LastEndpoint();
  int port = 0;
  ASSERT_TRUE(absl::SimpleAtoi(endpoint, &port)) << t.LastEndpoint();
  EXPECT_GT(port, 0);
  EXPECT_LT(port, 65536);
}

TEST(Transport, LastEndpointIsEmptyBeforeBind) {
  zmq::context_t context;
  Transport t(context, zmq::socket_type::router);
  EXPECT_EQ(t.LastEndpoint(), "");
}

TEST(Transport, BadEndpointIsAnErrorStatus) {
  struct Case {
    const char* endpoint;
    absl::StatusCode code;
  };
  const Case cases[] = {
      {"", absl::StatusCode::kInvalidArgument},
      {"nonsense", absl::StatusCode::kInvalidArgument},
      {"bogus://x", absl::StatusCode::kInvalidArgument},
      {"tcp://127.0.0.1", absl::StatusCode::kInvalidArgument},
      {"tcp://127.0.0.1:notaport", absl::StatusCode::kInvalidArgument},
      {"tcp://no-such-interface0:5555", absl::StatusCode::kInvalidArgument},
      {"ipc:///nonexistent-dir/taskfarm/sock", absl::StatusCode::kUnavailable},
  };
  zmq::context_t context;
  Transport t(context, zmq::socket_type::router);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.endpoint);
    absl::Status s = t.Bind(c.endpoint);
    EXPECT_EQ(s.code(), c.code) << s;
    EXPECT_TRUE(absl::StrContains(s.message(), c.endpoint)) << s;
  }
  EXPECT_EQ(t.Connect("bogus://x").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(t.Connect("tcp://127.0.0.1").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Transport, AddressInUseIsUnavailable) {
  zmq::context_t context;
  Transport first(context, zmq::socket_type::router);
  Transport second(context, zmq::socket_type::router);
  ASSERT_TRUE(first.Bind("tcp://127.0.0.1:*").ok());
  absl::Status s = second.Bind(first.LastEndpoint());
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
}

TEST(Transport, SendWithNoPeerWouldBlock) {
  zmq::context_t context;
  Transport dealer(context, zmq::socket_type::dealer);
  absl::Status s = dealer.Send({"x"}, zmq::send_flags::dontwait);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
}

TEST(Transport, RecvAfterContextShutdownIsCancelled) {
  zmq::context_t context;
  Transport dealer(context, zmq::socket_type::dealer);
  context.shutdown();
  EXPECT_EQ(dealer.Recv(1).status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(dealer.Send({"x"}).code(), absl::StatusCode::kCancelled);
}

}  // namespace
}  // namespace taskfarm::proto
