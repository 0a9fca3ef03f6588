// File: journal/format.h
//
// The output formats of a batch. The output file is also the batch's
// journal: every format starts each record with its task id, so a file can
// be scanned back (journal/scan.h) to learn which tasks are done.
//
//   text   [worker 4711] #17 fib(17) = 1597  (3 µs)
//   jsonl  {"id":17,"task":"fib","args":[17],"status":"ok",...}
//   csv    17,fib,17,ok,1597,4711,1,3   (after a header row)
//
// Thread-safe.

#ifndef TASKFARM_JOURNAL_FORMAT_H_
#define TASKFARM_JOURNAL_FORMAT_H_

#include <optional>

#include "absl/strings/string_view.h"

namespace taskfarm::journal {

enum class Format { kText, kJsonl, kCsv };

// "text", "jsonl", "csv" -> Format; nullopt otherwise.
std::optional<Format> ParseFormat(absl::string_view name);
const char* FormatName(Format format);

// The csv header row, newline included.
inline constexpr absl::string_view kCsvHeader =
    "id,task,args,status,result,worker,attempts,elapsed_us\n";

}  // namespace taskfarm::journal

#endif  // TASKFARM_JOURNAL_FORMAT_H_
