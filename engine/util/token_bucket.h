// A token bucket rate limit (`rate: {per_second, burst}` on a trigger): starts full with `burst`
// tokens and refills at `per_second`, never above `burst`. So in any window of t seconds at most
// burst + per_second × t takes succeed. Thread-safe; time comes from a Clock.
#pragma once

#include <chrono>
#include <mutex>

#include "engine/util/clock.h"

namespace pd {

class TokenBucket {
 public:
  TokenBucket(double per_second, int burst, const Clock& clock);

  // Takes a token when one is there.
  bool try_take();
  // How long until a token will be there (0 when one is).
  std::chrono::milliseconds time_to_next() const;

 private:
  void refill() const;

  double per_second_;
  double burst_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  mutable double tokens_;
  mutable std::chrono::system_clock::time_point last_;
};

}  // namespace pd
