// End to end: the built kubectl-pd found by the real kubectl (v1.32) as a plugin on PATH.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "tests/run_command.h"

namespace pd {
namespace {

using testing::run_command;
using testing::shell_quote;

std::string env_or(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value ? value : fallback;
}

// `kubectl …` with our plugin first on PATH and a kubeconfig that points nowhere.
std::string kubectl(const std::string& args) {
  std::string build = env_or("PD_BINARY_DIR", PD_BINARY_DIR_FALLBACK);
  std::string kubeconfig = (std::filesystem::temp_directory_path() / "pd-e2e-none.yaml").string();
  return "PATH=" + shell_quote(build + "/plugins/kubectl-pd") + ":" + shell_quote(build + "/harness") +
         ":\"$PATH\" KUBECONFIG=" + shell_quote(kubeconfig) + " kubectl " + args;
}

std::string examples() {
  return env_or("PD_SOURCE_DIR", PD_SOURCE_DIR_FALLBACK) + "/example-workflows";
}

TEST(KubectlPluginE2E, KubectlFindsThePluginAndValidatesExamples) {
  testing::CommandResult result = run_command(kubectl("pd validate " + shell_quote(examples())));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(
      result.output.find("workflow/github-digest validated: version 1.0, 4 nodes in 3 stages"),
      std::string::npos)
      << result.output;
}

TEST(KubectlPluginE2E, ErrorsExitOneThroughKubectl) {
  testing::CommandResult result = run_command(kubectl("pd validate /nonexistent"));
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.output, "error: /nonexistent: no such file or folder\n");
}

TEST(KubectlPluginE2E, KubectlGlobalFlagsPassThroughToThePlugin) {
  testing::CommandResult result =
      run_command(kubectl("pd -n prod --context dev visualize " + shell_quote(examples()) +
                          "/uptime-check --format dot"));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output.substr(0, 25), "digraph \"uptime-check\" {\n");
}

TEST(KubectlPluginE2E, KubectlPdTestRunsTheHarness) {
  testing::CommandResult result =
      run_command(kubectl("pd test " + shell_quote(examples()) + " --reporter tap"));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("\nok 1 - cluster-health-collector/"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find(" - github-digest/fetch-pulls\n"), std::string::npos) << result.output;
  EXPECT_EQ(result.output.find("not ok"), std::string::npos) << result.output;
}

TEST(KubectlPluginE2E, KubectlListsThePlugin) {
  testing::CommandResult result = run_command(kubectl("plugin list"));
  EXPECT_NE(result.output.find("/kubectl-pd"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace pd
