// End to end: sibling processes only ever talk through the master. While a
// batch runs, every unix socket of every worker and of the logger is read
// from the kernel (ss -x, the sock_diag view of socket peers) and its peer
// must belong to the master.

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "tests/testutil/farm.h"

namespace taskfarm::testing {
namespace {

struct UnixSocket {
  std::string local_address;
  std::string inode;
  std::string peer_inode;
  std::set<pid_t> owners;
};

// Connected unix sockets, as `ss -xpn` reports them.
std::vector<UnixSocket> ConnectedUnixSockets(const std::string& dir) {
  Process ss({"/bin/ss", "-xpn"}, dir);
  EXPECT_EQ(ss.Wait(std::chrono::seconds(30)), 0) << ss.err();
  std::vector<UnixSocket> sockets;
  const std::regex pid_re("pid=(\\d+)");
  for (const std::string& line : Lines(ss.out())) {
    std::istringstream in(line);
    std::string netid, state, recvq, sendq;
    UnixSocket s;
    std::string peer_address;
    if (!(in >> netid >> state >> recvq >> sendq >> s.local_address >> s.inode >>
          peer_address >> s.peer_inode)) {
      continue;
    }
    if (state != "ESTAB") continue;
    for (std::sregex_iterator it(line.begin(), line.end(), pid_re), end; it != end; ++it) {
      s.owners.insert(std::stoi((*it)[1]));
    }
    sockets.push_back(s);
  }
  return sockets;
}

TEST(Isolation, NoSocketJoinsTwoSiblings) {
  std::string dir = TempDir("isolation");
  Process master(MasterArgv({"--workers=3", "--tasks=sleep 600000; sleep 1..100000"}),
                 dir);
  // Every child is up and connected: each owns a connected socket (a
  // record in the output alone does not say that the third worker is).
  std::vector<pid_t> children;
  std::vector<UnixSocket> sockets;
  ASSERT_TRUE(WaitFor(
      [&] {
        children = ChildrenOf(master.pid());
        if (children.size() != 4 || Lines(master.out()).empty()) return false;
        sockets = ConnectedUnixSockets(dir);
        for (pid_t child : children) {
          bool connected = false;
          for (const UnixSocket& s : sockets) connected |= s.owners.count(child) > 0;
          if (!connected) return false;
        }
        return true;
      },
      std::chrono::seconds(60)));

  std::map<std::string, std::set<pid_t>> owners;  // inode -> pids
  for (const UnixSocket& s : sockets) owners[s.inode] = s.owners;
  for (pid_t child : children) {
    SCOPED_TRACE(CommandName(child) + " " + std::to_string(child));
    int to_master = 0;
    for (const UnixSocket& s : sockets) {
      if (!s.owners.count(child)) continue;
      const std::set<pid_t>& peer = owners[s.peer_inode];
      EXPECT_EQ(peer, std::set<pid_t>{master.pid()})
          << "socket " << s.inode << " of " << child << " joins pids "
          << ::testing::PrintToString(peer);
      ++to_master;
    }
    // Workers: a task socket and a heartbeat socket; the logger: one.
    EXPECT_GE(to_master, 1);
  }
  master.Signal(SIGKILL);
}

TEST(Isolation, RuntimeDirectoryIsPrivate) {
  std::string dir = TempDir("private");
  std::string tmp = ShortTempDir();
  Process master(MasterArgv({"--workers=1", "--tasks=sleep 600000"}), dir, "",
                 {"TMPDIR=" + tmp});
  std::string rundir;
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const auto& e : std::filesystem::directory_iterator(tmp)) rundir = e.path();
        return !rundir.empty() && std::filesystem::exists(rundir + "/work");
      },
      std::chrono::seconds(30)));
  struct stat st;
  ASSERT_EQ(stat(rundir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  master.Signal(SIGTERM);
  EXPECT_EQ(master.Wait(std::chrono::seconds(30)), 128 + SIGTERM);
  EXPECT_FALSE(std::filesystem::exists(rundir));
  std::filesystem::remove(tmp);
}

}  // namespace
}  // namespace taskfarm::testing
