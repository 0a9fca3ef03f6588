// Command templates without processes: shell quoting as GNU Parallel does
// it, Parallel's {.} {/} {//}, the lazy job iterator over :::, :::+ and
// :::: sources, argv expansion (one argument per value, quoted only inside
// a `sh -c` script), and the task lines the master reads.

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "base/shell_quote.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "master/input/tokenizer.h"
#include "master/template/command_template.h"
#include "master/template/input_groups.h"
#include "master/template/template_batch.h"
#include "tests/testutil/farm.h"

namespace taskfarm::master {
namespace {

using ::testing::ElementsAre;

std::vector<std::vector<std::string>> AllJobs(const InputGroups& groups) {
  std::vector<std::vector<std::string>> jobs;
  JobIterator it(&groups);
  Job job;
  while (it.Next(&job)) {
    EXPECT_EQ(job.seq, jobs.size() + 1);
    jobs.emplace_back(job.values.begin(), job.values.end());
  }
  return jobs;
}

std::vector<std::string> ExpandOne(const std::vector<std::string>& command,
                                   const std::vector<std::string>& values) {
  absl::StatusOr<CommandTemplate> t = CommandTemplate::Parse(command, values.size());
  EXPECT_TRUE(t.ok()) << t.status();
  Job job{.seq = 7};
  for (const std::string& v : values) job.values.push_back(v);
  return t->Expand(job, 1);
}

TEST(ShellQuote, QuotesAsGnuParallelDoes) {
  EXPECT_EQ(base::ShellQuote("plain-1.2_x+y/z"), "plain-1.2_x+y/z");
  EXPECT_EQ(base::ShellQuote(""), "''");
  EXPECT_EQ(base::ShellQuote("a b"), "'a b'");
  EXPECT_EQ(base::ShellQuote("it's"), "'it'\"'\"'s'");
  EXPECT_EQ(base::ShellQuote("'"), "\"'\"");
  EXPECT_EQ(base::ShellQuote("'a'"), "\"'\"'a'\"'\"");
  EXPECT_EQ(base::ShellQuote("$HOME"), "'$HOME'");
  EXPECT_EQ(base::ShellQuote("\xc3\xbc"), "'\xc3\xbc'");
  EXPECT_EQ(base::ShellJoin({"echo", "a b", ""}), "echo 'a b' ''");
}

TEST(CommandTemplate, PathReplacementsFollowParallel) {
  EXPECT_EQ(RemoveExtension("a.tar.gz"), "a.tar");
  EXPECT_EQ(RemoveExtension("dir.d/file"), "dir.d/file");
  EXPECT_EQ(RemoveExtension(".hidden"), "");
  EXPECT_EQ(RemoveExtension("x."), "x");
  EXPECT_EQ(Basename("a/b/c.d"), "c.d");
  EXPECT_EQ(Basename("dir/"), "");
  EXPECT_EQ(Dirname("a/b/c"), "a/b");
  EXPECT_EQ(Dirname("a/"), ".");
  EXPECT_EQ(Dirname("a//b/"), "a");
  EXPECT_EQ(Dirname("/"), "/");
  EXPECT_EQ(Dirname("noext"), ".");
  EXPECT_EQ(Dirname(""), ".");
}

TEST(InputGroups, CrossesSourcesLastFastest) {
  absl::StatusOr<InputGroups> in =
      InputGroups::Parse({":::", "a", "b", ":::", "1", "2"}, {});
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->job_count(), 4u);
  EXPECT_THAT(AllJobs(*in),
              ElementsAre(ElementsAre("a", "1"), ElementsAre("a", "2"),
                          ElementsAre("b", "1"), ElementsAre("b", "2")));
}

TEST(InputGroups, LinkedSourcesGoSideBySideShortestWins) {
  absl::StatusOr<InputGroups> in = InputGroups::Parse(
      {":::", "a", "b", "c", ":::+", "1", "2", ":::", "x", "y"}, {});
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->source_count(), 3u);
  EXPECT_THAT(AllJobs(*in),
              ElementsAre(ElementsAre("a", "1", "x"), ElementsAre("a", "1", "y"),
                          ElementsAre("b", "2", "x"), ElementsAre("b", "2", "y")));
}

TEST(ValueList, SplitsLinesAndRecordsAsParallelDoes) {
  auto all = [](const ValueList& l) {
    std::vector<std::string> out;
    for (size_t i = 0; i < l.size(); ++i) out.emplace_back(l[i]);
    return out;
  };
  EXPECT_THAT(all(ValueList::Lines("")), ElementsAre());
  EXPECT_THAT(all(ValueList::Lines("\n")), ElementsAre(""));
  EXPECT_THAT(all(ValueList::Lines("a\n\nb")), ElementsAre("a", "", "b"));
  EXPECT_THAT(all(ValueList::Records("")), ElementsAre(""));
  EXPECT_THAT(all(ValueList::Records("a\n")), ElementsAre("a", ""));
  ValueList joined = ValueList::Records("");
  joined.Append(ValueList::Records("x\ny"));
  joined.Append(ValueList::Records(""));
  EXPECT_THAT(all(joined), ElementsAre("", "x", "y", ""));
}

TEST(InputGroups, ANewlineSplitsAValue) {
  absl::StatusOr<InputGroups> in = InputGroups::Parse({":::", "a\nb", "c\n"}, {});
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_THAT(AllJobs(*in), ElementsAre(ElementsAre("a"), ElementsAre("b"),
                                        ElementsAre("c"), ElementsAre("")));
}

TEST(InputGroups, ReadsFilesAndStandardInputOnce) {
  const std::string dir = testing::TempDir("groups");
  testing::WriteFile(dir + "/f", "x y\n\nlast");
  const std::string piped = dir + "/stdin";
  testing::WriteFile(piped, "s1\ns2\n");
  int fd = open(piped.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  absl::StatusOr<InputGroups> in =
      InputGroups::Parse({"::::", dir + "/f", "::::+", "-"}, {dir + "/f"}, fd);
  close(fd);
  ASSERT_TRUE(in.ok()) << in.status();
  // -a first; "::::+ -" links standard input to the file before it.
  EXPECT_EQ(in->source_count(), 3u);
  EXPECT_EQ(in->job_count(), 3u * 2u);
  EXPECT_THAT(AllJobs(*in)[0], ElementsAre("x y", "x y", "s1"));
}

TEST(InputGroups, RefusesWhatCannotWork) {
  EXPECT_FALSE(InputGroups::Parse({":::+", "a"}, {}).ok());
  EXPECT_FALSE(InputGroups::Parse({"::::"}, {}).ok());
  EXPECT_EQ(InputGroups::Parse({"::::", "/no/such/file"}, {}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(InputGroups::Parse({"::::", "-", "::::", "-"}, {}, -1).ok());
}

TEST(JobIterator, IsLazyOverAHugeProduct) {
  // 10^12 combinations: built one at a time, never stored.
  std::vector<std::string> words;
  for (int g = 0; g < 4; ++g) {
    words.push_back(":::");
    for (int v = 0; v < 1000; ++v) words.push_back(std::to_string(v));
  }
  absl::StatusOr<InputGroups> in = InputGroups::Parse(words, {});
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->job_count(), 1000000000000u);
  JobIterator it(&*in);
  Job job;
  for (int i = 0; i < 1001; ++i) ASSERT_TRUE(it.Next(&job));
  EXPECT_EQ(job.seq, 1001u);
  EXPECT_THAT(job.values, ElementsAre("0", "0", "1", "0"));
}

TEST(CommandTemplate, AValueIsOneArgumentNeverSplit) {
  EXPECT_THAT(ExpandOne({"gzip", "-9", "{}"}, {"a b; rm *"}),
              ElementsAre("gzip", "-9", "a b; rm *"));
  EXPECT_THAT(ExpandOne({"convert", "{}", "{.}.png"}, {"my pic.jpg"}),
              ElementsAre("convert", "my pic.jpg", "my pic.png"));
  EXPECT_THAT(ExpandOne({"echo", "{#}:{1/}:{2//}"}, {"a/b", "c/d"}),
              ElementsAre("echo", "7:b:c"));
  // No replacement string: each value appended as an argument.
  EXPECT_THAT(ExpandOne({"echo"}, {"a b", ""}), ElementsAre("echo", "a b", ""));
  // {} of several sources: one argument per value.
  EXPECT_THAT(ExpandOne({"echo", "<{}>"}, {"a", "b c"}),
              ElementsAre("echo", "<a", "b c>"));
}

TEST(CommandTemplate, QuotesValuesOnlyInsideAShellScript) {
  EXPECT_THAT(ExpandOne({"sh", "-c", "echo {} | wc", "x{}"}, {"it's a"}),
              ElementsAre("sh", "-c", "echo 'it'\"'\"'s a' | wc", "xit's a"));
  EXPECT_THAT(ExpandOne({"/bin/bash", "-euc", "ls {2}", "_", "{1}"}, {"$x", "*"}),
              ElementsAre("/bin/bash", "-euc", "ls '*'", "_", "$x"));
  EXPECT_THAT(ExpandOne({"bash", "-o", "pipefail", "-c", "cat {}"}, {"a b"}),
              ElementsAre("bash", "-o", "pipefail", "-c", "cat 'a b'"));
  // Not a shell: no quoting anywhere.
  EXPECT_THAT(ExpandOne({"env", "-c", "{}"}, {"a b"}), ElementsAre("env", "-c", "a b"));
}

TEST(CommandTemplate, RefusesWhatItCannotDo) {
  EXPECT_FALSE(CommandTemplate::Parse({}, 1).ok());
  EXPECT_FALSE(CommandTemplate::Parse({"echo", "{2}"}, 1).ok());
  EXPECT_FALSE(CommandTemplate::Parse({"echo", "{=uc=}"}, 1).ok());
  absl::StatusOr<CommandTemplate> slot = CommandTemplate::Parse({"echo", "{%}"}, 1);
  ASSERT_TRUE(slot.ok());
  EXPECT_TRUE(slot->uses_slot());
}

TEST(TemplateBatch, TaskLinesCarryEveryByteOfTheArgv) {
  const std::vector<std::string> argv = {
      "printf", "%s\\n", "say \"hi\"", "back\\slash", "tab\tnew\nline", "",
      "'single'", "#not a comment", "1..3", "\xe6\x97\xa5"};
  absl::StatusOr<std::shared_ptr<const TemplateBatch>> batch =
      TemplateBatch::Create(argv, {":::", "last"}, {});
  ASSERT_TRUE(batch.ok()) << batch.status();
  InputSpec spec = (*batch)->TaskLines();
  ASSERT_TRUE(spec.generated);
  absl::StatusOr<std::optional<SourceLine>> line = spec.generated->NextLine();
  ASSERT_TRUE(line.ok() && line->has_value());
  const std::vector<Word>& words = *(*line)->words;
  ASSERT_EQ(words.size(), argv.size() + 2);  // exec, argv..., the value
  EXPECT_EQ(words[0].text, "exec");
  for (size_t i = 0; i < argv.size(); ++i) {
    EXPECT_EQ(words[i + 1].text, argv[i]);
    EXPECT_TRUE(words[i + 1].quoted);  // never a range
  }
  EXPECT_EQ(words.back().text, "last");
}

TEST(TemplateBatch, TaskLinesAreEveryJobOnce) {
  absl::StatusOr<std::shared_ptr<const TemplateBatch>> batch =
      TemplateBatch::Create({"echo", "{}"}, {":::", "a", "b c"}, {});
  ASSERT_TRUE(batch.ok()) << batch.status();
  InputSpec spec = (*batch)->TaskLines();
  ASSERT_TRUE(spec.generated);
  std::vector<std::string> lines;
  for (;;) {
    absl::StatusOr<std::optional<SourceLine>> line = spec.generated->NextLine();
    ASSERT_TRUE(line.ok()) << line.status();
    if (!line->has_value()) break;
    std::vector<std::string> words;
    for (const Word& w : *(*line)->words) words.emplace_back(w.text);
    lines.push_back(absl::StrJoin(words, " "));
    EXPECT_EQ(spec.generated->line_number(), lines.size());
  }
  EXPECT_THAT(lines, ElementsAre("exec echo a", "exec echo b c"));
}

}  // namespace
}  // namespace taskfarm::master
