#include "master/parallel_flags.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace taskfarm::master {
namespace {

// GNU Parallel's flags (20221122) that taskfarm does not offer.
bool IsUnsupportedLong(absl::string_view name) {
  static const auto* const kNames = new absl::flat_hash_set<absl::string_view>{
      "pipe", "pipepart", "pipe-part", "block", "block-size", "blocksize",
      "recstart", "recend", "regexp", "remove-rec-sep", "rrs", "tag",
      "tagstring", "tag-string", "ctag", "ctagstring", "color",
      "color-failed", "line-buffer", "lb", "group", "ungroup", "colsep",
      "header", "null", "delimiter", "xargs", "max-args", "max-replace-args",
      "max-lines", "max-chars", "replace", "extensionreplace",
      "basenamereplace", "dirnamereplace", "basenameextensionreplace",
      "seqreplace", "slotreplace", "quote", "sshlogin", "sshloginfile",
      "slf", "ssh", "sshdelay", "ssh-delay", "transfer", "transferfile",
      "tf", "return", "cleanup", "trc", "basefile", "bf", "workdir", "wd",
      "env", "record-env", "session", "nice", "delay", "load", "memfree",
      "memsuspend", "noswap", "limit", "eta", "total-jobs", "shuf",
      "shebang", "shebang-wrap", "semaphore", "sem", "semaphoretimeout",
      "semaphorename", "fg", "bg", "id", "fifo", "cat", "compress",
      "compress-program", "decompress-program", "files", "files0",
      "resume-failed", "retry-failed", "halt-on-error", "onall", "nonall",
      "plus", "rpl", "parens", "shellquote", "tmux", "tmuxpane", "tty",
      "open-tty", "verbose", "interactive", "no-notice", "bibtex",
      "citation", "arg-sep", "arg-file-sep", "filter", "filter-hosts",
      "fast", "link", "xapply", "trim", "number-of-cpus",
      "number-of-cores", "number-of-sockets", "number-of-threads",
      "use-cpus-instead-of-cores", "use-cores-instead-of-threads",
      "use-sockets-instead-of-threads", "csv", "sql", "sqlmaster",
      "sqlandworker", "sqlworker", "template", "hostgroups", "hgrp", "embed",
      "joblog-append", "max-line-length-allowed", "minversion", "tollef",
      "gnu", "profile", "keep-order-by-job", "ungroup", "line-buffered",
      "latest-line", "ll", "results-csv", "outputasfiles", "output-as-files",
      "silent", "termseq", "show-limits", "progress-sql", "retries-failed",
      "exit", "dr", "shell-completion", "mem-limit", "tee", "split"};
  return kNames->contains(name);
}

// Parallel's one-letter flags taskfarm does not offer (-j -k -a -P are
// translated, -h is taskfarm's --help).
constexpr absl::string_view kUnsupportedShort = "0ACEIJLMNSUVXYbcdefgilmnqrstuvwxy";

absl::StatusOr<std::string> Value(const std::vector<std::string>& argv,
                                  size_t* i, absl::string_view attached,
                                  absl::string_view flag) {
  if (!attached.empty()) return std::string(attached);
  if (*i + 1 >= argv.size()) {
    return absl::InvalidArgumentError(absl::StrCat(flag, " needs a value"));
  }
  return argv[++*i];
}

}  // namespace

absl::StatusOr<int> ParseJobs(const std::string& value, int cpus) {
  absl::string_view v = value;
  int n = 0;
  long long result = 0;
  if (absl::ConsumeSuffix(&v, "%") && absl::SimpleAtoi(v, &n) && n > 0) {
    result = std::max<long long>(1, static_cast<long long>(cpus) * n / 100);
  } else if ((absl::StartsWith(v, "+") || absl::StartsWith(v, "-")) &&
             absl::SimpleAtoi(v.substr(1), &n) && n >= 0) {
    result = v[0] == '+' ? static_cast<long long>(cpus) + n
                         : std::max<long long>(1, static_cast<long long>(cpus) - n);
  } else if (v == value && absl::SimpleAtoi(v, &n) && n > 0) {
    result = n;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "-j ", value, ": use a number of jobs N >= 1, +N or -N (CPUs plus or "
        "minus N) or N% (of the CPUs); taskfarm has no -j 0"));
  }
  return static_cast<int>(std::min<long long>(result, 1 << 30));
}

absl::StatusOr<std::optional<ParallelFlag>> TranslateParallelFlag(
    const std::vector<std::string>& argv, size_t* i, int cpus) {
  const std::string& arg = argv[*i];
  ParallelFlag out;
  if (arg.size() >= 2 && arg[0] == '-' && arg[1] != '-') {
    // One letter, its value attached (-j4) or in the next word.
    const char letter = arg[1];
    const absl::string_view attached = absl::string_view(arg).substr(2);
    if (letter == 'k' && attached.empty()) {
      out.flags.push_back("--keep_order");
      return out;
    }
    if ((letter == 'j' || letter == 'P') &&
        (attached.empty() || !absl::ascii_isalpha(static_cast<unsigned char>(attached[0])))) {
      absl::StatusOr<std::string> v = Value(argv, i, attached, "-j");
      if (!v.ok()) return v.status();
      absl::StatusOr<int> jobs = ParseJobs(*v, cpus);
      if (!jobs.ok()) return jobs.status();
      out.flags.push_back(absl::StrCat("--workers=", *jobs));
      return out;
    }
    if (letter == 'a' && (attached.empty() || attached[0] != 'l')) {  // not -allow
      absl::StatusOr<std::string> v = Value(argv, i, attached, "-a");
      if (!v.ok()) return v.status();
      out.arg_file = *v;
      return out;
    }
    if (arg.size() == 2 && absl::StrContains(kUnsupportedShort, letter)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "GNU Parallel's ", arg, " is not supported by taskfarm (see --help)"));
    }
    return std::nullopt;
  }
  if (!absl::StartsWith(arg, "--")) return std::nullopt;
  absl::string_view body = absl::string_view(arg).substr(2);
  absl::string_view name = body, attached;
  if (size_t eq = body.find('='); eq != absl::string_view::npos) {
    name = body.substr(0, eq);
    attached = body.substr(eq + 1);
  }
  if (name == "jobs" || name == "max-procs") {
    absl::StatusOr<std::string> v = Value(argv, i, attached, arg);
    if (!v.ok()) return v.status();
    absl::StatusOr<int> jobs = ParseJobs(*v, cpus);
    if (!jobs.ok()) return jobs.status();
    out.flags.push_back(absl::StrCat("--workers=", *jobs));
  } else if (name == "bar") {
    out.flags.push_back("--progress");
  } else if (name == "will-cite") {
    // Parallel's citation notice; taskfarm prints none.
  } else if (name == "dry-run" || name == "dryrun") {
    out.flags.push_back("--dry_run");
  } else if (name == "results" || name == "res" || name == "joblog" ||
             name == "arg-file") {
    absl::StatusOr<std::string> v = Value(argv, i, attached, arg);
    if (!v.ok()) return v.status();
    if (name == "arg-file") {
      out.arg_file = *v;
    } else {
      out.flags.push_back(absl::StrCat(
          name == "joblog" ? "--joblog=" : "--results_dir=", *v));
    }
  } else if (name == "timeout") {
    // Parallel's --timeout counts seconds; taskfarm's takes units too.
    absl::StatusOr<std::string> v = Value(argv, i, attached, arg);
    if (!v.ok()) return v.status();
    double seconds = 0;
    if (absl::EndsWith(*v, "%")) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--timeout=", *v, ": a percentage of the median run time is not "
          "supported; give a duration (30, 30s, 2m)"));
    }
    out.flags.push_back(absl::SimpleAtod(*v, &seconds)
                            ? absl::StrCat("--timeout=", *v, "s")
                            : absl::StrCat("--timeout=", *v));
  } else if (IsUnsupportedLong(name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "GNU Parallel's --", name, " is not supported by taskfarm (see --help)"));
  } else {
    return std::nullopt;
  }
  return out;
}

}  // namespace taskfarm::master
