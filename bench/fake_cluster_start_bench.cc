// In-process: FakeCluster::start (CA and certificates generated, controllers started, port
// bound) to the first successful HTTPS GET /version, then stop. Target < 20 ms. Anchor in the
// same run: the same with --plain-http (no CA, no TLS handshake).
#include <benchmark/benchmark.h>
#include <httplib.h>

#include "fakes/k8s/fake_cluster.h"

namespace {

void start_and_get_version(benchmark::State& state, bool plain_http) {
  pd::SystemClock clock;
  for (auto _ : state) {
    pd::fake_k8s::FakeClusterOptions options;
    options.plain_http = plain_http;
    auto cluster = pd::fake_k8s::FakeCluster::start(options, clock);
    if (!cluster.is_ok()) {
      state.SkipWithError(cluster.status().message().c_str());
      return;
    }
    int status = 0;
    if (plain_http) {
      httplib::Client client("127.0.0.1", cluster.value()->port());
      auto result = client.Get("/version");
      status = result ? result->status : 0;
    } else {
      httplib::SSLClient client("127.0.0.1", cluster.value()->port());
      client.enable_server_certificate_verification(false);
      auto result = client.Get("/version");
      status = result ? result->status : 0;
    }
    if (status != 200) state.SkipWithError("GET /version failed");
    state.PauseTiming();
    cluster.value()->stop();
    state.ResumeTiming();
  }
}

void BM_StartToFirstVersionHttps(benchmark::State& state) { start_and_get_version(state, false); }
void BM_Anchor_StartToFirstVersionPlainHttp(benchmark::State& state) {
  start_and_get_version(state, true);
}
BENCHMARK(BM_StartToFirstVersionHttps)->Unit(benchmark::kMillisecond)->Iterations(20);
BENCHMARK(BM_Anchor_StartToFirstVersionPlainHttp)->Unit(benchmark::kMillisecond)->Iterations(20);

}  // namespace

BENCHMARK_MAIN();
