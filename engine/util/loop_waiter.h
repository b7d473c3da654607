// How a loop thread sleeps when it has nothing to do, when something else owns I/O that should
// run on that same thread: a Runtime's loop sleeps in wait() instead of on its condition
// variable, and the I/O (an HTTP event loop) runs there while it sleeps, so a request is read,
// executed and answered on one thread with no hand-off.
#pragma once

#include <chrono>
#include <optional>

namespace pd {

class LoopWaiter {
 public:
  virtual ~LoopWaiter() = default;
  // On the loop thread: runs whatever I/O is ready and returns after it, at `until`, or after
  // wake(), whichever is first. nullopt: no deadline. A time already past: poll once and return.
  // Work the I/O hands to the loop (tasks it posts from inside wait) runs after wait returns.
  virtual void wait(std::optional<std::chrono::steady_clock::time_point> until) = 0;
  // Any thread: the current or the next wait() returns promptly. Never lost: a wake() before
  // wait() makes that wait return at once.
  virtual void wake() = 0;
};

}  // namespace pd
