// File: fuzz/make_codec_corpus.cc
//
// Writes the seed corpus of codec_fuzzer: one small valid header frame of
// every message kind and one body frame of each kind of batch, one file
// each, into the directory given (created if missing):
//
//   ./tools/bazel run //fuzz:make_codec_corpus -- fuzz/corpus/codec_fuzzer
//
// A relative directory is taken from where bazel run was started. The
// output is deterministic, so //fuzz:codec_corpus_test can compare it with
// the committed seeds.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "proto/batch.h"
#include "proto/codec.h"
#include "proto/messages.h"
#include "proto/value.h"

namespace taskfarm::proto {
namespace {

std::vector<std::pair<std::string, std::string>> Seeds() {
  std::vector<std::pair<std::string, Message>> headers = {
      {"hello", Hello{.worker_id = "w1", .pid = 42, .host = "h", .cores = 2,
                      .version = "1", .kinds = {{"fib", "int", "fib(n)"}}}},
      {"welcome", Welcome{.timeout_ms = 500, .results_dir = "/tmp/r"}},
      {"tasks", Tasks{.batch_id = 1, .count = 3}},
      {"results", Results{.batch_id = 1, .count = 2, .elapsed_us = 70,
                          .by_status = {1, 1, 0, 0, 0}}},
      {"fatal", Fatal{.batch_id = 1, .index = 2, .kind = FatalKind::kOom,
                      .reason = "std::bad_alloc"}},
      {"heartbeat", Heartbeat{.worker_id = "w1", .batch_id = 1,
                              .running_ms = 9, .rss_kb = 1024, .batches = 2}},
      {"shutdown", Shutdown{.reason = "done"}},
      {"logger_hello", LoggerHello{.pid = 43}},
      {"logger_welcome", LoggerWelcome{.total = 100}},
      {"log", Log{.seq = 1}},
      {"ack", Ack{.seq = 1}},
      {"progress", Progress{.total = 100, .done = 50, .failed = 1,
                            .workers = 3, .elapsed_ms = 1000}},
      {"rejoin", Rejoin{.reason = "declared lost"}},
      {"bad_batch", BadBatch{.batch_id = 7, .reason = "batch too large"}},
  };
  std::vector<std::pair<std::string, std::string>> seeds;
  for (const auto& [name, message] : headers) {
    seeds.emplace_back("header_" + name, Codec::Encode(message));
  }
  const std::vector<Value> args = {int64_t{-5}, uint64_t{30}, 2.5,
                                   absl::string_view("x y")};
  TaskBatchWriter tasks;
  seeds.emplace_back("body_empty", std::string(tasks.Finish()));
  tasks.Add(1, 0, {args[1]}, 1);
  tasks.Add(2, 1, args, 2);
  seeds.emplace_back("body_tasks", std::string(tasks.Finish()));
  RecordWriter records;
  records.Add(1, "fib", {args[1]}, TaskStatus::kOk, "832040", 42, 1, 12);
  records.Add(2, "echo", args, TaskStatus::kCrashed, "", 42, 3, 0);
  seeds.emplace_back("body_records", std::string(records.Finish()));
  return seeds;
}

int Main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_codec_corpus DIRECTORY\n");
    return 2;
  }
  std::filesystem::path dir(argv[1]);
  if (const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY");
      cwd != nullptr && dir.is_relative()) {
    dir = std::filesystem::path(cwd) / dir;
  }
  std::filesystem::create_directories(dir);
  for (const auto& [name, bytes] : Seeds()) {
    std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) {
      std::fprintf(stderr, "%s: cannot write\n", (dir / name).c_str());
      return 1;
    }
  }
  return 0;
}

}  // namespace
}  // namespace taskfarm::proto

int main(int argc, char** argv) { return taskfarm::proto::Main(argc, argv); }
