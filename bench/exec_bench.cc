// Executions per second of a 3-node trivial workflow (a -> b -> c) in one process, no HTTP, one
// isolate (one core for JavaScript) with warm long-lived contexts; 1,000 executions in flight.
// Anchor: the same three node calls made straight on the runtime, without the executor.
// `exec_bench --count-only THOUSANDS` runs that many thousand executions and exits, for
// exec_instructions.sh to count instructions per execution under callgrind.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <future>
#include <string>

#include "engine/exec/workflow_runtime.h"
#include "engine/util/temp_dir.h"

namespace {

pd::js::V8Platform& platform() {
  static pd::js::V8Platform* instance = new pd::js::V8Platform();
  return *instance;
}

struct Workflow {
  Workflow() {
    std::filesystem::create_directories(temp.path() / "nodes");
    std::ofstream(temp.path() / "workflow.yaml")
        << "name: trivial\nversion: \"1.0\"\ntriggers: [{type: manual}]\nnodes:\n"
           "  a: {path: nodes/step.js}\n  b: {path: nodes/step.js}\n  c: {path: nodes/step.js}\n"
           "edges:\n  - {from: a, to: b}\n  - {from: b, to: c}\n";
    std::ofstream(temp.path() / "nodes/step.js")
        << "export default (_ctx, input) => ({ n: (input.n ?? 0) + 1 });\n";
  }
  // The workflow on one isolate, as pd-engine serve runs it.
  pd::Result<std::unique_ptr<pd::exec::WorkflowRuntime>> open() const {
    pd::exec::WorkflowRuntimeOptions options;
    options.workflow_dir = temp.path();
    options.mounted_secrets = temp.path() / "none";
    options.config_dir = temp.path() / "none";
    options.isolates = 1;
    options.outputs_as_text = true;  // as pd-engine serve
    return pd::exec::WorkflowRuntime::open(platform(), options);
  }
  pd::TempDir temp{"pd-exec-bench"};
};

constexpr int kBatch = 1000;

void BM_WorkflowExecutions(benchmark::State& state) {
  Workflow wf;
  auto runtime = wf.open();
  if (!runtime.is_ok()) return state.SkipWithError(runtime.status().message().c_str());
  for (auto _ : state) {
    std::promise<void> all;
    std::atomic<int> left{kBatch};
    std::atomic<int> failed{0};
    for (int i = 0; i < kBatch; ++i) {
      runtime.value()->execute({.input = {{"n", 0}}}, [&](pd::exec::ExecutionResult r) {
        if (!r.success) ++failed;
        if (--left == 0) all.set_value();
      });
    }
    all.get_future().wait();
    if (failed) state.SkipWithError("an execution failed");
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_WorkflowExecutions)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ThreeNodeCallsAnchor(benchmark::State& state) {
  Workflow wf;
  pd::js::RuntimeOptions options{wf.temp.path()};
  options.mode = pd::js::ContextMode::kLongLived;
  pd::js::Runtime runtime(platform(), options);
  (void)runtime.preload({"nodes/step.js"});
  for (auto _ : state) {
    std::promise<void> all;
    std::atomic<int> left{kBatch};
    for (int i = 0; i < kBatch; ++i) {
      // Three calls in a chain, as the executor makes them, minus the executor.
      auto third = [&](pd::Result<pd::js::NodeCall>) {
        if (--left == 0) all.set_value();
      };
      auto second = [&, third](pd::Result<pd::js::NodeCall> r) {
        runtime.call_node_async("nodes/step.js", {}, r.value().output, {}, third);
      };
      runtime.call_node_async("nodes/step.js", {}, {{"n", 0}}, {},
                              [&, second](pd::Result<pd::js::NodeCall> r) {
                                runtime.call_node_async("nodes/step.js", {}, r.value().output, {},
                                                        second);
                              });
    }
    all.get_future().wait();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_ThreeNodeCallsAnchor)->Unit(benchmark::kMillisecond)->UseRealTime();

// `thousands` x 1,000 executions, 50 at a time, each with the ctx.trigger of a JetStream
// message, as a queue trigger runs them. Exit 1 if one fails.
int count_only(int thousands) {
  Workflow wf;
  auto runtime = wf.open();
  if (!runtime.is_ok()) return 1;
  const std::string trigger =
      R"({"type":"queue","name":"in","subject":"engine.in","headers":{"Content-Type":)"
      R"("application/json"},"delivery":{"stream":"ENGINE","consumer":"trivial",)"
      R"("streamSequence":12345,"consumerSequence":12345,"attempt":1,"pending":17,)"
      R"("timestamp":"2026-12-07T14:30:00.123Z"}})";
  constexpr int kWave = 50;
  std::atomic<bool> failed{false};
  for (int wave = 0; wave < thousands * 1000 / kWave; ++wave) {
    std::promise<void> all;
    std::atomic<int> left{kWave};
    for (int i = 0; i < kWave; ++i) {
      runtime.value()->execute({.input_json = "{\"n\": 0}", .trigger_json = trigger},
                               [&](pd::exec::ExecutionResult r) {
                                 if (!r.success) failed = true;
                                 if (--left == 0) all.set_value();
                               });
    }
    all.get_future().wait();
  }
  return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--count-only") {
    // No teardown: V8 and the isolate threads go with the process.
    std::_Exit(count_only(std::atoi(argv[2])));
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
