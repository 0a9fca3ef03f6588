// CURVE security pieces: keys, key files, the allow-list, the ZAP decision,
// and the ZAP handler on real sockets over tcp://127.0.0.1 (a listed key
// gets through; an unlisted key and a wrong server key do not).

#include "proto/curve.h"

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "proto/socket_monitor.h"
#include "proto/transport.h"
#include "proto/zap_server.h"
#include "tests/testutil/farm.h"

namespace taskfarm::proto {
namespace {

using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

TEST(CurveKeys, PairsAreZ85AndThePublicKeyFollowsFromTheSecret) {
  absl::StatusOr<CurveKeyPair> a = NewCurveKeyPair();
  absl::StatusOr<CurveKeyPair> b = NewCurveKeyPair();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(IsCurveKey(a->public_key));
  EXPECT_TRUE(IsCurveKey(a->secret_key));
  EXPECT_NE(a->public_key, b->public_key);
  absl::StatusOr<std::string> pub = CurvePublicKey(a->secret_key);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(*pub, a->public_key);
  EXPECT_FALSE(CurvePublicKey("short").ok());
}

TEST(CurveKeys, RejectsWhatIsNotAKey) {
  EXPECT_FALSE(IsCurveKey(""));
  EXPECT_FALSE(IsCurveKey(std::string(39, 'a')));
  EXPECT_FALSE(IsCurveKey(std::string(40, '"')));  // not in the Z85 alphabet
  EXPECT_TRUE(IsCurveKey(std::string(40, 'a')));
}

TEST(CurveKeys, BinaryKeysRoundTripThroughText) {
  absl::StatusOr<CurveKeyPair> a = NewCurveKeyPair();
  ASSERT_TRUE(a.ok());
  uint8_t binary[32];
  ASSERT_NE(zmq_z85_decode(binary, a->public_key.c_str()), nullptr);
  EXPECT_EQ(CurveKeyText(absl::string_view(reinterpret_cast<char*>(binary), 32)),
            a->public_key);
  EXPECT_EQ(CurveKeyText("too short"), "");
}

TEST(KeyFiles, KeygenWritesEveryFileWithTheRightModes) {
  const std::string dir = TempDir("keys") + "/k";
  ASSERT_TRUE(GenerateKeyDir(dir).ok());
  struct stat st;
  ASSERT_EQ(stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  for (const char* name : {"master.secret", "worker.secret"}) {
    SCOPED_TRACE(name);
    ASSERT_EQ(stat((dir + "/" + name).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_TRUE(ReadKeyFile(dir + "/" + name, /*secret=*/true).ok());
  }
  for (const char* name : {"master.public", "worker.public", "authorized_workers"}) {
    SCOPED_TRACE(name);
    ASSERT_EQ(stat((dir + "/" + name).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0644u);
  }
  // The pairs match, and the allow-list holds the worker's public key.
  EXPECT_EQ(*CurvePublicKey(*ReadKeyFile(dir + "/master.secret", true)),
            *ReadKeyFile(dir + "/master.public", false));
  const std::string worker = *ReadKeyFile(dir + "/worker.public", false);
  EXPECT_EQ(*CurvePublicKey(*ReadKeyFile(dir + "/worker.secret", true)), worker);
  absl::StatusOr<AllowList> allow = AllowList::Load(dir + "/authorized_workers");
  ASSERT_TRUE(allow.ok());
  EXPECT_EQ(allow->size(), 1u);
  EXPECT_NE(allow->Find(worker), nullptr);
  // Files start with a comment saying what they are.
  EXPECT_EQ(ReadFile(dir + "/master.secret").rfind("# taskfarm master SECRET", 0), 0u);
}

TEST(KeyFiles, KeygenNeverOverwrites) {
  const std::string dir = TempDir("keys") + "/k";
  ASSERT_TRUE(GenerateKeyDir(dir).ok());
  const std::string before = ReadFile(dir + "/master.secret");
  absl::Status again = GenerateKeyDir(dir);
  EXPECT_TRUE(absl::IsAlreadyExists(again)) << again;
  EXPECT_EQ(ReadFile(dir + "/master.secret"), before);
}

TEST(KeyFiles, SecretReadableByOthersIsRefused) {
  const std::string dir = TempDir("keys") + "/k";
  ASSERT_TRUE(GenerateKeyDir(dir).ok());
  const std::string path = dir + "/worker.secret";
  ASSERT_EQ(chmod(path.c_str(), 0640), 0);
  absl::StatusOr<std::string> key = ReadKeyFile(path, /*secret=*/true);
  EXPECT_TRUE(absl::IsPermissionDenied(key.status())) << key.status();
  EXPECT_NE(key.status().message().find("chmod 600"), absl::string_view::npos);
}

TEST(KeyFiles, BadAndMissingFilesAreReported) {
  const std::string dir = TempDir("keys");
  WriteFile(dir + "/bad.public", "# comment only\n\nnot-a-key\n");
  EXPECT_TRUE(absl::IsInvalidArgument(ReadKeyFile(dir + "/bad.public", false).status()));
  EXPECT_TRUE(absl::IsNotFound(ReadKeyFile(dir + "/missing", false).status()));
}

TEST(AllowListTest, ReadsKeysLabelsAndCommentsAndNamesBadLines) {
  const std::string dir = TempDir("allow");
  const std::string a = NewCurveKeyPair()->public_key;
  const std::string b = NewCurveKeyPair()->public_key;
  WriteFile(dir + "/list", "# workers\n" + a + "  rack 3\n\n  " + b + "\n");
  absl::StatusOr<AllowList> list = AllowList::Load(dir + "/list");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->size(), 2u);
  ASSERT_NE(list->Find(a), nullptr);
  EXPECT_EQ(*list->Find(a), "rack 3");
  EXPECT_NE(list->Find(b), nullptr);
  EXPECT_EQ(list->Find(NewCurveKeyPair()->public_key), nullptr);

  WriteFile(dir + "/broken", a + "\nxyz\n");
  absl::StatusOr<AllowList> broken = AllowList::Load(dir + "/broken");
  EXPECT_TRUE(absl::IsInvalidArgument(broken.status()));
  EXPECT_NE(broken.status().message().find("broken:2:"), absl::string_view::npos)
      << broken.status();
}

TEST(AllowListTest, ADirectoryMeansEveryPublicFileInIt) {
  const std::string dir = TempDir("allowdir");
  const std::string a = NewCurveKeyPair()->public_key;
  const std::string b = NewCurveKeyPair()->public_key;
  WriteFile(dir + "/host1.public", a + "\n");
  WriteFile(dir + "/host2.public", "# h2\n" + b + "\n");
  WriteFile(dir + "/notes.txt", "ignored\n");
  absl::StatusOr<AllowList> list = AllowList::Load(dir);
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->size(), 2u);
  EXPECT_NE(list->Find(b), nullptr);
}

std::vector<std::string> ZapRequest(const std::string& mechanism,
                                    const std::string& key_binary) {
  std::vector<std::string> r = {"1.0", "7", "taskfarm", "10.0.0.5", "", mechanism};
  if (!key_binary.empty()) r.push_back(key_binary);
  return r;
}

std::string Binary(const std::string& z85) {
  std::string out(32, '\0');
  zmq_z85_decode(reinterpret_cast<uint8_t*>(out.data()), z85.c_str());
  return out;
}

TEST(AnswerZapTest, AdmitsListedKeysOnly) {
  const std::string listed = NewCurveKeyPair()->public_key;
  const std::string stranger = NewCurveKeyPair()->public_key;
  AllowList allow;
  allow.Add(listed, "w1");
  ZapAnswer yes = AnswerZap(ZapRequest("CURVE", Binary(listed)), allow);
  EXPECT_EQ(yes.status_code, "200");
  EXPECT_EQ(yes.user_id, "w1");
  ZapAnswer no = AnswerZap(ZapRequest("CURVE", Binary(stranger)), allow);
  EXPECT_EQ(no.status_code, "400");
  EXPECT_EQ(no.key, stranger);
  EXPECT_EQ(no.address, "10.0.0.5");
}

TEST(AnswerZapTest, RefusesOtherMechanismsAndMalformedRequests) {
  AllowList allow;
  allow.Add(NewCurveKeyPair()->public_key, "");
  EXPECT_EQ(AnswerZap(ZapRequest("NULL", ""), allow).status_code, "400");
  EXPECT_EQ(AnswerZap(ZapRequest("PLAIN", "user"), allow).status_code, "400");
  EXPECT_EQ(AnswerZap(ZapRequest("CURVE", "short"), allow).status_code, "400");
  EXPECT_EQ(AnswerZap({"1.0", "1"}, allow).status_code, "500");
  EXPECT_EQ(AnswerZap(ZapRequest("CURVE", std::string(32, 'x')), allow).status_code,
            "400");
  std::vector<std::string> wrong_version = ZapRequest("CURVE", std::string(32, 'x'));
  wrong_version[0] = "2.0";
  EXPECT_EQ(AnswerZap(wrong_version, allow).status_code, "500");
}

// A CURVE ROUTER with the ZAP handler, and clients that try to reach it.
class ZapServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_keys_ = *NewCurveKeyPair();
    listed_ = *NewCurveKeyPair();
    AllowList allow;
    allow.Add(listed_.public_key, "listed");
    allow.set_source("test list");
    // Only bounds a broken test: every Recv here waits for a message that
    // must come.
    router_.socket().set(zmq::sockopt::rcvtimeo, 30000);
    absl::StatusOr<std::unique_ptr<ZapServer>> zap = ZapServer::Start(
        server_ctx_, std::move(allow), &router_.socket(),
        [this](const std::string& line) {
          std::lock_guard<std::mutex> lock(mu_);
          log_.push_back(line);
        });
    ASSERT_TRUE(zap.ok()) << zap.status();
    zap_ = *std::move(zap);
    ASSERT_TRUE(ApplyCurveServer(router_.socket(), server_keys_.secret_key, "t").ok());
    ASSERT_TRUE(router_.Bind("tcp://127.0.0.1:*").ok());
    endpoint_ = router_.LastEndpoint();
  }

  // Connects a DEALER with `own` keys to a server known by `server_public`,
  // sends `message`; returns the client's handshake events, once there is
  // one (empty only if none came within the generous deadline).
  std::vector<uint16_t> Try(const CurveKeyPair& own,
                            const std::string& server_public,
                            Transport* client, const std::string& message = "hi") {
    EXPECT_TRUE(ApplyCurveClient(client->socket(), server_public, own).ok());
    absl::StatusOr<SocketMonitor> monitor = SocketMonitor::Attach(
        client_ctx_, client->socket(),
        ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
            ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL);
    EXPECT_TRUE(monitor.ok());
    EXPECT_TRUE(client->Connect(endpoint_).ok());
    EXPECT_TRUE(client->Send({message}).ok());
    std::vector<uint16_t> events;
    testing::WaitFor(
        [&] {
          for (const SocketMonitor::Event& e : monitor->Drain()) events.push_back(e.event);
          return !events.empty();
        },
        std::chrono::seconds(30));
    return events;
  }

  // Proves by events, not by a wait, that a refused client's message never
  // reached the server: a listed client connects after the refusal and its
  // message is the first to arrive, and the ZAP handler (which libzmq asks
  // about every CURVE client of this socket) admitted that client only.
  void ExpectOnlyALaterListedClientGetsThrough() {
    Transport later(client_ctx_, zmq::socket_type::dealer);
    std::vector<uint16_t> events = Try(listed_, server_keys_.public_key, &later, "later");
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events[0], ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    absl::StatusOr<std::optional<Parts>> in = router_.Recv(2);
    ASSERT_TRUE(in.ok() && in->has_value());
    EXPECT_EQ(View((**in)[1]), "later") << "a refused client's message arrived";
    absl::StatusOr<std::optional<Parts>> more = router_.Recv(2, zmq::recv_flags::dontwait);
    ASSERT_TRUE(more.ok());
    EXPECT_FALSE(more->has_value()) << "a refused client's message arrived";
    EXPECT_EQ(zap_->admitted(), 1u);
  }

  std::vector<std::string> Log() {
    std::lock_guard<std::mutex> lock(mu_);
    return log_;
  }

  zmq::context_t server_ctx_;
  zmq::context_t client_ctx_;
  Transport router_{server_ctx_, zmq::socket_type::router};
  std::unique_ptr<ZapServer> zap_;
  CurveKeyPair server_keys_, listed_;
  std::string endpoint_;
  std::mutex mu_;
  std::vector<std::string> log_;
};

TEST_F(ZapServerTest, ListedKeyGetsThrough) {
  Transport client(client_ctx_, zmq::socket_type::dealer);
  std::vector<uint16_t> events = Try(listed_, server_keys_.public_key, &client);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0], ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
  absl::StatusOr<std::optional<Parts>> in = router_.Recv(2);
  ASSERT_TRUE(in.ok() && in->has_value());
  EXPECT_EQ(View((**in)[1]), "hi");
  EXPECT_EQ(zap_->admitted(), 1u);
  EXPECT_EQ(zap_->refused(), 0u);
}

TEST_F(ZapServerTest, UnlistedKeyIsRefusedAndLogged) {
  Transport client(client_ctx_, zmq::socket_type::dealer);
  CurveKeyPair stranger = *NewCurveKeyPair();
  std::vector<uint16_t> events = Try(stranger, server_keys_.public_key, &client);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0], ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
  ExpectOnlyALaterListedClientGetsThrough();
  // A refusal by the allow-list is final: libzmq does not try again.
  EXPECT_EQ(zap_->refused(), 1u);
  ASSERT_TRUE(testing::WaitFor([&] { return !Log().empty(); }, std::chrono::seconds(30)));
  EXPECT_NE(Log()[0].find("refused a worker from 127.0.0.1"), std::string::npos) << Log()[0];
  EXPECT_NE(Log()[0].find(stranger.public_key), std::string::npos) << Log()[0];
}

TEST_F(ZapServerTest, WrongServerKeyFailsTheHandshakeAndIsLogged) {
  Transport client(client_ctx_, zmq::socket_type::dealer);
  std::vector<uint16_t> events =
      Try(listed_, NewCurveKeyPair()->public_key, &client);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0], ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL);
  ASSERT_TRUE(testing::WaitFor([&] { return !Log().empty(); }, std::chrono::seconds(30)));
  EXPECT_NE(Log()[0].find("CURVE handshake failed"), std::string::npos) << Log()[0];
  EXPECT_GE(zap_->failed_handshakes(), 1u);
  EXPECT_EQ(zap_->admitted(), 0u);
  // It never got as far as the allow-list (libzmq keeps retrying it; each
  // try fails the same way).
  ExpectOnlyALaterListedClientGetsThrough();
}

TEST_F(ZapServerTest, OneHandlerPerContext) {
  absl::StatusOr<std::unique_ptr<ZapServer>> second =
      ZapServer::Start(server_ctx_, AllowList{}, nullptr, [](const std::string&) {});
  EXPECT_TRUE(absl::IsUnavailable(second.status())) << second.status();
}

}  // namespace
}  // namespace taskfarm::proto
