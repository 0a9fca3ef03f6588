// exec PROGRAM ARG...: runs a program and returns what it printed, like
// Node's child_process.execFile. There is no shell (write `sh -c '...'` for
// one); PROGRAM is looked up in PATH; stdin is /dev/null; the program dies
// with the worker that runs it (see subprocess.h).
//
// Result: if the program exits 0, its stdout without one trailing newline.
// Past kResultBytes the stdout is cut and "\u2026[truncated N bytes]" says
// how much is missing.
//
// Errors, all starting with "exec: PROGRAM: ":
//   - it cannot start: the errno of the failing step, e.g. kNotFound with
//     "exec: nosuchprog: No such file or directory";
//   - it exits non-zero or is killed: kUnknown with "exit 3" or "killed by
//     SIGSEGV", then "; stderr: " and the end of its stderr, if any;
//   - its output files cannot be written: errno's code and the file.
//
// With --results-dir DIR the first kFileBytes of stdout and of stderr also
// go to DIR/ID.ATTEMPT.stdout and DIR/ID.ATTEMPT.stderr as they arrive (ID
// the task id, ATTEMPT its attempt number), so every attempt keeps its full
// output; a cut file ends with the same truncation note.

#include <fcntl.h>
#include <sys/wait.h>

#include <cerrno>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "tasks/library/output_capture.h"
#include "base/scoped_fd.h"
#include "tasks/library/subprocess.h"
#include "tasks/registry.h"
#include "tasks/task.h"

namespace taskfarm::tasks {
namespace {

constexpr size_t kResultBytes = size_t{64} << 10;
constexpr size_t kFileBytes = size_t{64} << 20;

absl::Status WithPrefix(absl::string_view prefix, const absl::Status& s) {
  return absl::Status(s.code(), absl::StrCat(prefix, s.message()));
}

// Where one attempt's full output goes: DIR/ID.ATTEMPT.stdout and .stderr,
// or nowhere (invalid descriptors) when the batch has no results dir.
struct OutputFiles {
  std::string out_name, err_name;
  base::ScopedFd out, err;
};

absl::StatusOr<base::ScopedFd> CreateFile(const std::string& path) {
  base::ScopedFd fd(
      open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid()) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot create ", path));
  }
  return fd;
}

absl::StatusOr<OutputFiles> CreateOutputFiles(const Call& call) {
  OutputFiles files;
  const std::string& dir = call.env().results_dir;
  if (dir.empty()) return files;
  const std::string base =
      absl::StrCat(dir, "/", call.id(), ".", call.attempt());
  files.out_name = base + ".stdout";
  files.err_name = base + ".stderr";
  absl::StatusOr<base::ScopedFd> out = CreateFile(files.out_name);
  if (!out.ok()) return out.status();
  absl::StatusOr<base::ScopedFd> err = CreateFile(files.err_name);
  if (!err.ok()) return err.status();
  files.out = *std::move(out);
  files.err = *std::move(err);
  return files;
}

// The error for a program that did not exit 0.
absl::Status ProgramFailed(absl::string_view program, int wait_status,
                           const OutputCapture& err) {
  std::string message =
      absl::StrCat("exec: ", program, ": ", DescribeWaitStatus(wait_status));
  absl::string_view tail = err.Tail();
  absl::ConsumeSuffix(&tail, "\n");
  if (!tail.empty()) {
    const bool cut = err.total_bytes() > err.Tail().size();
    absl::StrAppend(&message, "; stderr: ", cut ? "\u2026" : "", tail);
  }
  return absl::UnknownError(message);
}

absl::Status Exec(const Call& call, std::string* result) {
  std::vector<std::string> argv;
  for (size_t i = 0; i < call.size(); ++i) argv.emplace_back(call.Str(i));
  const std::string prefix = absl::StrCat("exec: ", argv[0], ": ");
  absl::StatusOr<Subprocess> child = Subprocess::Start(argv);
  if (!child.ok()) return WithPrefix("exec: ", child.status());

  // Returning early kills the child (Subprocess's destructor).
  absl::StatusOr<OutputFiles> files = CreateOutputFiles(call);
  if (!files.ok()) return WithPrefix(prefix, files.status());
  // Only the end of stderr is shown (in errors), so none is kept from the
  // start.
  OutputCapture out(kResultBytes, std::move(files->out), kFileBytes);
  OutputCapture err(0, std::move(files->err), kFileBytes);
  absl::Status read =
      ReadUntilEof({{child->stdout_fd(), &out}, {child->stderr_fd(), &err}});
  if (!read.ok()) return WithPrefix(prefix, read);
  absl::StatusOr<int> wait_status = child->Wait();
  if (!wait_status.ok()) return WithPrefix(prefix, wait_status.status());
  absl::Status out_written = out.Finish(files->out_name);
  absl::Status err_written = err.Finish(files->err_name);

  if (!WIFEXITED(*wait_status) || WEXITSTATUS(*wait_status) != 0) {
    return ProgramFailed(argv[0], *wait_status, err);
  }
  if (!out_written.ok()) return WithPrefix(prefix, out_written);
  if (!err_written.ok()) return WithPrefix(prefix, err_written);
  if (out.total_bytes() > out.head().size()) {
    absl::StrAppend(result, out.HeadWithNote());
  } else {
    absl::StrAppend(result, absl::StripSuffix(out.head(), "\n"));
  }
  return absl::OkStatus();
}

}  // namespace

TASKFARM_TASK(exec, "str str...",
              "PROGRAM ARG...: runs PROGRAM (PATH, no shell): its stdout on "
              "exit 0, else an error with its stderr",
              &Exec);

}  // namespace taskfarm::tasks
