// GNU Parallel is the oracle: for each command template and input source
// of the table, `taskfarm --dry-run` must print exactly what the installed
// `parallel --dry-run` prints (Debian's parallel, tools/bazel installs it).
//
// Three kinds of rows:
//  - plain templates: against `parallel --dry-run -k -j1`, the same words;
//  - templates whose own words hold blanks, quotes or $ (no shell runs in
//    taskfarm: a word is one argument): against `parallel -q`, Parallel's
//    mode for exactly that;
//  - `sh -c SCRIPT` templates: values in SCRIPT are quoted as Parallel
//    quotes them, so SCRIPT's jobs must be what `parallel --dry-run SCRIPT`
//    prints, and the line taskfarm prints is `sh -c ` and that script as
//    `parallel --shellquote` quotes it.

#include <unistd.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testutil/farm.h"

namespace taskfarm::testing {
namespace {

enum class Oracle { kPlain, kQuoted, kShell };

struct Row {
  std::string name;
  std::vector<std::string> args;  // after `--dry-run -j1`
  Oracle oracle = Oracle::kPlain;
  std::string stdin_text;  // for :::: - and -a -
};

const std::vector<Row>& Table() {
  static const auto* const kRows = new std::vector<Row>{
      {"several dots", {"echo", "{}", "{.}", ":::", "a.b.c.txt", "archive.tar.gz"}},
      {"paths", {"echo", "{/}", "{//}", "{/.}", ":::", "/x/y/a.b.c", "dir/file.tar.gz", "rel/x"}},
      {"no extension", {"echo", "{.}", "{/.}", ":::", "noext", "dir/noext", "dir.d/noext"}},
      {"trailing slashes", {"echo", "{/}", "{//}", "{.}", ":::", "dir/", "a/b/", "/", "a//b//"}},
      {"hidden and trailing dots", {"echo", "{.}", "{/.}", ":::", ".hidden", "a/.b", "x.", "a.b/"}},
      {"dirname corners", {"echo", "{//}", ":::", "", "noext", "//", "/a"}},
      {"spaces", {"echo", "{}", ":::", "with space", "two  spaces", " lead", "trail "}},
      {"quotes", {"echo", "{}", ":::", "it's", "say \"hi\"", "'", "''", "a'b'c"}},
      {"dollar and commands", {"echo", "{}", ":::", "$HOME", "$(date)", "`id`", "${x}"}},
      {"globs", {"echo", "{}", ":::", "*", "?.txt", "[ab]", "*.log"}},
      {"empty value", {"echo", "{}", ":::", ""}},
      {"empty inside a word", {"echo", "x{}y", "{}.gz", ":::", "", "a"}},
      {"unicode", {"echo", "{}", "{.}", ":::", "\xc3\xbcn\xc3\xafc\xc3\xb6" "d\xc3\xa9",
                   "\xe6\x97\xa5\xe6\x9c\xac.txt"}},
      {"two groups", {"echo", "{1}", "{2}", ":::", "a", "b", ":::", "1", "2"}},
      {"two groups, no replacement", {"echo", ":::", "a", "b", ":::", "1", "2"}},
      {"three groups", {"echo", "{3}", "{1}", "{2}", ":::", "a", "b", ":::", "1", "2", ":::", "x", "y"}},
      {"linked", {"echo", "{1}", "{2}", ":::", "a", "b", "c", ":::+", "1", "2", "3"}},
      {"linked, shorter", {"echo", "{1}={2}", ":::", "a", "b", "c", ":::+", "1", "2"}},
      {"linked then crossed", {"echo", "{1}", "{2}", "{3}", ":::", "a", "b", ":::+", "1", "2", ":::", "x", "y"}},
      {"file source", {"echo", "{}", "::::", "values.txt"}},
      {"two file sources", {"echo", "{1}", "{2}", "::::", "f1", "::::", "f2"}},
      {"two files in one ::::", {"echo", "::::", "f1", "f2"}},
      {"linked file source", {"echo", "{1}", "{2}", "::::", "f1", "::::+", "f2"}},
      {"-a file", {"-a", "values.txt", "echo", "{}"}},
      {"-a and :::", {"-a", "f1", "echo", "{2}", "{1}", ":::", "z", "w"}},
      {"standard input", {"echo", "{#}", "{}", "::::", "-"}, Oracle::kPlain, "s 1\n$x\n\nlast"},
      {"job numbers", {"echo", "{#}", "{}", ":::", "a", "b", "c"}},
      {"one empty line on standard input", {"echo", "x{}y", "::::", "-"}, Oracle::kPlain, "\n"},
      {"job slot", {"echo", "{%}", "{#}", ":::", "a", "b"}},
      {"no replacement string", {"gzip", "-9", ":::", "a.log", "b c.log"}},
      {"convert", {"convert", "{}", "{.}.png", ":::", "img.jpg", "my pic.jpeg"}},
      {"backup copies", {"cp", "{}", "{.}.bak", ":::", "a b.txt", "c.txt"}},
      {"numbered variants", {"echo", "{2.}", "{1/}", "{1//}", "{2/.}", ":::", "a/b.c", ":::", "d/e.f.g"}},
      {"option with a value", {"echo", "--out={}.gz", "-o{.}", ":::", "a b", "c.d"}},
      {"tab", {"echo", "{}", ":::", "tab\there"}},
      {"newline splits a value", {"echo", "{#}", "{}", ":::", "line1\nline2", "x\n"}},
      {"dashes", {"echo", "{}", ":::", "-dash", "--double", "-"}},
      {"shell operators", {"echo", "{}", ":::", "a;b", "a|b", "a&b", "a>b", "a<b", "(x)"}},
      {"tilde, equals, hash, bang", {"echo", "{}", ":::", "~", "~user", "a=b", "#x", "!x", "x#"}},
      {"backslash", {"echo", "{}", ":::", "back\\slash", "\\", "a\\nb"}},
      {"value with dots and blanks", {"echo", "{1.}", "{1}", ":::", "a.b c.d"}},
      {"{} twice", {"echo", "{}", "{}", "{#}{#}", ":::", "a"}},
      {"{} of several sources", {"echo", "{}", ":::", "a", "b", ":::", "1 2", "3"}},
      {"{.} of several sources", {"echo", "{.}", "pre{/}post", ":::", "a.b", ":::", "c/d.e"}},
      {"prefix and suffix", {"echo", "pre{}post{#}", ":::", "a b"}},
      {"not a replacement", {"echo", "{x}", "{}", "{1", ":::", "v"}, Oracle::kQuoted},
      {"template word with a blank", {"echo", "a b", "{}", ":::", "x", "y z"}, Oracle::kQuoted},
      {"template printf", {"printf", "%s\\n", "{}", ":::", "x"}, Oracle::kQuoted},
      {"template with $", {"echo", "$HOME", "it's", "{}", ":::", "y"}, Oracle::kQuoted},
      {"shell with positional args", {"sh", "-c", "echo \"$1\"", "_", "{}", ":::", "a b", "$x"}, Oracle::kQuoted},
      {"sh -c", {"sh", "-c", "echo {} | wc -c", ":::", "a b", "it's", "", "$HOME"}, Oracle::kShell},
      {"bash -c", {"bash", "-c", "ls {} | wc -l; echo {.}", ":::", "*.txt", "dir with space/x.y"}, Oracle::kShell},
      {"sh -ec", {"sh", "-ec", "gzip -c {} > {}.gz && echo {#}", ":::", "x y", "z"}, Oracle::kShell},
      {"sh -c, two sources", {"sh", "-c", "echo {2} {1} {}", ":::", "a b", ":::", "c", "'d'"}, Oracle::kShell},
  };
  return *kRows;
}

std::string RunCapture(const std::vector<std::string>& argv, const std::string& dir,
                const std::string& stdin_text) {
  std::string stdin_path;
  if (!stdin_text.empty()) {
    stdin_path = dir + "/stdin.txt";
    WriteFile(stdin_path, stdin_text);
  }
  Process p(argv, dir, stdin_path, {"HOME=" + dir, "SHELL=/bin/sh"});
  std::optional<int> code = p.Wait(std::chrono::seconds(60));
  EXPECT_EQ(code, 0) << argv[0] << ": " << p.err();
  return p.out();
}

std::vector<std::string> ParallelArgv(std::vector<std::string> flags,
                                      const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/parallel", "--will-cite",
                                   "--dry-run", "-k", "-j1"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

// What Parallel says taskfarm must print for a `SHELL -c SCRIPT ...` row.
std::string ShellOracle(const Row& row, const std::string& dir) {
  const std::vector<std::string> prefix(row.args.begin(), row.args.begin() + 2);
  const std::vector<std::string> rest(row.args.begin() + 2, row.args.end());
  const std::string scripts = RunCapture(ParallelArgv({}, rest), dir, row.stdin_text);
  const std::string quoted =
      RunCapture({"/usr/bin/parallel", "--will-cite", "-k", "-j1", "--shellquote"}, dir, scripts);
  std::string expected;
  for (const std::string& line : Lines(quoted)) {
    expected += prefix[0] + " " + prefix[1] + " " + line + "\n";
  }
  return expected;
}

TEST(TemplateOracle, DryRunPrintsWhatGnuParallelPrints) {
  ASSERT_EQ(access("/usr/bin/parallel", X_OK), 0)
      << "GNU Parallel is missing: ./tools/bazel installs Debian's parallel";
  const std::string dir = TempDir("oracle");
  ASSERT_EQ(chdir(dir.c_str()), 0);
  WriteFile("values.txt", "plain\nwith space\nit's\n$HOME\n\n*.txt\nlast.tar.gz\n");
  WriteFile("f1", "x\ny");
  WriteFile("f2", "p\n\nq\n");
  ASSERT_GE(Table().size(), 40u);
  for (const Row& row : Table()) {
    SCOPED_TRACE(row.name);
    std::vector<std::string> ours = MasterArgv({"--dry-run", "-j1"});
    ours.insert(ours.end(), row.args.begin(), row.args.end());
    const std::string got = RunCapture(ours, dir, row.stdin_text);
    std::string expected;
    switch (row.oracle) {
      case Oracle::kPlain:
        expected = RunCapture(ParallelArgv({}, row.args), dir, row.stdin_text);
        break;
      case Oracle::kQuoted:
        expected = RunCapture(ParallelArgv({"-q"}, row.args), dir, row.stdin_text);
        break;
      case Oracle::kShell:
        expected = ShellOracle(row, dir);
        break;
    }
    EXPECT_FALSE(expected.empty());
    EXPECT_EQ(got, expected);
  }
}

}  // namespace
}  // namespace taskfarm::testing
