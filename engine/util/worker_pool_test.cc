#include "engine/util/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>

namespace pd {
namespace {

TEST(WorkerPool, RunsEveryQueuedItemBeforeTheDestructorReturns) {
  std::atomic<int> done{0};
  {
    WorkerPool pool(3);
    for (int i = 0; i < 100; ++i) pool.post([&] { ++done; });
  }
  EXPECT_EQ(done.load(), 100);
}

}  // namespace
}  // namespace pd
