#include "worker/flush_thread.h"

namespace taskfarm::worker {

FlushThread::FlushThread(Runner* runner)
    : runner_(runner), thread_([this] { Loop(); }) {}

FlushThread::~FlushThread() {
  runner_->Close();
  thread_.join();
}

void FlushThread::Loop() {
  while (runner_->WaitForBatch()) {
    std::this_thread::sleep_for(kFlushPeriod);
    (void)runner_->FlushDuringTask(kFlushDeadline);
  }
}

}  // namespace taskfarm::worker
