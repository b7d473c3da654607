// Validate + compile a generated 2,000-node workflow (target < 50 ms), against the anchor of a
// bare yaml-cpp parse of the same file in the same run. Argument: edges per node (fan-in).
#include <benchmark/benchmark.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "engine/spec/workflow_loader.h"
#include "engine/util/temp_dir.h"

namespace {

constexpr int kNodes = 2000;

// A layered DAG: node i depends on up to `fan_in` of the nodes i-1, i-7 and i-31.
std::string generate_workflow(int nodes, int fan_in) {
  std::string yaml =
      "name: bench\nversion: \"1.0\"\ntriggers:\n  - type: manual\n  - type: cron\n"
      "    schedule: \"*/5 * * * *\"\nnodes:\n";
  for (int i = 0; i < nodes; ++i) {
    yaml += "  n" + std::to_string(i) + ":\n    path: nodes/n" + std::to_string(i) + ".ts\n";
  }
  yaml += "edges:\n";
  for (int i = 1; i < nodes; ++i) {
    int added = 0;
    for (int back : {1, 7, 31}) {
      if (i - back < 0 || added == fan_in) continue;
      ++added;
      yaml += "  - from: n" + std::to_string(i - back) + "\n    to: n" + std::to_string(i) + "\n";
    }
  }
  return yaml + "config:\n  timeout: 30s\n  retries: 2\n";
}

// A workflow folder with workflow.yaml and one file per node, removed at exit.
class GeneratedWorkflow {
 public:
  explicit GeneratedWorkflow(int fan_in) {
    dir_ = temp_.path();
    std::filesystem::create_directories(dir_ / "nodes");
    for (int i = 0; i < kNodes; ++i) {
      std::ofstream(dir_ / ("nodes/n" + std::to_string(i) + ".ts")) << "export default () => 1;\n";
    }
    text_ = generate_workflow(kNodes, fan_in);
    std::ofstream(dir_ / "workflow.yaml") << text_;
  }
  const std::filesystem::path& dir() const { return dir_; }
  const std::string& text() const { return text_; }

 private:
  pd::TempDir temp_{"pd-bench"};
  std::filesystem::path dir_;
  std::string text_;
};

const GeneratedWorkflow& workflow(int fan_in) {
  static std::map<int, std::unique_ptr<GeneratedWorkflow>> workflows;
  auto& slot = workflows[fan_in];
  if (!slot) slot = std::make_unique<GeneratedWorkflow>(fan_in);
  return *slot;
}

void BM_ValidateAndCompile2000Nodes(benchmark::State& state) {
  const GeneratedWorkflow& generated = workflow(static_cast<int>(state.range(0)));
  size_t edges = 0;
  for (auto _ : state) {
    pd::spec::LoadedWorkflow loaded = pd::spec::load_workflow(generated.dir());
    if (!loaded.ok()) state.SkipWithError(loaded.format_diagnostics().c_str());
    edges = loaded.workflow.edges.size();
    benchmark::DoNotOptimize(loaded.plan);
  }
  state.counters["edges"] = static_cast<double>(edges);
  state.counters["yaml_kib"] = static_cast<double>(generated.text().size()) / 1024;
}
BENCHMARK(BM_ValidateAndCompile2000Nodes)->Arg(1)->Arg(3)->Unit(benchmark::kMillisecond);

// Anchor: yaml-cpp parsing the same text, with no validation or compilation.
void BM_Anchor_YamlCppParseOnly(benchmark::State& state) {
  const GeneratedWorkflow& generated = workflow(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(YAML::Load(generated.text()));
}
BENCHMARK(BM_Anchor_YamlCppParseOnly)->Arg(1)->Arg(3)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
