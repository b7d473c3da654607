#include "engine/util/token_bucket.h"

#include <algorithm>
#include <cmath>

namespace pd {

TokenBucket::TokenBucket(double per_second, int burst, const Clock& clock)
    : per_second_(per_second),
      burst_(std::max(1, burst)),
      clock_(clock),
      tokens_(burst_),
      last_(clock.now()) {}

void TokenBucket::refill() const {
  auto now = clock_.now();
  if (now <= last_) return;
  double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(burst_, tokens_ + elapsed * per_second_);
  last_ = now;
}

bool TokenBucket::try_take() {
  std::lock_guard<std::mutex> lock(mutex_);
  refill();
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

std::chrono::milliseconds TokenBucket::time_to_next() const {
  std::lock_guard<std::mutex> lock(mutex_);
  refill();
  if (tokens_ >= 1.0) return std::chrono::milliseconds(0);
  if (per_second_ <= 0) return std::chrono::hours(24);
  return std::chrono::milliseconds(
      static_cast<long>(std::ceil((1.0 - tokens_) / per_second_ * 1000.0)));
}

}  // namespace pd
