#include "engine/util/delay_scheduler.h"

namespace pd {

ThreadDelayScheduler::ThreadDelayScheduler() : thread_([this] { run(); }) {}

ThreadDelayScheduler::~ThreadDelayScheduler() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void ThreadDelayScheduler::after(std::chrono::milliseconds delay, std::function<void()> work) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    due_.emplace(std::chrono::steady_clock::now() + delay, std::move(work));
  }
  changed_.notify_all();
}

void ThreadDelayScheduler::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (due_.empty()) {
      changed_.wait(lock);
      continue;
    }
    auto next = due_.begin();
    if (next->first > std::chrono::steady_clock::now()) {
      changed_.wait_until(lock, next->first);
      continue;
    }
    std::function<void()> work = std::move(next->second);
    due_.erase(next);
    lock.unlock();
    work();
    lock.lock();
  }
}

void VirtualDelayScheduler::after(std::chrono::milliseconds delay, std::function<void()> work) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    delays_.push_back(delay);
  }
  clock_.advance(delay);
  work();
}

std::vector<std::chrono::milliseconds> VirtualDelayScheduler::delays() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return delays_;
}

}  // namespace pd
