// File: logger/progress_line.h
//
// ProgressLine draws the one-line progress display on standard error:
//
//   4,500/10,000  45% [=========>           ] 12.3k/s  ETA 0:12  3 failed  4 workers
//
// The logger owns it because the logger is the one process that writes the
// records: it clears the line before each write of records and draws it
// again after, so records and progress never mix, even when standard output
// and standard error are the same terminal. The rate is a running estimate
// (exponentially smoothed), and so is the ETA.
//
// Use from one thread.

#ifndef TASKFARM_LOGGER_PROGRESS_LINE_H_
#define TASKFARM_LOGGER_PROGRESS_LINE_H_

#include <cstdint>
#include <string>

#include "base/clock.h"
#include "proto/messages.h"

namespace taskfarm::logger {

class ProgressLine {
 public:
  // Draws on `fd` (standard error).
  explicit ProgressLine(int fd) : fd_(fd) {}

  // New figures from the master.
  void Update(const proto::Progress& progress, base::Instant now);
  // Erases the line, if drawn.
  void Clear();
  // Draws the line (at most every 100 ms unless `force`).
  void Draw(base::Instant now, bool force = false);
  // The last drawing, left on screen, and a newline.
  void Finish(base::Instant now);

  // The text of the line for a terminal `width` columns wide (for tests).
  std::string Render(int width) const;

 private:
  int Width() const;

  int fd_;
  proto::Progress last_;
  bool have_figures_ = false;
  bool drawn_ = false;
  double rate_ = 0;  // tasks/s, smoothed
  uint64_t rate_done_ = 0;
  base::Instant rate_at_{};
  base::Instant drawn_at_{};
};

}  // namespace taskfarm::logger

#endif  // TASKFARM_LOGGER_PROGRESS_LINE_H_
