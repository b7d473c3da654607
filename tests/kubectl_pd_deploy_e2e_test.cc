// kubectl pd deploy/versions/rollback/status/list as users run them: the built plugin against
// the fake cluster over TLS, cross-checked with real kubectl, with faults injected at each step.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>
#include <nlohmann/json.hpp>

#include "engine/util/base64.h"
#include "engine/util/random_source.h"
#include "engine/util/temp_dir.h"
#include "fakes/k8s/fake_cluster.h"
#include "tests/run_command.h"

namespace pd {
namespace {

using testing::BackgroundCommand;
using testing::CommandResult;
using testing::run_command;
using testing::shell_quote;

std::string build_dir() {
  const char* build = std::getenv("PD_BINARY_DIR");
  return build ? build : PD_BINARY_DIR_FALLBACK;
}

class PdDeploy : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_k8s::FakeClusterOptions options;
    options.pod_ready_delay = std::chrono::milliseconds(50);
    auto started = fake_k8s::FakeCluster::start(options, clock_);
    ASSERT_TRUE(started.is_ok()) << started.status().message();
    cluster_ = std::move(started).value();
    ASSERT_TRUE(cluster_->write_kubeconfig(dir_ / "kubeconfig").is_ok());
    write("wf/workflow.yaml",
          "name: demo\nversion: \"1.0\"\ntriggers:\n  - type: manual\n  - type: cron\n"
          "    name: nightly\n    schedule: \"0 3 * * *\"\n"
          "nodes:\n  a: {path: nodes/a.ts}\n  b: {path: nodes/deep/b.ts}\nedges:\n  - {from: a, to: b}\n");
    // Content that text templating would break: leading indentation, ": " and "||".
    write("wf/nodes/a.ts", "    // indented first line\nexport default (c: any, i: any) => i.x || 'key: value';\n");
    write("wf/nodes/deep/b.ts", "import { x } from \"../shared/util.ts\";\nexport default () => x;\n");
    write("wf/nodes/shared/util.ts", "export const x = 1;\n");
    write("wf/nodes/shared/a.ts", "export const other = 2;\n");  // same basename as nodes/a.ts
    write("wf/.secrets.yaml", "github:\n  token: ghp-secret-value\n");
    write("wf/tests/fixtures/a.json", "{}\n");
  }
  void write(const std::string& relative, const std::string& text) {
    std::filesystem::create_directories((dir_ / relative).parent_path());
    std::ofstream(dir_ / relative) << text;
  }
  CommandResult pd(const std::string& args) {
    return run_command("KUBECONFIG=" + shell_quote((dir_ / "kubeconfig").string()) + " " +
                       shell_quote(build_dir() + "/plugins/kubectl-pd/kubectl-pd") + " " + args);
  }
  CommandResult kubectl(const std::string& args) {
    return run_command("KUBECONFIG=" + shell_quote((dir_ / "kubeconfig").string()) +
                       " kubectl --cache-dir " + shell_quote((dir_ / "cache").string()) + " " + args);
  }
  std::string wf() { return shell_quote((dir_ / "wf").string()); }
  std::string binary(const std::string& relative) { return shell_quote(build_dir() + "/" + relative); }
  // The name of the workflow's (first) pod, from `kubectl pd logs`' prefix.
  std::string pod_name() {
    std::string out = pd("logs demo -n team --tail 1").output;
    return out.rfind("[", 0) == 0 ? out.substr(1, out.find(']') - 1) : "";
  }
  std::optional<nlohmann::json> get(const std::string& api, const std::string& kind,
                                    const std::string& name) {
    return cluster_->get(api, kind, "team", name);
  }

  SystemClock clock_;
  std::unique_ptr<fake_k8s::FakeCluster> cluster_;
  TempDir temp_{"pd-deploy-e2e"};
  std::filesystem::path dir_ = temp_.path();
};

TEST_F(PdDeploy, DeploysAnImmutableVersionThatKubectlSees) {
  CommandResult r = pd("deploy " + wf() + " -n team --message first");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("configmap/demo-code-1-0 created"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("successfully rolled out"), std::string::npos) << r.output;

  auto cm = get("v1", "ConfigMap", "demo-code-1-0");
  ASSERT_TRUE(cm);
  EXPECT_EQ((*cm)["immutable"], true);
  EXPECT_EQ((*cm)["data"]["nodes__a.ts"],
            "    // indented first line\nexport default (c: any, i: any) => i.x || 'key: value';\n");
  EXPECT_TRUE((*cm)["data"].contains("nodes__shared__a.ts"));
  EXPECT_TRUE((*cm)["data"].contains("nodes__deep__b.ts"));
  EXPECT_FALSE((*cm)["data"].contains("tests__fixtures__a.json"));
  EXPECT_EQ((*cm)["metadata"]["annotations"]["pipedreamer.dev/change-cause"], "first");
  auto secret = get("v1", "Secret", "demo-secrets");
  ASSERT_TRUE(secret);
  EXPECT_EQ(base64_decode((*secret)["data"]["github"].get<std::string>()),
            "{\"token\":\"ghp-secret-value\"}");
  EXPECT_EQ(r.output.find("ghp-secret-value"), std::string::npos);
  auto deployment = get("apps/v1", "Deployment", "demo");
  ASSERT_TRUE(deployment);
  const auto& pod = (*deployment)["spec"]["template"]["spec"];
  EXPECT_EQ(pod["automountServiceAccountToken"], false);
  EXPECT_EQ(pod["containers"][0]["securityContext"]["readOnlyRootFilesystem"], true);
  auto cron = get("batch/v1", "CronJob", "demo-cron");
  ASSERT_TRUE(cron);
  EXPECT_EQ((*cron)["spec"]["jobTemplate"]["spec"]["backoffLimit"], 0);

  CommandResult by_label = kubectl("get deploy -n team -l app.kubernetes.io/version=1-0 -o name");
  EXPECT_EQ(by_label.output, "deployment.apps/demo\n");
  CommandResult status = kubectl("rollout status deploy/demo -n team --timeout=10s");
  EXPECT_EQ(status.exit_code, 0) << status.output;

  CommandResult again = pd("deploy " + wf() + " -n team");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("version 1.0 is already deployed: nothing changed"), std::string::npos)
      << again.output;
}

TEST_F(PdDeploy, RefusesChangedCodeUnderTheSameVersion) {
  ASSERT_EQ(pd("deploy " + wf() + " -n team").exit_code, 0);
  write("wf/nodes/shared/util.ts", "export const x = 2;\n");
  CommandResult r = pd("deploy " + wf() + " -n team");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("error: deploying workflow \"demo\" (checking the code version): version "
                          "1.0 is already deployed with different code; bump `version` in "
                          "workflow.yaml or pass --force"),
            std::string::npos)
      << r.output;
}

TEST_F(PdDeploy, VersionsRollbackStatusAndList) {
  ASSERT_EQ(pd("deploy " + wf() + " -n team --message first").exit_code, 0);
  write("wf/workflow.yaml", "name: demo\nversion: \"1.1\"\ntriggers:\n  - type: manual\n"
                            "nodes:\n  a: {path: nodes/a.ts}\n");
  ASSERT_EQ(pd("deploy " + wf() + " -n team --message second").exit_code, 0);
  CommandResult versions = pd("versions demo -n team -o json");
  ASSERT_EQ(versions.exit_code, 0) << versions.output;
  nlohmann::json list = nlohmann::json::parse(versions.output);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["version"], "1.1");
  EXPECT_EQ(list[0]["active"], true);
  CommandResult diff = pd("versions demo -n team --diff");
  EXPECT_NE(diff.output.find("--- 1.0/workflow.yaml"), std::string::npos) << diff.output;

  CommandResult missing = pd("rollback demo -n team --version 0.9");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("version 0.9 of workflow \"demo\" does not exist; deployed versions: "
                                "1.1, 1.0. Nothing was changed."),
            std::string::npos)
      << missing.output;
  CommandResult back = pd("rollback demo -n team");
  ASSERT_EQ(back.exit_code, 0) << back.output;
  auto deployment = get("apps/v1", "Deployment", "demo");
  EXPECT_EQ((*deployment)["metadata"]["labels"]["app.kubernetes.io/version"], "1-0");
  CommandResult status = pd("status demo -n team -o json");
  ASSERT_EQ(status.exit_code, 0) << status.output;
  nlohmann::json s = nlohmann::json::parse(status.output.substr(status.output.find('{')));
  EXPECT_EQ(s["version"], "1.0");
  EXPECT_EQ(s["previousVersion"], "1.1");
  CommandResult listed = pd("list -A");
  EXPECT_NE(listed.output.find("demo   team        1.0"), std::string::npos) << listed.output;
}

TEST_F(PdDeploy, AFailedStepLeavesThePreviousVersionServing) {
  ASSERT_EQ(pd("deploy " + wf() + " -n team").exit_code, 0);
  write("wf/workflow.yaml", "name: demo\nversion: \"2.0\"\ntriggers:\n  - type: manual\n"
                            "nodes:\n  a: {path: nodes/a.ts}\n");
  cluster_->faults().add({.verb = "patch", .resource = "deployments", .code = 500});
  CommandResult r = pd("deploy " + wf() + " -n team");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("error: deploying workflow \"demo\" (deployment/demo): Error from server"),
            std::string::npos)
      << r.output;
  cluster_->faults().clear();
  auto deployment = get("apps/v1", "Deployment", "demo");
  EXPECT_EQ((*deployment)["metadata"]["annotations"]["pipedreamer.dev/code"], "demo-code-1-0");
  EXPECT_TRUE(get("v1", "ConfigMap", "demo-code-1-0"));
}

TEST_F(PdDeploy, DryRunPrintsTheObjectsWithoutSecretValues) {
  CommandResult r = pd("deploy " + wf() + " -n team --dry-run -o yaml");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("kind: Deployment"), std::string::npos);
  EXPECT_NE(r.output.find("github: <redacted>"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("ghp-secret-value"), std::string::npos);
  EXPECT_FALSE(get("apps/v1", "Deployment", "demo"));
}

TEST_F(PdDeploy, ConfigLogsAndUndeploy) {
  ASSERT_EQ(pd("deploy " + wf() + " -n team").exit_code, 0);
  ASSERT_EQ(pd("config demo set -n team max_items=50").exit_code, 0);
  ASSERT_EQ(pd("config demo set -n team mode=fast").exit_code, 0);
  EXPECT_EQ(pd("config demo get -n team").output, "max_items=50\nmode=fast\n");
  ASSERT_EQ(pd("config demo unset -n team mode").exit_code, 0);
  EXPECT_EQ(pd("config demo get -n team max_items").output, "50\n");
  CommandResult logs = pd("logs demo -n team --tail 5");
  EXPECT_EQ(logs.exit_code, 0) << logs.output;
  EXPECT_EQ(logs.output.rfind("[demo-", 0), 0u) << logs.output;

  CommandResult refused = pd("undeploy demo -n team < /dev/null");
  EXPECT_EQ(refused.exit_code, 1);
  CommandResult removed = pd("undeploy demo -n team --yes --keep-versions");
  ASSERT_EQ(removed.exit_code, 0) << removed.output;
  EXPECT_FALSE(get("apps/v1", "Deployment", "demo"));
  EXPECT_FALSE(get("v1", "Secret", "demo-secrets"));
  EXPECT_FALSE(get("batch/v1", "CronJob", "demo-cron"));
  EXPECT_TRUE(get("v1", "ConfigMap", "demo-code-1-0"));
}

TEST_F(PdDeploy, RefusesCronJobNamesKubernetesWouldReject) {
  std::string name(48, 'w');
  write("wf/workflow.yaml", "name: " + name + "\nversion: \"1.0\"\ntriggers:\n  - type: cron\n"
                            "    schedule: \"0 3 * * *\"\nnodes:\n  a: {path: nodes/a.ts}\n");
  CommandResult r = pd("deploy " + wf() + " -n team --dry-run");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("the CronJob name \"" + name + "-cron\" is 53 characters; Kubernetes "
                          "allows 52. Shorten the workflow name (at most 47 characters)"),
            std::string::npos)
      << r.output;
}

TEST_F(PdDeploy, ServerDryRunHasTheServerCheckEveryObjectAndStoresNothing) {
  ASSERT_EQ(pd("deploy " + wf() + " -n team").exit_code, 0);
  write("wf/workflow.yaml", "name: demo\nversion: \"1.1\"\ntriggers:\n  - type: manual\nnodes:\n  a: {path: nodes/a.ts}\n");
  CommandResult r = pd("deploy " + wf() + " -n team --dry-run=server -o json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  nlohmann::json list = nlohmann::json::parse(r.output.substr(r.output.find('{')));
  bool saw_deployment = false;
  for (const nlohmann::json& item : list["items"]) {
    EXPECT_TRUE(item["metadata"].contains("uid")) << item.dump();  // the server's answer
    if (item["kind"] == "Deployment") {
      saw_deployment = true;
      EXPECT_EQ(item["metadata"]["annotations"]["pipedreamer.dev/version"], "1.1");
    }
  }
  EXPECT_TRUE(saw_deployment);
  EXPECT_EQ(r.output.find("ghp-secret-value"), std::string::npos);
  EXPECT_EQ(r.output.find(base64_encode("ghp-secret-value").substr(0, 12)), std::string::npos);
  // Nothing changed: still 1.0, and no 1.1 code.
  EXPECT_EQ((*get("apps/v1", "Deployment", "demo"))["metadata"]["annotations"]["pipedreamer.dev/version"], "1.0");
  EXPECT_FALSE(get("v1", "ConfigMap", "demo-code-1-1"));

  // A namespace that does not exist yet: said, and the objects in it printed as rendered.
  CommandResult fresh = pd("deploy " + wf() + " -n brand-new --dry-run=server");
  ASSERT_EQ(fresh.exit_code, 0) << fresh.output;
  EXPECT_NE(fresh.output.find("namespace \"brand-new\" does not exist yet"), std::string::npos);
  EXPECT_FALSE(cluster_->get("v1", "Namespace", "", "brand-new"));
}

TEST_F(PdDeploy, LargeCodeShipsGzippedAndTheEngineRunsIt) {
  std::string rows;
  for (int i = 0; rows.size() < 900 * 1024; ++i) rows += "{\"row\": " + std::to_string(i) + ", \"name\": \"item\"},\n";
  write("wf/nodes/shared/rows.json", "[\n" + rows + "{}]\n");
  CommandResult r = pd("deploy " + wf() + " -n team");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::optional<nlohmann::json> cm = get("v1", "ConfigMap", "demo-code-1-0");
  ASSERT_TRUE(cm);
  EXPECT_EQ((*cm)["metadata"]["annotations"]["pipedreamer.dev/compressed"], "gzip");
  ASSERT_TRUE((*cm)["binaryData"].contains("pd-code.json.gz"));
  std::string archive = *base64_decode((*cm)["binaryData"]["pd-code.json.gz"].get<std::string>());
  EXPECT_LT(archive.size(), 200u * 1024);
  // The Deployment mounts the archive under its own name.
  std::string deployment = get("apps/v1", "Deployment", "demo")->dump();
  EXPECT_NE(deployment.find("\"path\":\"pd-code.json.gz\""), std::string::npos);

  // What the pod sees: a folder holding only the archive. The engine unpacks and runs it.
  std::filesystem::create_directories(dir_ / "mounted");
  std::ofstream(dir_ / "mounted" / "pd-code.json.gz", std::ios::binary) << archive;
  CommandResult ran = run_command(binary("engine/cli/pd-engine") + " run " +
                                  shell_quote((dir_ / "mounted").string()) +
                                  " --input '{\"x\": 7}'");
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_NE(ran.output.find("\"success\": true"), std::string::npos) << ran.output;

  // versions --diff reads compressed versions too.
  write("wf/workflow.yaml", "name: demo\nversion: \"1.1\"\ntriggers:\n  - type: manual\nnodes:\n  a: {path: nodes/a.ts}\n");
  ASSERT_EQ(pd("deploy " + wf() + " -n team").exit_code, 0);
  CommandResult diff = pd("versions demo -n team --diff");
  EXPECT_NE(diff.output.find("+version: \"1.1\""), std::string::npos) << diff.output;
}

TEST_F(PdDeploy, CodeThatDoesNotFitEvenCompressedIsRefusedWithFileSizes) {
  SeededRandom random(7);
  std::string noise(1200 * 1024, '\0');
  random.fill(reinterpret_cast<uint8_t*>(noise.data()), noise.size());
  write("wf/nodes/shared/noise.bin", noise);
  CommandResult r = pd("deploy " + wf() + " -n team");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("gzip-compressed); a ConfigMap holds at most about"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(std::to_string(noise.size()) + "  nodes/shared/noise.bin"), std::string::npos) << r.output;
  EXPECT_FALSE(get("apps/v1", "Deployment", "demo"));
}

TEST_F(PdDeploy, RunPostsThroughTheServiceProxyToTheEngine) {
  write("wf/nodes/a.ts", "export default (c: any, i: any) => { if (i.fail) throw new Error(\"asked to fail\"); return i.x ?? 1; };\n");
  ASSERT_EQ(pd("deploy " + wf() + " -n team").exit_code, 0);
  CommandResult unreachable = pd("run demo -n team");
  EXPECT_EQ(unreachable.exit_code, 1);
  EXPECT_NE(unreachable.output.find("no endpoints available for service"), std::string::npos) << unreachable.output;

  // The fake cluster's pods are simulated: a real pd-engine serves the workflow behind the Service.
  int port = testing::free_loopback_port();
  BackgroundCommand engine(binary("engine/cli/pd-engine") + " serve --workflow " + wf() +
                               " --host 127.0.0.1 --port " + std::to_string(port) +
                               " --cache-dir " + shell_quote((dir_ / "engine-cache").string()),
                           dir_ / "engine.log");
  ASSERT_TRUE(engine.wait_for_port(port)) << engine.log();
  cluster_->service_backends().set("team", "demo", "8080", "http://127.0.0.1:" + std::to_string(port));

  CommandResult ok = pd("run demo -n team --input '{\"x\": 41}'");
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  nlohmann::json result = nlohmann::json::parse(ok.output.substr(ok.output.find("{\n")));
  EXPECT_EQ(result["success"], true);
  EXPECT_EQ(result["outputs"]["a"], 41);
  CommandResult failed = pd("run demo -n team --input '{\"fail\": true}' -o yaml");
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_NE(failed.output.find("success: false"), std::string::npos) << failed.output;
  EXPECT_NE(failed.output.find("asked to fail"), std::string::npos) << failed.output;
  EXPECT_NE(failed.output.find("error: the execution of workflow \"demo\" failed"), std::string::npos);
  CommandResult bad = pd("run demo -n team --input '{nope'");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("--input is not valid JSON"), std::string::npos) << bad.output;
}

TEST_F(PdDeploy, LogsFollowStreamsNewLinesUntilThePodEnds) {
  ASSERT_EQ(pd("deploy " + wf() + " -n team").exit_code, 0);
  std::string pod = pod_name();
  ASSERT_FALSE(pod.empty());
  BackgroundCommand follow("env KUBECONFIG=" + shell_quote((dir_ / "kubeconfig").string()) + " " +
                               binary("plugins/kubectl-pd/kubectl-pd") + " logs demo -n team -f",
                           dir_ / "follow.log");
  auto wait_for = [&](const std::string& text) {
    for (int i = 0; i < 500 && follow.log().find(text) == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return follow.log().find(text) != std::string::npos;
  };
  ASSERT_TRUE(wait_for("[" + pod + "] started container engine")) << follow.log();
  cluster_->logs().append("team", pod, "engine", "{\"msg\": \"first new line\"}");
  EXPECT_TRUE(wait_for("[" + pod + "] {\"msg\": \"first new line\"}\n")) << follow.log();
  ASSERT_EQ(kubectl("delete pod -n team " + pod + " --wait=false").exit_code, 0);
  EXPECT_EQ(follow.wait(std::chrono::seconds(10)), 0) << follow.log();
}

}  // namespace
}  // namespace pd
