// Executions per second of a 3-node trivial workflow (a -> b -> c) in one process, no HTTP, one
// isolate (one core for JavaScript) with warm long-lived contexts; 1,000 executions in flight.
// Anchor: the same three node calls made straight on the runtime, without the executor.
#include <benchmark/benchmark.h>

#include <atomic>
#include <fstream>
#include <future>

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
  pd::TempDir temp{"pd-exec-bench"};
};

constexpr int kBatch = 1000;

void BM_WorkflowExecutions(benchmark::State& state) {
  Workflow wf;
  pd::exec::WorkflowRuntimeOptions options;
  options.workflow_dir = wf.temp.path();
  options.mounted_secrets = wf.temp.path() / "none";
  options.config_dir = wf.temp.path() / "none";
  options.isolates = 1;
  options.outputs_as_text = true;  // as pd-engine serve
  auto runtime = pd::exec::WorkflowRuntime::open(platform(), options);
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

}  // namespace

BENCHMARK_MAIN();
