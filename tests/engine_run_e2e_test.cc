// `pd-engine run` as a user runs it: the built binary on a workflow folder, result JSON on stdout,
// JSON log lines on stderr, exit codes.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/util/temp_dir.h"
#include "fakes/k8s/fake_cluster.h"
#include "tests/run_command.h"

namespace pd::testing {
namespace {

std::string engine_binary() {
  const char* build = std::getenv("PD_BINARY_DIR");
  return std::string(build ? build : PD_BINARY_DIR_FALLBACK) + "/engine/cli/pd-engine";
}

class EngineRun : public ::testing::Test {
 protected:
  void write(const std::string& relative, const std::string& text) {
    std::filesystem::create_directories((dir_.path() / relative).parent_path());
    std::ofstream(dir_.path() / relative) << text;
  }
  struct Outcome {
    int exit_code;
    std::string out;
    std::string err;
  };
  // stdout and stderr apart: the result JSON goes to one, log lines and errors to the other.
  Outcome run(const std::string& args) {
    std::filesystem::path err_file = errors_.path() / "stderr";
    // A group, so that run_command's own 2>&1 sees an empty stderr.
    CommandResult result = run_command(
        "{ " + shell_quote(engine_binary()) + " run " + shell_quote(dir_.path().string()) +
        " --config-dir " + shell_quote((dir_.path() / "config").string()) + " --secrets-dir " +
        shell_quote((dir_.path() / "mounted").string()) + " " + args + " 2>" +
        shell_quote(err_file.string()) + "; }");
    std::ifstream in(err_file);
    std::string err((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return {result.exit_code, result.output, err};
  }
  TempDir errors_{"pd-engine-run-err"};
  TempDir dir_{"pd-engine-run"};
};

TEST_F(EngineRun, PrintsTheResultAndLogsAsJsonLines) {
  write("workflow.yaml",
        "name: hello\nversion: \"1.0\"\ntriggers: [{type: manual}]\n"
        "nodes:\n  greet: {path: nodes/greet.ts}\nconfig:\n  greeting: hi\n");
  write("nodes/greet.ts",
        "export default (ctx: any, input: { name: string }) => {\n"
        "  ctx.log.info('greeting', input.name);\n"
        "  return `${ctx.config.greeting} ${input.name}`;\n};\n");
  write("config/greeting", "hello\n");
  Outcome result = run("--input '{\"name\": \"ada\"}'");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  nlohmann::json out = nlohmann::json::parse(result.out);
  EXPECT_EQ(out["success"], true);
  EXPECT_EQ(out["outputs"]["greet"], "hello ada");
  nlohmann::json log = nlohmann::json::parse(result.err);
  EXPECT_EQ(log["message"], "greeting");
  EXPECT_EQ(log["args"], nlohmann::json::array({"ada"}));
  EXPECT_EQ(log["executionId"], out["executionId"]);
}

TEST_F(EngineRun, ExitsOneWhenTheExecutionFails) {
  write("workflow.yaml",
        "name: fails\nversion: \"1.0\"\ntriggers: [{type: manual}]\n"
        "nodes:\n  bad: {path: nodes/bad.ts}\n");
  write("nodes/bad.ts", "export default () => { throw new TypeError('nope'); };\n");
  Outcome result = run("");
  EXPECT_EQ(result.exit_code, 1);
  nlohmann::json out = nlohmann::json::parse(result.out);
  EXPECT_EQ(out["success"], false);
  EXPECT_TRUE(out["errors"]["bad"].get<std::string>().starts_with("TypeError: nope")) << out;
}

TEST_F(EngineRun, BadInputAndBadWorkflowsGetClearErrors) {
  write("workflow.yaml", "name: x\nversion: \"1.0\"\ntriggers: [{type: manual}]\nnodes:\n  a: {path: nodes/a.ts}\n");
  Outcome missing_node = run("");
  EXPECT_EQ(missing_node.exit_code, 1);
  EXPECT_NE(missing_node.err.find("workflow.yaml:5:"), std::string::npos) << missing_node.err;
  write("nodes/a.ts", "export default () => 1;\n");
  Outcome bad_json = run("--input '{oops'");
  EXPECT_EQ(bad_json.exit_code, 1);
  EXPECT_TRUE(bad_json.err.starts_with("error: --input: not valid JSON:")) << bad_json.err;
  CommandResult usage = run_command(shell_quote(engine_binary()) + " run --no-such-flag");
  EXPECT_EQ(usage.exit_code, 2);
  for (const char* flag : {"--grace-period 0", "--grace-period -5", "--port 70000",
                           "--shutdown-delay -1", "--shutdown-delay 30"}) {
    CommandResult out_of_range =
        run_command(shell_quote(engine_binary()) + " serve " + flag + " 2>&1");
    EXPECT_EQ(out_of_range.exit_code, 2) << flag;
    EXPECT_NE(out_of_range.output.find(std::string(flag).substr(0, std::string(flag).find(' '))),
              std::string::npos)
        << out_of_range.output;
  }
}

TEST_F(EngineRun, CtxK8sUsesTheKubeconfigOutsideAPod) {
  SystemClock clock;
  auto cluster = fake_k8s::FakeCluster::start({}, clock);
  ASSERT_TRUE(cluster.is_ok()) << cluster.status().message();
  ASSERT_TRUE(cluster.value()->write_kubeconfig(dir_.path() / "kubeconfig").is_ok());
  write("workflow.yaml",
        "name: k8s\nversion: \"1.0\"\ntriggers: [{type: manual}]\n"
        "nodes:\n  ns: {path: nodes/ns.ts}\n");
  write("nodes/ns.ts",
        "export default async (ctx: any) => (await ctx.k8s.get('namespaces', 'default')).metadata.name;\n");
  Outcome result = run("--kubeconfig " + shell_quote((dir_.path() / "kubeconfig").string()));
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(nlohmann::json::parse(result.out)["outputs"]["ns"], "default");
}

}  // namespace
}  // namespace pd::testing
