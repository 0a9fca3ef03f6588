// File: master/outbox.h
//
// Outbox is everything MasterCore (master/master_core.h) asks the world to
// do: send messages to workers and the logger, hand records to an embedding
// program, start and signal child processes, check the input and open the
// output, and say things to people. The master's shell (master/session.h)
// implements it with sockets, processes and files; the simulator
// (tests/sim/) and the tests with fakes. An implementation carries the
// actions out as asked and decides nothing; it must not call back into the
// core from inside a call.
//
// Sends are fire-and-forget: a failure means the peer is gone, which the
// core learns another way (a death, silence). The hot path is SendTasks,
// SendLog and Deliver: their bodies are shared buffers, never copied.

#ifndef TASKFARM_MASTER_OUTBOX_H_
#define TASKFARM_MASTER_OUTBOX_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <zmq.hpp>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/shared_page.h"
#include "journal/id_set.h"
#include "master/input/kind_table.h"
#include "master/task_feed.h"
#include "proto/messages.h"

namespace taskfarm::master {

// What a slot's child is.
struct SlotSpec {
  enum class Role { kWorker, kLogger };
  Role role = Role::kWorker;
  // A worker: the number of its shared state page (one per slot, reused by
  // each child the slot has); nullopt: none.
  std::optional<int> page;
  // A worker whose page is not mapped yet: map it (created, zeroed) and
  // hand it over with the pid.
  bool map_page = false;
  // A logger: the batch's first (it writes a csv header on an empty output).
  bool first_logger = true;
};

// A started child.
struct Spawned {
  pid_t pid = 0;
  std::optional<base::SharedPage> page;  // if SlotSpec::map_page and mapped
};

// The input, once checked, and the output, once opened.
struct InputReady {
  TaskFeed* feed = nullptr;             // the tasks, in id order
  uint64_t total = 0;                   // tasks in the input
  const journal::IdSet* done = nullptr; // ids already written (--resume)
  bool demo = false;                    // no input given: the demo batch
  std::string demo_tasks;               // ... which is this
};

class Outbox {
 public:
  virtual ~Outbox() = default;

  // To a worker through listening socket `port` (0: local ipc, 1: tcp),
  // routing id `identity` (its task or heartbeat identity).
  virtual void SendTasks(size_t port, absl::string_view identity,
                         const proto::Tasks& header,
                         const std::shared_ptr<const std::string>& body) = 0;
  virtual void SendToWorker(size_t port, absl::string_view identity,
                            const proto::Message& message) = 0;

  // To the logger (routing id `logger`): a records frame under Log{seq},
  // and other messages (Progress, Shutdown).
  virtual void SendLog(absl::string_view logger, uint64_t seq,
                       const zmq::message_t& records) = 0;
  virtual void SendToLogger(absl::string_view logger,
                            const proto::Message& message) = 0;
  // With no logger (an embedded Farm): a records frame, delivered now.
  virtual void Deliver(zmq::message_t records) = 0;

  // Spawns the child of `slot`. Returns why it could not (a death).
  virtual absl::StatusOr<Spawned> StartSlot(int slot, const SlotSpec& spec) = 0;
  // Sends `signal` to the slot's child `pid` (not yet reported exited).
  virtual void SignalSlot(int slot, pid_t pid, int signal) = 0;

  // Checks the whole input against `kinds` (which outlives the check), in
  // the background; the result comes back as MasterCore::OnInputChecked.
  virtual void CheckInput(const KindTable& kinds) = 0;
  // After a clean check: opens the output (truncates it, or reads it back
  // with --resume). Returns kInvalidArgument with a message on refusal.
  virtual absl::StatusOr<InputReady> OpenOutput() = 0;

  // A line for people on standard error (no newline), and text for
  // standard output.
  virtual void Say(absl::string_view line) = 0;
  virtual void Print(absl::string_view text) = 0;
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_OUTBOX_H_
