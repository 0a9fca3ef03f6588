// File: logger/formatter.h
//
// A Formatter turns records into output bytes in one of the formats of
// journal/format.h, appending to a caller's buffer. Every record is exactly
// one line in text and jsonl (control characters in results are escaped)
// and one RFC 4180 row in csv, and starts with its task id, so the output
// can be scanned back as a journal. Strings are written by the lossless
// rules of journal/encoding.h (bytes that are not UTF-8 as base64).
//
//   text   [worker 4711] #17 fib(17) = 1597  (3 µs)
//          [worker 4711] #18 fib(-1) error: fib: n must be >= 0  (1 µs)
//   jsonl  {"id":17,"task":"fib","args":[17],"status":"ok","result":"1597",
//           "worker":4711,"attempts":1,"elapsed_us":3}
//   csv    17,fib,17,ok,1597,4711,1,3
//
// Formatting writes straight into the buffer (one capacity check per
// record) and allocates nothing per record once the buffer has grown.
// Thread-compatible.

#ifndef TASKFARM_LOGGER_FORMATTER_H_
#define TASKFARM_LOGGER_FORMATTER_H_

#include <memory>

#include "journal/format.h"
#include "logger/out_buffer.h"
#include "proto/batch.h"

namespace taskfarm::logger {

class Formatter {
 public:
  virtual ~Formatter() = default;
  // What a new, empty output starts with (the csv header row).
  virtual void AppendHeader(OutBuffer* /*out*/) const {}
  virtual void Append(const proto::RecordView& record, OutBuffer* out) = 0;
};

std::unique_ptr<Formatter> MakeFormatter(journal::Format format);

}  // namespace taskfarm::logger

#endif  // TASKFARM_LOGGER_FORMATTER_H_
