// The in-engine cron scheduler on a manual clock with real V8 nodes: runs at the schedule's
// minutes with {"trigger": name}, skips a run while the previous one is still going.
#include "engine/server/cron_scheduler.h"

#include <gtest/gtest.h>

#include <thread>

#include "engine/exec/test_runtime_options.h"
#include "engine/spec/test_workflow_dir.h"
#include "tests/eventually.h"

namespace pd::server {
namespace {

using pd::testing::eventually;

js::V8Platform& platform() {
  static js::V8Platform* instance = new js::V8Platform();  // V8 cannot re-initialize
  return *instance;
}

// A workflow of one node, `tick`, with the given cron triggers, scheduled on a manual clock
// that starts at 2026-06-01T10:02:30Z.
class CronSchedulerTest : public ::testing::Test {
 protected:
  void start(const std::string& node_source, const std::string& triggers) {
    dir_.write("nodes/tick.ts", node_source);
    dir_.write("workflow.yaml", "name: ticks\nversion: \"1.0\"\ntriggers:\n" + triggers +
                                    "nodes:\n  tick: {path: nodes/tick.ts}\n");
    auto runtime = exec::WorkflowRuntime::open(
        platform(), exec::testing::isolated_runtime_options(dir_.path()));
    ASSERT_TRUE(runtime.is_ok()) << runtime.status().message();
    runtime_ = std::move(runtime).value();
    auto scheduler =
        CronScheduler::start(*runtime_, metrics_, {&clock_, nullptr, std::chrono::milliseconds(5)});
    ASSERT_TRUE(scheduler.is_ok()) << scheduler.status().message();
    cron_ = std::move(scheduler).value();
  }
  spec::testing::TestWorkflowDir dir_;
  ManualClock clock_{*parse_rfc3339("2026-06-01T10:02:30Z")};
  Metrics metrics_;
  std::unique_ptr<exec::WorkflowRuntime> runtime_;
  std::unique_ptr<CronScheduler> cron_;  // stopped before the runtime goes
};

TEST_F(CronSchedulerTest, RunsAtTheScheduledMinutesAndSkipsOverlappingRuns) {
  ASSERT_NO_FATAL_FAILURE(
      start("export default async (_c: unknown, input: any) => {\n"
            "  if (input.trigger === 'slow') await new Promise((r) => setTimeout(r, 1500));\n"
            "  return input.trigger;\n};\n",
            "  - {type: cron, name: every-5, schedule: \"*/5 * * * *\"}\n"
            "  - {type: cron, name: slow, schedule: \"* * * * *\", timezone: Europe/Berlin}\n"));
  CronScheduler& cron = *cron_;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(cron.started("every-5"), 0);
  clock_.advance(std::chrono::seconds(150));  // 10:05:00
  ASSERT_TRUE(eventually([&] { return metrics_.counter("success", "every-5") == 1; }));
  EXPECT_EQ(cron.started("slow"), 1);  // 10:03, 10:04, 10:05 collapse into one: no catch-up
  clock_.advance(std::chrono::seconds(60));  // 10:06: the slow run (1.5 s) is still going
  ASSERT_TRUE(eventually([&] { return cron.skipped("slow") == 1; }));
  ASSERT_TRUE(eventually([&] { return metrics_.counter("success", "slow") == 1; }));
  clock_.advance(std::chrono::seconds(60));  // 10:07: free again
  ASSERT_TRUE(eventually([&] { return cron.started("slow") == 2; }));
  EXPECT_EQ(cron.started("every-5"), 1);
  cron.stop(std::chrono::seconds(5));
}

// On SIGTERM, pd-engine serve stops cron and the queue triggers taking work first, then waits
// for all of them within one grace period: stop_taking() must not wait for runs in flight.
TEST_F(CronSchedulerTest, StopTakingReturnsAtOnceAndWaitFinishedWaitsForTheRunInFlight) {
  ASSERT_NO_FATAL_FAILURE(
      start("export default async () => { await new Promise((r) => setTimeout(r, 1000)); };\n",
            "  - {type: cron, name: slow, schedule: \"* * * * *\"}\n"));
  CronScheduler& cron = *cron_;
  clock_.advance(std::chrono::seconds(30));  // 10:03: the run starts and takes 1 s
  ASSERT_TRUE(eventually([&] { return cron.started("slow") == 1; }));
  auto asked = std::chrono::steady_clock::now();
  cron.stop_taking();
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::milliseconds(500));
  EXPECT_EQ(metrics_.counter("success", "slow"), 0);  // still running
  // 10:04: nothing new starts.
  clock_.advance(std::chrono::seconds(60));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(cron.started("slow"), 1);
  cron.wait_finished(std::chrono::steady_clock::now() + std::chrono::seconds(10));
  EXPECT_EQ(metrics_.counter("success", "slow"), 1);
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(5));
}

TEST(CronScheduler, AnUnknownTimeZoneNamesTheTrigger) {
  spec::testing::TestWorkflowDir dir;
  dir.write("nodes/tick.ts", "export default () => 1;\n");
  dir.write("workflow.yaml",
            "name: ticks\nversion: \"1.0\"\ntriggers:\n"
            "  - {type: cron, name: nightly, schedule: \"0 3 * * *\", timezone: Europe/Atlantis}\n"
            "nodes:\n  tick: {path: nodes/tick.ts}\n");
  exec::WorkflowRuntimeOptions options = exec::testing::isolated_runtime_options(dir.path());
  auto runtime = exec::WorkflowRuntime::open(platform(), options);
  if (!runtime.is_ok()) {
    // The parser already refuses it: that is the error users see.
    EXPECT_NE(runtime.status().message().find("Europe/Atlantis"), std::string::npos);
    return;
  }
  Metrics metrics;
  auto scheduler = CronScheduler::start(*runtime.value(), metrics, {});
  ASSERT_FALSE(scheduler.is_ok());
  EXPECT_NE(scheduler.status().message().find("cron trigger \"nightly\": unknown time zone \"Europe/Atlantis\""),
            std::string::npos) << scheduler.status().message();
}

}  // namespace
}  // namespace pd::server
