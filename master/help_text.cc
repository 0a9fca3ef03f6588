// The --help text of the master (taskfarm). The man page is made from it
// by help2man (//:taskfarm_man), and bash completion takes the flag names
// from it (//:taskfarm_completion): keep flags as "  --name" at the start
// of a line.

#include "absl/strings/str_cat.h"
#include "master/dashboard/flags.h"
#include "master/flags.h"
#include "master/remote_flags.h"

namespace taskfarm::master {

std::string HelpText() {
  return absl::StrCat(R"(taskfarm: run a batch of jobs or tasks on every core, with crash isolation.

Usage:
  taskfarm [FLAGS] COMMAND [ARG...] ::: VALUE...    run COMMAND once per value
  taskfarm [FLAGS] COMMAND [ARG...] :::: FILE...    values from files, one a line
  taskfarm [FLAGS] -a FILE COMMAND [ARG...]         the same
  taskfarm [FLAGS] -- COMMAND [ARG...] < FILE       values from standard input
  taskfarm [FLAGS] [FILE... | -]                    tasks of the task language
  taskfarm [FLAGS] --tasks='fib 30; fib 1..10'     tasks given inline
  taskfarm                                          a small demo batch

Running commands (GNU Parallel's way of writing a batch):
  e.g.  taskfarm gzip -9 ::: *.log
        taskfarm convert {} {.}.png ::: *.jpg
        taskfarm -j 4 ./sim --seed {1} --size {2} ::: 1 2 3 ::: 10 20
  Flags end where COMMAND begins. The words after FLAGS are a command
  template if a source separator (:::, :::+, ::::, ::::+) follows them, or
  if -a FILE or an explicit -- comes before them; otherwise they are task
  files. (A task file named ::: must be written ./:::.)
  Sources: ::: VALUE...  (a newline in a value splits it);  :::: FILE...
  (one value per line, - for standard input);  -a FILE;  :::+ / ::::+ link
  a source to the one before it (values side by side). Several sources
  give every combination, the last varying fastest.
  Replacement strings: {} the value, {.} without extension, {/} basename,
  {//} dirname, {/.} basename without extension, {#} job number (from 1),
  {%} job slot (--dry-run only), {N} {N.} {N/} {N//} {N/.} the same for
  source N. No replacement string: the values are appended.
  Quoting: no shell runs: every word of the command is one argument, and a
  value is one argument, never split or expanded. If the command runs a
  shell (sh -c SCRIPT, bash -c SCRIPT), values in SCRIPT are quoted for it
  as GNU Parallel quotes them. Each job is an exec task, with every
  guarantee below; --resume keys jobs by their command lines.
  --dry-run              print the commands, as parallel --dry-run does; run
                         nothing
  -j N, --jobs=N         workers (N, +N, -N: CPUs plus/minus N, N%: of the CPUs)
  -k                     --keep-order
  --bar                  --progress
  --joblog=FILE          GNU Parallel's job log: Seq Host Starttime
                         JobRuntime Send Receive Exitval Signal Command,
                         tab-separated
  --results=DIR          --results-dir=DIR
  -a FILE, --arg-file=FILE   values from FILE, one a line
  --will-cite            accepted (taskfarm prints no citation notice)
  Other GNU Parallel flags are refused by name.

Task language, one task per line:
  KIND ARG...      e.g. "fib 30"; "#" starts a comment; blank lines are skipped
  A..B             an integer range: "fib 1..90" is 90 tasks (ranges in
                   several arguments give every combination)
  '...' "..."      quoting, for arguments with blanks ("\n", "\t", "\"" escapes)
  --tasks=TEXT     tasks given inline (';' separates them); an empty TEXT
                   is an empty batch
Task ids count from 0 in input order after expansion. Bad input is reported
as FILE:LINE: message, and nothing runs.

Processes:
  --workers=K            compute workers (default: CPU count - 1, at least
                         1); more than the CPUs is allowed with a warning,
                         more than the machine's limits is refused
  --worker_bin=PATH      worker executable (default: beside the master; use it
                         to run a worker with your own task kinds)
  --logger_bin=PATH      logger executable
  --list-tasks           print the task kinds the worker offers, and exit

Output:
  --output=FILE          write records to FILE (default: standard output)
  --format=F             text (default), jsonl or csv
  --fsync                records are on disk before they count as written
  --resume               continue the batch in --output=FILE: skip the ids it
                         holds (same task list only; a torn last line is cut)
  --stats-json=FILE      write the end-of-batch summary as JSON
  --results-dir=DIR      exec tasks save their full stdout/stderr here

Batch runner:
  --keep-order           write records in task id order, as they stream; at
                         most --reorder-window tasks (default 100000) run
                         ahead of the lowest unfinished one
  --progress, --noprogress   a progress line on standard error: done/total,
                         %, tasks/s, ETA, failures, workers (default: when
                         standard error is a terminal)
  --halt=WHEN,COND       stop early, as in GNU Parallel: WHEN is now (abandon
                         running tasks) or soon (let them finish); COND is
                         fail=N, fail=N%, success=N or success=N% (of all
                         tasks); default never
  JSON lines             a line {"task":"fib","args":[30]} is a task too; the
                         two forms mix freely

Failures:
  --retries=K            strikes before a task is quarantined (1 to 1000,
                         default 3)
  --timeout=DURATION     per-task time limit, e.g. 30s; a bare number is
                         seconds (default: none)
  --heartbeat=DURATION   worker heartbeat interval (10ms to 1h, default 1s)
  --liveness=N           missed heartbeats before a worker is lost (2 to
                         1000, default 3); heartbeat x liveness >= 200ms
  --max-memory=MB        memory a task may allocate (>= 16); beyond it the
                         worker dies and the task is reported oom (default:
                         no limit)
  --max-tasks-per-worker=K   replace each worker after K tasks (default: never)
  --restart-delay=D      first restart delay after repeated quick deaths
                         (default 100ms; doubles each time)
  --restart-max-delay=D  cap of the restart delay (default 5s)
  --crash-loop=N         stop (exit 3) after N deaths with no task
                         succeeding (default 10; 0: never stop)
  --crash-loop-window=D  ... within this window (default 30s)
  --grace=DURATION       on SIGINT/SIGTERM/SIGQUIT, let running tasks finish
                         this long (default 5s); a second signal stops at once

Scheduling (rarely needed; batching adapts to measured task time):
  --batch-time=D         target compute time of one batch (1ms to 1m,
                         default 10ms)
  --window=N             batches a worker may hold (1 to 64, default 2)
  --max-batch=N          largest batch (1 to 65536, default 1024)
)", RemoteHelpText(), dashboard::DashboardHelpText(), R"(
  --version, --help

Flag names take dashes or underscores. Durations: 500ms, 30s, 2m.
Exit codes: 0 all tasks ok, 1 some task not ok, 2 usage or input error,
3 crash loop, 4 output cannot be written, 128+N stopped by signal N.
)");
}

}  // namespace taskfarm::master
