// The JS runtime's costs, measured here and compared (by scripts/bench.sh) with Deno running the
// same nodes in the same run: a call of a trivial node (a fresh context with the Web APIs each
// time, the harness's mode), and loading a 300-line TypeScript node cold (new source: strip +
// compile) and cached (transform cache hit).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "bench/js_nodes.h"
#include "engine/js/runtime.h"
#include "engine/util/temp_dir.h"

namespace {

pd::js::V8Platform& platform() {
  static pd::js::V8Platform* instance = new pd::js::V8Platform();
  return *instance;
}

struct Workspace {
  Workspace() {
    std::filesystem::create_directories(dir / "nodes");
    std::ofstream(dir / "nodes/trivial.js") << pd::bench::trivial_node();
    std::ofstream(dir / "nodes/big.ts") << pd::bench::typescript_node_300_lines(0);
  }
  pd::TempDir temp{"pd-jsbench"};
  std::filesystem::path dir = temp.path();
};

void BM_CallTrivialNodeFreshContext(benchmark::State& state) {
  Workspace ws;
  pd::js::Runtime runtime(platform(), {ws.dir});
  for (auto _ : state) {
    auto result = runtime.call_node("nodes/trivial.js", {}, {{"n", 1}}, std::chrono::seconds(5));
    if (!result.is_ok()) state.SkipWithError(result.status().message().c_str());
  }
}
BENCHMARK(BM_CallTrivialNodeFreshContext)->Unit(benchmark::kMicrosecond);

void BM_Load300LineTypeScriptNodeCached(benchmark::State& state) {
  Workspace ws;
  pd::js::Runtime runtime(platform(), {ws.dir});
  runtime.call_node("nodes/big.ts", {}, {{"n", 1}}, std::chrono::seconds(5));  // fill the cache
  for (auto _ : state) {
    auto result = runtime.call_node("nodes/big.ts", {}, {{"n", 1}}, std::chrono::seconds(5));
    if (!result.is_ok()) state.SkipWithError(result.status().message().c_str());
  }
}
BENCHMARK(BM_Load300LineTypeScriptNodeCached)->Unit(benchmark::kMillisecond);

void BM_Load300LineTypeScriptNodeCold(benchmark::State& state) {
  Workspace ws;
  pd::js::Runtime runtime(platform(), {ws.dir});
  runtime.call_node("nodes/big.ts", {}, {{"n", 1}}, std::chrono::seconds(5));  // warm the JIT
  int variant = 1;
  for (auto _ : state) {
    state.PauseTiming();
    std::ofstream(ws.dir / "nodes/big.ts") << pd::bench::typescript_node_300_lines(variant++);
    state.ResumeTiming();
    auto result = runtime.call_node("nodes/big.ts", {}, {{"n", 1}}, std::chrono::seconds(5));
    if (!result.is_ok()) state.SkipWithError(result.status().message().c_str());
  }
}
BENCHMARK(BM_Load300LineTypeScriptNodeCold)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
