// The kubectl pd command line in-process: output, exit codes and kubectl-style errors.
#include "plugins/kubectl-pd/cli.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace pd::kubectl_pd {
namespace {

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

CliRun run(std::vector<std::string> args) {
  std::ostringstream out, err;
  Io io{out, err};
  int code = run_cli(args, io);
  return {code, out.str(), err.str()};
}

std::string examples() {
  const char* dir = std::getenv("PD_SOURCE_DIR");
  return (std::filesystem::path(dir ? dir : PD_SOURCE_DIR_FALLBACK) / "example-workflows").string();
}

std::string bad_workflow(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "workflow.yaml") << "name: bad\nversion: \"1.0\"\ntriggers:\n"
                                          "  - type: manual\nnodes: {}\negdes: []\n";
  return dir.string();
}

TEST(KubectlPdValidate, PrintsOneSummaryLinePerWorkflowBelowAFolder) {
  CliRun r = run({"validate", examples()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "workflow/cluster-health-collector validated: version 1.0.0, 4 nodes in 3 stages, triggers: "
            "manual, cron \"*/10 * * * *\"\n"
            "workflow/github-digest validated: version 1.0, 4 nodes in 3 stages, triggers: "
            "manual, cron \"0 8 * * 1-5\"\n"
            "workflow/sales-report validated: version 1.0.0, 3 nodes in 3 stages, triggers: manual\n"
            "workflow/uptime-check validated: version 0.3.1, 2 nodes in 2 stages, triggers: "
            "manual, cron \"*/5 * * * *\"\n"
            "workflow/uptime-prober validated: version 1.0.0, 3 nodes in 3 stages, triggers: "
            "manual, cron \"* * * * *\"\n");
  EXPECT_EQ(r.err, "");
}

TEST(KubectlPdValidate, PrintsDiagnosticsAndExitsOneOnErrors) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "pd-cli-bad";
  std::filesystem::remove_all(dir);
  std::string path = bad_workflow(dir);
  CliRun r = run({"validate", path});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  std::string file = (dir / "workflow.yaml").string();
  EXPECT_EQ(r.err, file +
                       ":5:8: error: `nodes`: expected at least one node\n"
                       "nodes: {}\n"
                       "       ^\n" +
                       file +
                       ":6:1: error: unknown key `egdes` — did you mean `edges`?\n"
                       "egdes: []\n"
                       "^\n"
                       "error: " +
                       file + ": 2 errors\n");
  std::filesystem::remove_all(dir);
}

TEST(KubectlPdValidate, OutputJsonPrintsTheCompiledPlan) {
  CliRun r = run({"validate", examples() + "/uptime-check", "-o", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto plan = nlohmann::json::parse(r.out);
  EXPECT_EQ(plan["workflow"], "uptime-check");
  EXPECT_EQ(plan["nodeOrder"], (std::vector<std::string>{"probe", "report"}));
  CliRun both = run({"-o", "json", "validate", examples()});
  EXPECT_EQ(nlohmann::json::parse(both.out)["kind"], "List");
}

TEST(KubectlPdValidate, OutputNameAndYaml) {
  EXPECT_EQ(run({"validate", examples(), "-o", "name"}).out,
            "workflow/cluster-health-collector\nworkflow/github-digest\nworkflow/sales-report\n"
            "workflow/uptime-check\nworkflow/uptime-prober\n");
  CliRun yaml = run({"validate", examples() + "/github-digest", "--output", "yaml"});
  EXPECT_EQ(yaml.out.substr(0, 39), "workflow: github-digest\nversion: \"1.0\"\n");
}

TEST(KubectlPdValidate, RejectsUnsupportedOutputFormats) {
  CliRun r = run({"validate", examples(), "-o", "xml"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err,
            "error: unable to match a printer suitable for the output format \"xml\", allowed "
            "formats are: json, yaml, name\n"
            "See 'kubectl pd validate -h' for help and examples.\n");
}

TEST(KubectlPdValidate, MissingFolderIsAnError) {
  CliRun r = run({"validate", "/nonexistent/flow"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "error: /nonexistent/flow: no such file or folder\n");
}

TEST(KubectlPdVisualize, PrintsMermaidByDefaultAndDotOnRequest) {
  CliRun mermaid = run({"visualize", examples() + "/uptime-check"});
  EXPECT_EQ(mermaid.code, 0);
  EXPECT_EQ(mermaid.out.substr(0, 9), "graph TD\n");
  CliRun dot = run({"visualize", examples() + "/uptime-check", "--format", "dot"});
  EXPECT_EQ(dot.out.substr(0, 25), "digraph \"uptime-check\" {\n");
}

TEST(KubectlPdVisualize, RejectsUnknownFormats) {
  CliRun r = run({"visualize", examples() + "/uptime-check", "--format", "svg"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err.substr(0, 24), "error: --format: svg not");
  EXPECT_NE(r.err.find("See 'kubectl pd visualize -h' for help and examples.\n"),
            std::string::npos);
}

TEST(KubectlPdCli, UnknownCommandSuggestsTheClosest) {
  CliRun r = run({"valdate"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err,
            "error: unknown command \"valdate\" for \"kubectl pd\"\n\nDid you mean this?\n"
            "\tvalidate\n\nRun 'kubectl pd --help' for usage.\n");
}

TEST(KubectlPdCli, UnknownFlagIsAUsageErrorWithExitOne) {
  CliRun r = run({"validate", "--bogus"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err,
            "error: the following argument was not expected: --bogus\n"
            "See 'kubectl pd validate -h' for help and examples.\n");
}

TEST(KubectlPdCli, AcceptsKubectlGlobalFlagsBeforeAndAfterTheCommand) {
  EXPECT_EQ(run({"-n", "prod", "--context", "kind", "validate", examples()}).code, 0);
  EXPECT_EQ(run({"validate", examples(), "--kubeconfig", "/dev/null", "--namespace=prod", "-A",
                 "--cluster", "c", "--user", "u", "--request-timeout", "5s"})
                .code,
            0);
}

TEST(KubectlPdCli, HelpExitsZeroWithKubectlPdUsage) {
  CliRun root = run({"--help"});
  EXPECT_EQ(root.code, 0);
  EXPECT_NE(root.out.find("Usage: kubectl pd [OPTIONS] SUBCOMMAND"), std::string::npos);
  CliRun sub = run({"validate", "-h"});
  EXPECT_EQ(sub.code, 0);
  EXPECT_NE(sub.out.find("Usage: kubectl pd validate [OPTIONS] [DIR...]"), std::string::npos);
  EXPECT_EQ(run({}).code, 0);
}

TEST(KubectlPdVersion, PrintsTextJsonAndYaml) {
  CliRun text = run({"version"});
  EXPECT_EQ(text.out.substr(0, 12), "kubectl-pd v");
  auto json = nlohmann::json::parse(run({"version", "-o", "json"}).out);
  EXPECT_EQ(json["clientVersion"]["version"], "v" PD_VERSION);
  EXPECT_EQ(run({"version", "-o", "yaml"}).out.substr(0, 15), "clientVersion:\n");
}

}  // namespace
}  // namespace pd::kubectl_pd
