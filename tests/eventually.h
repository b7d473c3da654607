// Test helper: waits for a condition that another thread or process makes true.
#pragma once

#include <chrono>
#include <thread>

namespace pd::testing {

// Polls `done` every 10 ms until it holds (true) or `timeout` passes (false).
template <typename Predicate>
bool eventually(Predicate done, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace pd::testing
