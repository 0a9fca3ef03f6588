// File: bench/peers/single_process.cc
//
// The no-IPC limit for issue 5: one process reads the task file, computes
// every `fib N` with uint64_t arithmetic (N <= 93) and writes the same jsonl
// records a task farm writes, through large buffered writes. No workers, no
// sockets, no serialisation besides the output itself: whatever a farm
// spends above this figure is the price of its processes and messages.
//
// It does the work a real program does: it parses each line (and rejects
// bad ones with FILE:LINE, exit 2), runs the iterative loop for each task,
// times each task, and formats each record; nothing is precomputed.
//
//   bazel-bin/bench/peers/single_process INPUT OUTPUT
//
// Records: {"id":I,"task":"fib","args":[N],"status":"ok","result":"F",
//           "worker":PID,"attempts":1,"elapsed_us":E}, id = line number
// from 1.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace {

constexpr int kMaxN = 93;  // fib(93) is the largest that fits in uint64_t
constexpr size_t kFlushBytes = 1 << 20;

uint64_t Fib(int n) {
  uint64_t a = 0;
  uint64_t b = 1;
  for (int i = 0; i < n; ++i) {
    const uint64_t next = a + b;
    a = b;
    b = next;
  }
  return a;
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "single_process: %s\n", what.c_str());
  std::exit(1);
}

bool ReadFile(const char* path, std::string* out) {
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st;
  if (fstat(fd, &st) == 0 && st.st_size > 0) {
    out->reserve(static_cast<size_t>(st.st_size));
  }
  char chunk[1 << 16];
  for (;;) {
    const ssize_t got = read(fd, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      close(fd);
      return false;
    }
    if (got == 0) break;
    out->append(chunk, static_cast<size_t>(got));
  }
  close(fd);
  return true;
}

// Writes all of `data` to `fd`; false on error.
bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t put = write(fd, data.data(), data.size());
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) return false;
    data.remove_prefix(static_cast<size_t>(put));
  }
  return true;
}

template <typename Int>
void AppendInt(std::string* out, Int v) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, static_cast<size_t>(end - buf));
}

// Parses "fib N" (surrounding blanks allowed). Returns false if malformed.
bool ParseTask(std::string_view line, int* n) {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' ||
                           line.back() == '\r')) {
    line.remove_suffix(1);
  }
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
    line.remove_prefix(1);
  }
  constexpr std::string_view kKind = "fib";
  if (line.substr(0, kKind.size()) != kKind) return false;
  line.remove_prefix(kKind.size());
  if (line.empty() || (line.front() != ' ' && line.front() != '\t')) {
    return false;
  }
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
    line.remove_prefix(1);
  }
  const char* end = line.data() + line.size();
  const auto [ptr, ec] = std::from_chars(line.data(), end, *n);
  return ec == std::errc() && ptr == end && *n >= 0 && *n <= kMaxN;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s INPUT OUTPUT\n", argv[0]);
    return 2;
  }
  const char* input_path = argv[1];
  const char* output_path = argv[2];

  std::string input;
  if (!ReadFile(input_path, &input)) {
    Die(std::string(input_path) + ": " + std::strerror(errno));
  }
  const int out_fd =
      open(output_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out_fd < 0) Die(std::string(output_path) + ": " + std::strerror(errno));

  const pid_t pid = getpid();
  std::string out;
  out.reserve(kFlushBytes + 4096);
  std::string_view rest = input;
  uint64_t id = 0;
  while (!rest.empty()) {
    const size_t eol = rest.find('\n');
    const std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol == std::string_view::npos ? rest.size() : eol + 1);
    ++id;
    int n = 0;
    if (!ParseTask(line, &n)) {
      std::fprintf(stderr, "%s:%llu: expected `fib N` with 0 <= N <= %d\n",
                   input_path, static_cast<unsigned long long>(id), kMaxN);
      return 2;
    }

    const auto start = std::chrono::steady_clock::now();
    const uint64_t result = Fib(n);
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - start);

    out += "{\"id\":";
    AppendInt(&out, id);
    out += ",\"task\":\"fib\",\"args\":[";
    AppendInt(&out, n);
    out += "],\"status\":\"ok\",\"result\":\"";
    AppendInt(&out, result);
    out += "\",\"worker\":";
    AppendInt(&out, pid);
    out += ",\"attempts\":1,\"elapsed_us\":";
    AppendInt(&out, elapsed.count());
    out += "}\n";
    if (out.size() >= kFlushBytes) {
      if (!WriteAll(out_fd, out)) Die(std::string("write: ") + std::strerror(errno));
      out.clear();
    }
  }
  if (!WriteAll(out_fd, out) || close(out_fd) != 0) {
    Die(std::string(output_path) + ": " + std::strerror(errno));
  }
  return 0;
}
