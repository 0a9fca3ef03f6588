// End-to-end tests of the logger process alone: the real //logger binary,
// driven by a fake master on the real log socket (a ROUTER on ipc, as the
// master binds it), so a test can send what no correct master sends: ids
// outside the batch, a handoff, a reader that goes away.

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "journal/handoff.h"
#include "proto/batch.h"
#include "proto/codec.h"
#include "proto/transport.h"
#include "tests/testutil/farm.h"
#include "tests/testutil/wait.h"
#include "zmq.hpp"

namespace taskfarm {
namespace {

using std::chrono::milliseconds;

constexpr uint64_t kHuge = (uint64_t{1} << 63) + 5;

// A master as far as the logger can tell: binds the log endpoint, starts
// the logger, and speaks the log protocol.
class FakeMaster {
 public:
  // `stdout_fd` >= 0 (open in this process, not close-on-exec): the
  // logger's standard output, as a master hands its own to each logger.
  explicit FakeMaster(std::vector<std::string> flags, int stdout_fd = -1)
      : dir_(testing::ShortTempDir()),
        socket_(context_, zmq::socket_type::router) {
    socket_.socket().set(zmq::sockopt::rcvtimeo, 50);
    const std::string endpoint = absl::StrCat("ipc://", dir_, "/log");
    EXPECT_TRUE(socket_.Bind(endpoint).ok());
    std::vector<std::string> argv = {testing::Runfile("logger/logger"),
                                     "--connect=" + endpoint, "--format=jsonl"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    if (stdout_fd >= 0) {
      argv.insert(argv.begin(),
                  {"/bin/sh", "-c",
                   absl::StrCat("exec \"$0\" \"$@\" 1>&", stdout_fd)});
    }
    logger_.emplace(argv, dir_);
  }

  testing::Process& logger() { return *logger_; }
  const std::string& dir() const { return dir_; }

  // Waits for the next message of the logger; nullopt if it exited first.
  std::optional<proto::Message> Next() {
    const auto end = std::chrono::steady_clock::now() + testutil::kWaitDeadline;
    while (std::chrono::steady_clock::now() < end) {
      absl::StatusOr<std::optional<proto::Parts>> in = socket_.Recv(2);
      if (in.ok() && in->has_value() && (*in)->size() == 2) {
        identity_ = std::string(proto::View((**in)[0]));
        absl::StatusOr<proto::Message> m =
            proto::Codec::Decode(proto::View((**in)[1]));
        if (m.ok()) return *m;
      }
      if (logger_->Wait(milliseconds(0))) return std::nullopt;
    }
    return std::nullopt;
  }

  bool WaitHello() {
    std::optional<proto::Message> m = Next();
    return m && std::holds_alternative<proto::LoggerHello>(*m);
  }

  // What a master sends once the input checked out (the handoff written).
  void SendWelcome() {
    ASSERT_TRUE(
        socket_.Send({identity_, proto::Codec::Encode(proto::LoggerWelcome{10})})
            .ok());
  }

  // Waits for the hello and answers it with the welcome.
  bool Welcome() {
    if (!WaitHello()) return false;
    SendWelcome();
    return true;
  }

  void SendLog(uint64_t seq, absl::string_view frame) {
    ASSERT_TRUE(socket_
                    .Send({identity_, proto::Codec::Encode(proto::Log{seq}),
                           frame})
                    .ok());
  }

  // Waits until the logger acknowledges `seq`.
  bool WaitAck(uint64_t seq) {
    for (;;) {
      std::optional<proto::Message> m = Next();
      if (!m) return false;
      if (const auto* ack = std::get_if<proto::Ack>(&*m); ack && ack->seq >= seq) {
        return true;
      }
    }
  }

  // Tells the logger the batch is over; returns its exit code.
  std::optional<int> Shutdown() {
    EXPECT_TRUE(
        socket_.Send({identity_, proto::Codec::Encode(proto::Shutdown{"done"})})
            .ok());
    return logger_->Wait(testutil::kWaitDeadline);
  }

 private:
  std::string dir_;
  zmq::context_t context_{1};
  proto::Transport socket_;
  std::string identity_;
  std::optional<testing::Process> logger_;
};

// A records frame of fib records with these ids.
std::string Frame(const std::vector<uint64_t>& ids) {
  proto::RecordWriter writer;
  for (uint64_t id : ids) {
    writer.Add(id, "fib", {proto::Value(uint64_t{7})}, proto::TaskStatus::kOk,
               "13", 4711, 1, 2);
  }
  return std::string(writer.Finish());
}

std::vector<uint64_t> Ids(const std::string& path) {
  std::vector<uint64_t> ids;
  for (const nlohmann::json& j : testing::ReadJsonl(path)) {
    ids.push_back(j["id"].get<uint64_t>());
  }
  return ids;
}

// Issue 10.13: a record id near 2^63 made the logger allocate id / 64
// words: bad_alloc on every resend, then a crash loop.
TEST(LoggerProcess, AnIdOutsideTheBatchIsABadRecordNotACrash) {
  const std::string out = testing::TempDir("huge") + "/out.jsonl";
  journal::Handoff handoff;
  handoff.id_limit = 10;
  const std::string handoff_path = testing::TempDir("huge") + "/handoff";
  ASSERT_TRUE(journal::WriteHandoff(handoff_path, handoff).ok());
  FakeMaster master({"--output=" + out, "--handoff=" + handoff_path});
  ASSERT_TRUE(master.Welcome());
  master.SendLog(1, Frame({0, kHuge, 1}));
  ASSERT_TRUE(master.WaitAck(1));
  master.SendLog(2, Frame({0, kHuge, 1, 10}));  // resent, as after a restart
  ASSERT_TRUE(master.WaitAck(2));
  EXPECT_EQ(master.Shutdown(), 0) << master.logger().err();
  EXPECT_EQ(Ids(out), (std::vector<uint64_t>{0, 1}));
  EXPECT_TRUE(absl::StrContains(master.logger().err(),
                                "records with an id outside the batch"))
      << master.logger().err();
}

TEST(LoggerProcess, WithoutAHandoffHugeIdsCostNoMemory) {
  const std::string out = testing::TempDir("nohandoff") + "/out.jsonl";
  FakeMaster master({"--output=" + out});
  ASSERT_TRUE(master.Welcome());
  // 2^39 is a possible id of a very large batch; 2^63 is not.
  master.SendLog(1, Frame({5, uint64_t{1} << 39, kHuge}));
  ASSERT_TRUE(master.WaitAck(1));
  master.SendLog(2, Frame({5, uint64_t{1} << 39, kHuge}));
  ASSERT_TRUE(master.WaitAck(2));
  EXPECT_EQ(master.Shutdown(), 0) << master.logger().err();
  EXPECT_EQ(Ids(out), (std::vector<uint64_t>{5, uint64_t{1} << 39}));
}

// Issue 10.21: the logger reads what the master found (the handoff), and
// scans only what this batch's earlier loggers wrote after it.
TEST(LoggerProcess, ReadsOnlyWhatTheBatchWroteAfterTheHandoff) {
  const std::string dir = testing::TempDir("handoff");
  const std::string out = dir + "/out.jsonl";
  // Before the offset: bytes a scan would refuse. The logger must not read
  // them: the master already did.
  const std::string before = "what the master scanned, not a record\n";
  const std::string earlier_logger =
      "{\"id\":5,\"task\":\"fib\",\"args\":[7],\"status\":\"ok\"}\n";
  testing::WriteFile(out, before + earlier_logger + "{\"id\":6,\"ta");
  journal::Handoff handoff;
  handoff.id_limit = 10;
  handoff.start_offset = before.size();
  handoff.written.Add(3);
  struct stat st;
  ASSERT_EQ(stat(out.c_str(), &st), 0);
  handoff.device = st.st_dev;
  handoff.inode = st.st_ino;
  ASSERT_TRUE(journal::WriteHandoff(dir + "/handoff", handoff).ok());

  FakeMaster master({"--output=" + out, "--handoff=" + dir + "/handoff"});
  ASSERT_TRUE(master.Welcome());
  master.SendLog(1, Frame({3, 5, 6, 7}));
  ASSERT_TRUE(master.WaitAck(1));
  EXPECT_EQ(master.Shutdown(), 0) << master.logger().err();
  const std::string text = testing::ReadFile(out);
  ASSERT_TRUE(absl::StartsWith(text, before + earlier_logger)) << text;
  std::vector<std::string> lines =
      testing::Lines(text.substr(before.size() + earlier_logger.size()));
  ASSERT_EQ(lines.size(), 2u) << "the torn line is cut, 3 and 5 are dropped";
  EXPECT_TRUE(absl::StartsWith(lines[0], "{\"id\":6,")) << lines[0];
  EXPECT_TRUE(absl::StartsWith(lines[1], "{\"id\":7,")) << lines[1];
}

// Issue 11.4: the master starts the logger with the workers, before the
// input is checked and the handoff written. Until welcomed the logger
// touches neither; told to shut down then (bad input), it just goes.
TEST(LoggerProcess, OpensNothingBeforeTheWelcome) {
  const std::string dir = testing::TempDir("unwelcomed");
  const std::string out = dir + "/out.jsonl";
  FakeMaster master({"--output=" + out, "--handoff=" + dir + "/handoff"});
  ASSERT_TRUE(master.WaitHello()) << master.logger().err();
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(master.Shutdown(), 0) << master.logger().err();
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(master.logger().err(), "");
}

// ^C reaches the whole process group: before the welcome the logger leaves
// it to the master (which stops the batch and says so); SIGTERM (the
// master died) ends it at once, the output untouched.
TEST(LoggerProcess, BeforeTheWelcomeSigintIsTheMastersAndSigtermEndsIt) {
  const std::string dir = testing::TempDir("unwelcomed_signals");
  const std::string out = dir + "/out.jsonl";
  FakeMaster master({"--output=" + out});
  ASSERT_TRUE(master.WaitHello()) << master.logger().err();
  master.logger().Signal(SIGINT);
  master.SendWelcome();  // the master did not stop: the batch goes on
  master.SendLog(1, Frame({1}));
  ASSERT_TRUE(master.WaitAck(1)) << master.logger().err();
  EXPECT_EQ(master.Shutdown(), 0) << master.logger().err();
  EXPECT_EQ(Ids(out), (std::vector<uint64_t>{1}));

  FakeMaster orphan({"--output=" + dir + "/other.jsonl"});
  ASSERT_TRUE(orphan.WaitHello()) << orphan.logger().err();
  orphan.logger().Signal(SIGTERM);
  EXPECT_EQ(orphan.logger().Wait(testutil::kWaitDeadline), 0);
  EXPECT_FALSE(std::filesystem::exists(dir + "/other.jsonl"));
}

// The handoff is read when the welcome comes, not at start.
TEST(LoggerProcess, ReadsTheHandoffWrittenAfterItSaidHello) {
  const std::string dir = testing::TempDir("late_handoff");
  const std::string out = dir + "/out.jsonl";
  FakeMaster master({"--output=" + out, "--handoff=" + dir + "/handoff"});
  ASSERT_TRUE(master.WaitHello()) << master.logger().err();
  journal::Handoff handoff;
  handoff.id_limit = 10;
  handoff.written.Add(3);  // found in the output by --resume
  ASSERT_TRUE(journal::WriteHandoff(dir + "/handoff", handoff).ok());
  master.SendWelcome();
  master.SendLog(1, Frame({3, 4}));
  ASSERT_TRUE(master.WaitAck(1));
  EXPECT_EQ(master.Shutdown(), 0) << master.logger().err();
  EXPECT_EQ(Ids(out), (std::vector<uint64_t>{4}));
}

TEST(LoggerProcess, RefusesAFileThatIsNotTheOneTheBatchStartedWith) {
  const std::string dir = testing::TempDir("replaced");
  journal::Handoff handoff;
  handoff.id_limit = 10;
  handoff.device = 1;
  handoff.inode = 1;  // no file here has these
  ASSERT_TRUE(journal::WriteHandoff(dir + "/handoff", handoff).ok());
  FakeMaster master({"--output=" + dir + "/out.jsonl", "--handoff=" + dir + "/handoff"});
  ASSERT_TRUE(master.Welcome());
  EXPECT_EQ(master.logger().Wait(testutil::kWaitDeadline), 74);
  EXPECT_TRUE(absl::StrContains(master.logger().err(), "not the file the batch started with"))
      << master.logger().err();
}

// Standard output redirected to a file with `>` is open for writing only:
// a restarted logger could not read back what the one before it wrote,
// and wrote again the records the master resent (those written but not
// yet acknowledged when the logger died).
TEST(LoggerProcess, ARestartedLoggerReadsBackStandardOutputRedirectedToAFile) {
  const std::string dir = testing::TempDir("stdout_restart");
  const std::string out = dir + "/out.jsonl";
  // `master > out.jsonl`: one write-only description, shared by every
  // logger of the batch.
  const int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  journal::Handoff handoff;
  handoff.id_limit = 20;
  ASSERT_TRUE(journal::WriteHandoff(dir + "/handoff", handoff).ok());
  const std::vector<std::string> flags = {"--output=-",
                                          "--handoff=" + dir + "/handoff"};
  {
    FakeMaster first(flags, fd);
    ASSERT_TRUE(first.Welcome());
    first.SendLog(1, Frame({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
    ASSERT_TRUE(first.WaitAck(1));
    // Killed after writing: its successor gets everything again, as the
    // master resends what it has no acknowledgement for.
    first.logger().Signal(SIGKILL);
    ASSERT_TRUE(first.logger().Wait(testutil::kWaitDeadline));
  }
  std::vector<std::string> second_flags = flags;
  second_flags.push_back("--first=false");
  FakeMaster second(second_flags, fd);
  close(fd);
  ASSERT_TRUE(second.Welcome());
  second.SendLog(1, Frame({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  second.SendLog(2, Frame({10, 11, 12, 13, 14, 15, 16, 17, 18, 19}));
  ASSERT_TRUE(second.WaitAck(2));
  EXPECT_EQ(second.Shutdown(), 0) << second.logger().err();
  std::vector<uint64_t> expected;
  for (uint64_t id = 0; id < 20; ++id) expected.push_back(id);
  EXPECT_EQ(Ids(out), expected);
  EXPECT_EQ(second.logger().err(), "");
}

// Issue 10.24: a reader that goes away (`| head -1`) ends the logger
// quietly, with the exit code the master recognizes.
TEST(LoggerProcess, AReaderThatGoesAwayEndsItQuietly) {
  const std::string fifo = testing::TempDir("pipe") + "/fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const int reader = open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  ASSERT_GE(reader, 0);
  FakeMaster master({"--output=" + fifo});
  ASSERT_TRUE(master.Welcome());
  master.SendLog(1, Frame({0}));
  ASSERT_TRUE(master.WaitAck(1));
  char line[256];
  ASSERT_GT(read(reader, line, sizeof(line)), 0);
  close(reader);  // head -1 has its line
  master.SendLog(2, Frame({1}));
  EXPECT_EQ(master.logger().Wait(testutil::kWaitDeadline), 141);
  EXPECT_EQ(master.logger().err(), "");
}

}  // namespace
}  // namespace taskfarm
