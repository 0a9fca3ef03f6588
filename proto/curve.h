// File: proto/curve.h
//
// CURVE security for tcp: key pairs (libzmq's zmq_curve_keypair, as Z85
// text), the key files `master --keygen` writes and both sides read, the
// allow-list of worker public keys the master admits, and the socket options
// that make a socket a CURVE server or client. Nothing here throws: libzmq's
// errors become absl::Status (STYLE.md rule 6).
//
// Files, all Z85 text with '#' comment lines:
//   master.public   the master's public key: every worker needs it
//   master.secret   the master's secret key (mode 0600): the master only
//   worker.public   a worker public key
//   worker.secret   its secret key (mode 0600): every worker using that key
//   authorized_workers  the master's allow-list: one worker public key per
//                   line, optionally followed by a label ("KEY  rack-3")
//
// Example:
//   absl::StatusOr<CurveKeyPair> keys = NewCurveKeyPair();
//   absl::Status s = ApplyCurveServer(router, keys->secret_key, "taskfarm");
//
// Thread-safe (stateless functions); AllowList is immutable after Load.

#ifndef TASKFARM_PROTO_CURVE_H_
#define TASKFARM_PROTO_CURVE_H_

#include <chrono>
#include <cstddef>
#include <string>

#include <zmq.hpp>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace taskfarm::proto {

// Z85 text of a 32-byte CURVE key.
inline constexpr size_t kCurveKeyChars = 40;

struct CurveKeyPair {
  std::string public_key;  // Z85
  std::string secret_key;  // Z85
};

// A fresh key pair. Returns kInternal if libzmq was built without CURVE.
absl::StatusOr<CurveKeyPair> NewCurveKeyPair();
// The public key of a secret key. Returns kInvalidArgument if `secret` is
// not a Z85 key.
absl::StatusOr<std::string> CurvePublicKey(absl::string_view secret);
// Whether `key` is 40 characters of Z85 that decode to a key.
bool IsCurveKey(absl::string_view key);
// Z85 text of a 32-byte binary key (as ZAP requests carry it).
std::string CurveKeyText(absl::string_view binary);

// Writes `key` to `path` after a "# comment" line, mode 0600 if `secret`
// else 0644. Returns kAlreadyExists rather than overwrite a file, or
// kUnavailable with the system's reason.
absl::Status WriteKeyFile(const std::string& path, absl::string_view key,
                          absl::string_view comment, bool secret);
// Reads the key of a key file (its first line that is not blank or a
// comment). Returns kNotFound, kInvalidArgument ("PATH: not a CURVE key"),
// or for a `secret` file that others may read, kPermissionDenied (as ssh
// does: "chmod 600 PATH").
absl::StatusOr<std::string> ReadKeyFile(const std::string& path, bool secret);

// Writes a new master key pair, a worker key pair and an allow-list holding
// that worker's public key into `dir` (created, mode 0700, if missing).
// Returns kAlreadyExists if keys are there already: nothing is overwritten.
absl::Status GenerateKeyDir(const std::string& dir);

// Worker public keys the master admits.
class AllowList {
 public:
  // Loads a file (one key per line, an optional label after it, '#'
  // comments) or a directory (every *.public file in it). Returns kNotFound,
  // or kInvalidArgument as "PATH:LINE: not a CURVE public key".
  static absl::StatusOr<AllowList> Load(const std::string& path);

  void Add(std::string key, std::string label) {
    keys_[std::move(key)] = std::move(label);
  }
  // The label of `key` (Z85), or nullptr if it is not allowed.
  const std::string* Find(absl::string_view key) const;
  size_t size() const { return keys_.size(); }
  // Where the keys came from, for messages.
  const std::string& source() const { return source_; }
  void set_source(std::string source) { source_ = std::move(source); }

 private:
  absl::flat_hash_map<std::string, std::string> keys_;
  std::string source_;
};

// Socket options, set before bind/connect. Each returns kInvalidArgument
// with libzmq's reason if an option is refused.
//
// A CURVE server with secret key `secret`; clients are checked by the ZAP
// handler of the socket's context (see zap_server.h) under `domain`.
absl::Status ApplyCurveServer(zmq::socket_t& socket, absl::string_view secret,
                              absl::string_view domain);
// A CURVE client of the server whose public key is `server_public`.
absl::Status ApplyCurveClient(zmq::socket_t& socket,
                              absl::string_view server_public,
                              const CurveKeyPair& own);
// Liveness on a tcp link whose peer may vanish without a word (a host
// that died or was cut off sends no FIN). Who is silent is the
// application's business: taskfarm's own heartbeats declare a worker, or
// the master, lost (MasterCore, worker/heartbeat.h). What is left to the
// link is to end a connection whose peer is gone (a half-open connection,
// which would otherwise hold a descriptor and buffers for ever), and the
// kernel does that without a timer in libzmq: keepalive probes once the
// connection was idle for half of `reap_after`, three in the other half,
// and data left unacknowledged for `reap_after` (TCP_USER_TIMEOUT) ends it.
// Reconnects back off from 100 ms to `max_reconnect`.
//
// No ZMTP heartbeats: libzmq cancels a timer by a linear scan of all its
// I/O thread's timers, and ZMTP heartbeats add and cancel about two a
// connection a second, which made a master with thousands of connections
// spend most of its time in that scan.
absl::Status ApplyTcpLiveness(zmq::socket_t& socket,
                              std::chrono::milliseconds reap_after,
                              std::chrono::milliseconds max_reconnect);

}  // namespace taskfarm::proto

#endif  // TASKFARM_PROTO_CURVE_H_
