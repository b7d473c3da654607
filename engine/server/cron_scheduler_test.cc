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

TEST(CronScheduler, RunsAtTheScheduledMinutesAndSkipsOverlappingRuns) {
  spec::testing::TestWorkflowDir dir;
  dir.write("nodes/tick.ts",
            "export default async (_c: unknown, input: any) => {\n"
            "  if (input.trigger === 'slow') await new Promise((r) => setTimeout(r, 1500));\n"
            "  return input.trigger;\n};\n");
  dir.write("workflow.yaml",
            "name: ticks\nversion: \"1.0\"\ntriggers:\n"
            "  - {type: cron, name: every-5, schedule: \"*/5 * * * *\"}\n"
            "  - {type: cron, name: slow, schedule: \"* * * * *\", timezone: Europe/Berlin}\n"
            "nodes:\n  tick: {path: nodes/tick.ts}\n");
  exec::WorkflowRuntimeOptions options = exec::testing::isolated_runtime_options(dir.path());
  auto runtime = exec::WorkflowRuntime::open(platform(), options);
  ASSERT_TRUE(runtime.is_ok()) << runtime.status().message();
  ManualClock clock(*parse_rfc3339("2026-06-01T10:02:30Z"));
  Metrics metrics;
  auto scheduler = CronScheduler::start(*runtime.value(), metrics, {&clock, nullptr, std::chrono::milliseconds(5)});
  ASSERT_TRUE(scheduler.is_ok()) << scheduler.status().message();
  CronScheduler& cron = *scheduler.value();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(cron.started("every-5"), 0);
  clock.advance(std::chrono::seconds(150));  // 10:05:00
  ASSERT_TRUE(eventually([&] { return metrics.counter("success", "every-5") == 1; }));
  EXPECT_EQ(cron.started("slow"), 1);  // 10:03, 10:04, 10:05 collapse into one: no catch-up
  clock.advance(std::chrono::seconds(60));  // 10:06: the slow run (1.5 s) is still going
  ASSERT_TRUE(eventually([&] { return cron.skipped("slow") == 1; }));
  ASSERT_TRUE(eventually([&] { return metrics.counter("success", "slow") == 1; }));
  clock.advance(std::chrono::seconds(60));  // 10:07: free again
  ASSERT_TRUE(eventually([&] { return cron.started("slow") == 2; }));
  EXPECT_EQ(cron.started("every-5"), 1);
  cron.stop(std::chrono::seconds(5));
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
