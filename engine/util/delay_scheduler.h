// Waiting as a collaborator: retry backoff and cron ask a DelayScheduler to run something later,
// so tests and the harness can use virtual time (no sleeps) while production uses a thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/util/clock.h"

namespace pd {

class DelayScheduler {
 public:
  virtual ~DelayScheduler() = default;
  // Runs `work` once `delay` has passed, on a thread of the scheduler's choosing.
  virtual void after(std::chrono::milliseconds delay, std::function<void()> work) = 0;
};

// One thread that runs work when it is due; the destructor drops what has not run.
class ThreadDelayScheduler : public DelayScheduler {
 public:
  ThreadDelayScheduler();
  ~ThreadDelayScheduler() override;
  void after(std::chrono::milliseconds delay, std::function<void()> work) override;

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::multimap<std::chrono::steady_clock::time_point, std::function<void()>> due_;
  bool stopping_ = false;
  std::thread thread_;
};

// Virtual time: runs the work at once on the calling thread, advancing `clock` by the delay, and
// records every delay asked for.
class VirtualDelayScheduler : public DelayScheduler {
 public:
  explicit VirtualDelayScheduler(ManualClock& clock) : clock_(clock) {}
  void after(std::chrono::milliseconds delay, std::function<void()> work) override;
  std::vector<std::chrono::milliseconds> delays() const;

 private:
  ManualClock& clock_;
  mutable std::mutex mutex_;
  std::vector<std::chrono::milliseconds> delays_;
};

}  // namespace pd
