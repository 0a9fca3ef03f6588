// The taskfarm logger: the one process that writes a batch's output. The
// master starts it; users never need to.

#include <sys/prctl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "journal/format.h"
#include "logger/logger.h"

ABSL_FLAG(std::string, connect, "", "the master's log endpoint");
ABSL_FLAG(std::string, output, "-", "output file, - for standard output");
ABSL_FLAG(std::string, format, "text", "text, jsonl or csv");
ABSL_FLAG(std::string, handoff, "",
          "the master's handoff file (the batch's id range, and what the "
          "output held before it)");
ABSL_FLAG(bool, fsync, false, "fdatasync before acknowledging records");
ABSL_FLAG(bool, keep_order, false, "write records in task id order");
ABSL_FLAG(bool, progress, false, "draw a progress line on standard error");
ABSL_FLAG(std::string, joblog, "", "GNU Parallel's job log");
ABSL_FLAG(bool, first, true,
          "this is the batch's first logger (writes the csv header)");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "taskfarm logger: writes a batch's records; started by the master.\n"
      "Exit codes: 0 done, 2 usage, 74 the output cannot be written, 75 the\n"
      "master is gone, 141 the reader of the output went away.");
  absl::ParseCommandLine(argc, argv);
  // When the master dies, flush and go (the master set SIGKILL at spawn;
  // SIGTERM lets the records already received reach the file).
  pid_t parent = getppid();
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) return taskfarm::logger::kExitMasterLost;

  std::optional<taskfarm::journal::Format> format =
      taskfarm::journal::ParseFormat(absl::GetFlag(FLAGS_format));
  if (!format || absl::GetFlag(FLAGS_connect).empty()) {
    std::fprintf(stderr, "logger: need --connect and --format=text|jsonl|csv\n");
    return taskfarm::logger::kExitUsage;
  }
  taskfarm::logger::LoggerOptions options{
      .endpoint = absl::GetFlag(FLAGS_connect),
      .output = absl::GetFlag(FLAGS_output),
      .handoff = absl::GetFlag(FLAGS_handoff),
      .format = *format,
      .fsync = absl::GetFlag(FLAGS_fsync),
      .first = absl::GetFlag(FLAGS_first),
      .keep_order = absl::GetFlag(FLAGS_keep_order),
      .progress = absl::GetFlag(FLAGS_progress),
      .joblog = absl::GetFlag(FLAGS_joblog)};
  return taskfarm::logger::Logger(options).Run();
}
