// The JS runtime's costs, measured here and compared (by scripts/bench.sh) with Deno running the
// same nodes in the same run and with raw V8 (v8_context_anchor_bench): a call of a trivial node
// in a fresh context with the Web APIs each time (the harness's mode) and in a long-lived context
// (the engine's: one call at a time, and 1,000 in flight), loading a 300-line TypeScript node cold
// (new source: strip + compile) and cached, and a fetch round trip to a loopback server (anchor:
// the same request from C++ with the same HTTP client).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <httplib.h>
#include <thread>

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

pd::js::RuntimeOptions long_lived(const std::filesystem::path& dir) {
  pd::js::RuntimeOptions options{dir};
  options.mode = pd::js::ContextMode::kLongLived;
  options.default_net = pd::js::NetPolicy({"127.0.0.1"});
  return options;
}

void BM_CallTrivialNodeLongLived(benchmark::State& state) {
  Workspace ws;
  pd::js::Runtime runtime(platform(), long_lived(ws.dir));
  (void)runtime.preload({"nodes/trivial.js"});
  for (auto _ : state) {
    auto result = runtime.call_node("nodes/trivial.js", {}, {{"n", 1}}, std::chrono::seconds(5));
    if (!result.is_ok()) state.SkipWithError(result.status().message().c_str());
  }
}
BENCHMARK(BM_CallTrivialNodeLongLived)->Unit(benchmark::kMicrosecond);

// 1,000 calls in flight at once: the per-call cost without a thread hand-off per call.
void BM_CallTrivialNodeLongLivedPipelined(benchmark::State& state) {
  Workspace ws;
  pd::js::Runtime runtime(platform(), long_lived(ws.dir));
  (void)runtime.preload({"nodes/trivial.js"});
  constexpr int kBatch = 1000;
  for (auto _ : state) {
    std::promise<void> all_done;
    std::atomic<int> left{kBatch};
    for (int i = 0; i < kBatch; ++i) {
      runtime.call_node_async("nodes/trivial.js", nlohmann::json::object(), {{"n", 1}}, {},
                              [&](pd::Result<pd::js::NodeCall>) {
                                if (--left == 0) all_done.set_value();
                              });
    }
    all_done.get_future().wait();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_CallTrivialNodeLongLivedPipelined)->Unit(benchmark::kMillisecond);

// One call at a time beside N calls that await a timer an hour away (nodes waiting on I/O, as
// a queue trigger's max_in_flight of them may): what each call pays for the others in flight.
// Arg 0 is the anchor; the ratio to it should stay near 1 as N grows.
void BM_CallTrivialNodeBesideAwaitingCalls(benchmark::State& state) {
  Workspace ws;
  std::ofstream(ws.dir / "nodes/waiting.js")
      << "export default () => new Promise((resolve) => setTimeout(resolve, 3600000));\n";
  pd::js::Runtime runtime(platform(), long_lived(ws.dir));
  (void)runtime.preload({"nodes/trivial.js", "nodes/waiting.js"});
  pd::js::CallOptions waiting;
  waiting.timeout = std::chrono::hours(2);
  for (int64_t i = 0; i < state.range(0); ++i) {
    runtime.call_node_async("nodes/waiting.js", nlohmann::json::object(), {}, waiting,
                            [](pd::Result<pd::js::NodeCall>) {});
  }
  for (auto _ : state) {
    auto result = runtime.call_node("nodes/trivial.js", {}, {{"n", 1}}, std::chrono::seconds(5));
    if (!result.is_ok()) state.SkipWithError(result.status().message().c_str());
  }
}
BENCHMARK(BM_CallTrivialNodeBesideAwaitingCalls)
    ->Arg(0)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMicrosecond);

struct LoopbackServer {
  LoopbackServer() {
    server.Get("/ping", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("{\"ok\":true}", "application/json");
    });
    server.set_tcp_nodelay(true);
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
    while (!server.is_running()) std::this_thread::yield();
  }
  ~LoopbackServer() {
    server.stop();
    thread.join();
  }
  httplib::Server server;
  int port = 0;
  std::thread thread;
};

void BM_FetchRoundTripFromNode(benchmark::State& state) {
  Workspace ws;
  LoopbackServer server;
  std::ofstream(ws.dir / "nodes/fetch.js")
      << "export default async (_c, i) => (await fetch(i.url)).json();\n";
  pd::js::Runtime runtime(platform(), long_lived(ws.dir));
  nlohmann::json input = {{"url", "http://127.0.0.1:" + std::to_string(server.port) + "/ping"}};
  for (auto _ : state) {
    auto result = runtime.call_node("nodes/fetch.js", {}, input, std::chrono::seconds(5));
    if (!result.is_ok()) state.SkipWithError(result.status().message().c_str());
  }
}
BENCHMARK(BM_FetchRoundTripFromNode)->Unit(benchmark::kMicrosecond);

// Anchor: the same request through the same transport, from C++ on the calling thread.
void BM_FetchRoundTripAnchorCpp(benchmark::State& state) {
  LoopbackServer server;
  pd::NetworkHttpTransport transport;
  pd::HttpRequest request{.url = "http://127.0.0.1:" + std::to_string(server.port) + "/ping"};
  for (auto _ : state) {
    auto result = transport.send(request);
    if (!result.is_ok()) state.SkipWithError(result.status().message().c_str());
  }
}
BENCHMARK(BM_FetchRoundTripAnchorCpp)->Unit(benchmark::kMicrosecond);

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
