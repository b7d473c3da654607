// Checking that a request body or queue payload is JSON, before V8 parses it for the nodes:
// pd::is_json_text against the anchor it replaced, nlohmann::json::accept, on the trivial
// workflow's payload and on a 4.8 KB document shaped like a webhook event (bytes/s).
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>
#include <string>

#include "engine/util/json_text.h"

namespace {

std::string payload(int size) {
  if (size == 0) return R"({"n": 1})";
  nlohmann::json doc;
  for (int i = 0; i < 40; ++i) {
    doc["key" + std::to_string(i)] = {{"id", i},
                                      {"name", "repository-name-" + std::to_string(i)},
                                      {"url", "https://api.github.com/repos/octo/x/" +
                                                  std::to_string(i)},
                                      {"private", false},
                                      {"score", 1.5 * i}};
  }
  return doc.dump();
}

void BM_IsJsonText(benchmark::State& state) {
  std::string text = payload(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(pd::is_json_text(text));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_IsJsonText)->Arg(0)->Arg(1);

void BM_NlohmannAcceptAnchor(benchmark::State& state) {
  std::string text = payload(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(nlohmann::json::accept(text));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_NlohmannAcceptAnchor)->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
