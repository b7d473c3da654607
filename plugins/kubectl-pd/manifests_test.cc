// Golden files for what `kubectl pd deploy` renders for the example workflows, and the
// reversible flattening of code paths into ConfigMap keys.
#include "plugins/kubectl-pd/manifests.h"
#include "plugins/kubectl-pd/rollout.h"

#include <gtest/gtest.h>

#include <fstream>

#include "engine/spec/workflow_loader.h"
#include "engine/util/file_io.h"
#include "engine/util/yaml_adapter.h"

namespace pd::kubectl_pd {
namespace {

std::filesystem::path source_dir() {
  const char* source = std::getenv("PD_SOURCE_DIR");
  return source ? source : PD_SOURCE_DIR_FALLBACK;
}

// Set PD_UPDATE_GOLDEN=1 to rewrite the golden file after an intended change.
void expect_golden(const std::string& workflow) {
  spec::LoadedWorkflow loaded = spec::load_workflow(source_dir() / "example-workflows" / workflow);
  ASSERT_TRUE(loaded.ok()) << loaded.format_diagnostics();
  DeployInputs inputs;
  inputs.namespace_name = "team";
  inputs.image = "registry.example/pipedreamer-engine:0.1.0";
  Result<CodeBundle> bundle = collect_code_bundle(loaded.workflow.dir);
  ASSERT_TRUE(bundle.is_ok());
  inputs.bundle = bundle.value();
  inputs.secrets = nlohmann::json{{"github", {{"token", "t"}}}};
  inputs.change_cause = "golden";
  inputs.git_commit = "0123456789abcdef";
  inputs.deployed_by = "ci";
  inputs.deployed_at = "2026-01-01T00:00:00Z";
  std::string actual;
  for (const nlohmann::json& object : render_objects(loaded.workflow, inputs)) {
    nlohmann::json shown = object;
    if (shown["kind"] == "ConfigMap" && shown["metadata"]["name"].get<std::string>().find("-code-") != std::string::npos) {
      for (auto& [key, value] : shown["data"].items()) value = std::to_string(value.get<std::string>().size()) + " bytes";
      shown["metadata"]["annotations"]["pipedreamer.dev/content-hash"] = "<hash>";
    }
    actual += "---\n" + json_to_yaml(nlohmann::ordered_json::parse(shown.dump()));
  }
  std::filesystem::path golden = source_dir() / "fixtures/golden" / (workflow + "-manifests.yaml");
  if (std::getenv("PD_UPDATE_GOLDEN")) std::ofstream(golden) << actual;
  Result<std::string> expected = read_text_file(golden);
  ASSERT_TRUE(expected.is_ok()) << expected.status().message();
  EXPECT_EQ(actual, expected.value()) << "golden file " << golden;
}

TEST(Manifests, GithubDigestMatchesGolden) { expect_golden("github-digest"); }
TEST(Manifests, UptimeCheckMatchesGolden) { expect_golden("uptime-check"); }

TEST(CodeBundle, KeysFlattenReversiblyWithoutCollisions) {
  for (std::string path : {"nodes/fetch.ts", "nodes/my_file.ts", "nodes__fetch.ts",
                                  "vendor/@std/path/mod.ts", "a b/ü.ts"}) {
    std::string key = flatten_key(path);
    EXPECT_TRUE(std::all_of(key.begin(), key.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    })) << key;
    EXPECT_EQ(unflatten_key(key), path);
  }
  EXPECT_EQ(flatten_key("nodes/fetch.ts"), "nodes__fetch.ts");
  EXPECT_NE(flatten_key("nodes__fetch.ts"), flatten_key("nodes/fetch.ts"));
  EXPECT_EQ(version_slug("1.0"), "1-0");
}

}  // namespace
}  // namespace pd::kubectl_pd

namespace pd::kubectl_pd {
namespace {

TEST(RolloutProgress, SaysWhatTheRolloutWaitsForAsKubectlDoes) {
  EXPECT_EQ(rollout_progress("d", 3, 1, 3, 1),
            "Waiting for deployment \"d\" rollout to finish: 1 out of 3 new replicas have been updated...");
  EXPECT_EQ(rollout_progress("d", 2, 2, 3, 2),
            "Waiting for deployment \"d\" rollout to finish: 1 old replicas are pending termination...");
  EXPECT_EQ(rollout_progress("d", 2, 2, 2, 1),
            "Waiting for deployment \"d\" rollout to finish: 1 of 2 updated replicas are available...");
}

}  // namespace
}  // namespace pd::kubectl_pd
