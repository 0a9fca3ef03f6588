// File: master/remote_book.h
//
// RemoteBook keeps what the master remembers of remote workers beyond the
// ones connected now: the hosts and workers seen (to say who joined, and
// who came back), and the routing ids of workers declared lost, so that
// what such a worker still sends is answered with Rejoin. It returns the
// lines to log; it sends and prints nothing.
//
// Use from one thread.

#ifndef TASKFARM_MASTER_REMOTE_BOOK_H_
#define TASKFARM_MASTER_REMOTE_BOOK_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "master/worker_table.h"

namespace taskfarm::master {

class RemoteBook {
 public:
  // A remote worker said hello: the line to log for the first worker of
  // each host and for each one that comes back; nullopt for the others.
  std::optional<std::string> OnJoin(const WorkerEntry& w);
  // A remote worker is declared lost: remembers its routing ids and
  // returns the line saying why, the ids of the tasks that go back to the
  // queue, and how many workers are left.
  std::string OnLost(const WorkerEntry& w, const std::string& reason,
                     const std::vector<uint64_t>& task_ids,
                     size_t workers_left);
  // Remembers a remote worker's routing ids as lost (no line to log): what
  // it sends from now on is answered with Rejoin.
  void Forget(const WorkerEntry& w);
  // Whether `identity` (a routing id on a tcp port) belongs to a worker
  // declared lost: it must start afresh (proto::Rejoin). A stranger is not
  // told: its hello may simply be late (heartbeats travel on a second
  // connection and can arrive first).
  bool WasLost(absl::string_view identity) const {
    return lost_.contains(identity);
  }

 private:
  absl::flat_hash_set<std::string> hosts_;    // hosts seen
  absl::flat_hash_set<std::string> workers_;  // "host pid" seen
  absl::flat_hash_set<std::string> lost_;     // routing ids of lost workers
};

}  // namespace taskfarm::master

#endif  // TASKFARM_MASTER_REMOTE_BOOK_H_
