#include "engine/util/token_bucket.h"

#include <gtest/gtest.h>

namespace pd {
namespace {

TEST(TokenBucket, AllowsBurstPlusRateTimesElapsedAndNoMore) {
  ManualClock clock(std::chrono::system_clock::time_point{} + std::chrono::hours(1));
  TokenBucket bucket(10, 5, clock);  // 10/s, burst 5
  int taken = 0;
  for (int i = 0; i < 100; ++i) taken += bucket.try_take();
  EXPECT_EQ(taken, 5);  // the burst
  EXPECT_EQ(bucket.time_to_next(), std::chrono::milliseconds(100));
  // Over 2.35 s in 50 ms steps, at most burst + 10 × 2.35 in total.
  for (int step = 0; step < 47; ++step) {
    clock.advance(std::chrono::milliseconds(50));
    while (bucket.try_take()) ++taken;
  }
  EXPECT_EQ(taken, 5 + 23);
  EXPECT_LE(taken, 5 + 10 * 2.35);
  // Idle time refills only up to the burst.
  clock.advance(std::chrono::seconds(60));
  int after_idle = 0;
  while (bucket.try_take()) ++after_idle;
  EXPECT_EQ(after_idle, 5);
}

}  // namespace
}  // namespace pd
