#include "tests/testutil/farm.h"

#include <fcntl.h>
#include <gmpxx.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "gtest/gtest.h"

extern char** environ;

namespace taskfarm::testing {

std::string Runfile(const std::string& path) {
  const char* dir = std::getenv("TEST_SRCDIR");
  std::string base = dir != nullptr ? dir : ".";
  return base + "/taskfarm/" + path;
}

std::string TempDir(const std::string& name) {
  static int counter = 0;
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string dir = std::string(tmp != nullptr ? tmp : "/tmp") + "/" + name +
                    "." + std::to_string(getpid()) + "." +
                    std::to_string(counter++);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string ShortTempDir() {
  char templ[] = "/tmp/tfXXXXXX";
  if (mkdtemp(templ) == nullptr) ADD_FAILURE() << "mkdtemp: " << strerror(errno);
  return templ;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

bool WaitFor(const std::function<bool()>& condition,
             std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

Process::Process(std::vector<std::string> argv, const std::string& dir,
                 const std::string& stdin_path, std::vector<std::string> env) {
  static int counter = 0;
  std::string stem = dir + "/proc" + std::to_string(counter++);
  out_path_ = stem + ".out";
  err_path_ = stem + ".err";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(
      &actions, 0, stdin_path.empty() ? "/dev/null" : stdin_path.c_str(),
      O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  // `env` entries replace the test's own of the same name.
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry = *e;
    bool replaced = false;
    for (const std::string& mine : env) {
      if (entry.substr(0, entry.find('=') + 1) == mine.substr(0, mine.find('=') + 1)) {
        replaced = true;
      }
    }
    if (!replaced) envp.push_back(*e);
  }
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    ADD_FAILURE() << "cannot start " << argv[0] << ": " << strerror(rc);
    pid_ = -1;
  }
}

Process::~Process() {
  if (pid_ > 0 && !exit_code_) {
    kill(pid_, SIGKILL);
    (void)Wait(std::chrono::seconds(10));
  }
}

std::optional<int> Process::Wait(std::chrono::milliseconds timeout) {
  if (exit_code_ || pid_ <= 0) return exit_code_;
  WaitFor(
      [this] {
        int status;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
          exit_code_ = WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                           : WEXITSTATUS(status);
        }
        return exit_code_.has_value();
      },
      timeout);
  return exit_code_;
}

void Process::Signal(int sig) const {
  if (pid_ > 0 && !exit_code_) kill(pid_, sig);
}

std::string Process::out() const { return ReadFile(out_path_); }
std::string Process::err() const { return ReadFile(err_path_); }

std::vector<std::string> MasterArgv(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {Runfile("master/master")};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

MasterRun RunMaster(const std::vector<std::string>& args,
                    std::chrono::milliseconds timeout,
                    const std::string& stdin_path) {
  Process p(MasterArgv(args), TempDir("run"), stdin_path);
  MasterRun run;
  std::optional<int> code = p.Wait(timeout);
  EXPECT_TRUE(code.has_value()) << "master did not exit in time";
  run.exit_code = code.value_or(-1);
  run.out = p.out();
  run.err = p.err();
  return run;
}

std::vector<pid_t> ChildrenOf(pid_t pid) {
  std::vector<pid_t> children;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream status(entry.path() / "status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("PPid:", 0) == 0) {
        if (std::stoi(line.substr(5)) == pid) children.push_back(std::stoi(name));
        break;
      }
    }
  }
  return children;
}

std::string CommandName(pid_t pid) {
  std::string comm = ReadFile("/proc/" + std::to_string(pid) + "/comm");
  if (!comm.empty() && comm.back() == '\n') comm.pop_back();
  return comm;
}

bool Alive(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("State:", 0) == 0) return line.find('Z') == std::string::npos;
  }
  return false;
}

std::vector<pid_t> LiveChildrenNamed(pid_t parent, const std::string& name) {
  std::vector<pid_t> out;
  for (pid_t p : ChildrenOf(parent)) {
    if (CommandName(p) == name && Alive(p)) out.push_back(p);
  }
  return out;
}

std::string Fib(uint64_t n) {
  mpz_class f;
  mpz_fib_ui(f.get_mpz_t(), n);
  return f.get_str();
}

std::vector<nlohmann::json> ReadJsonl(const std::string& path) {
  std::vector<nlohmann::json> records;
  int line_number = 0;
  for (const std::string& line : Lines(ReadFile(path))) {
    ++line_number;
    try {
      records.push_back(nlohmann::json::parse(line));
    } catch (const std::exception& e) {
      ADD_FAILURE() << path << ":" << line_number << ": not JSON: " << line;
    }
  }
  return records;
}

std::string CheckFibOutput(const std::vector<nlohmann::json>& records,
                           uint64_t n) {
  if (records.size() != n) {
    return "expected " + std::to_string(n) + " records, got " +
           std::to_string(records.size());
  }
  std::set<uint64_t> seen;
  for (const nlohmann::json& r : records) {
    uint64_t id = r.at("id").get<uint64_t>();
    if (!seen.insert(id).second) return "id " + std::to_string(id) + " twice";
    if (id >= n) return "unexpected id " + std::to_string(id);
    if (r.at("status") != "ok") return "id " + std::to_string(id) + " not ok: " + r.dump();
    uint64_t arg = r.at("args").at(0).get<uint64_t>();
    if (r.at("result") != Fib(arg)) return "wrong result: " + r.dump();
  }
  return "";
}

}  // namespace taskfarm::testing
