// ctx.k8s against the fake cluster (TLS with its own CA, RBAC): a node lists and reads objects as
// a service account, and a forbidden call surfaces the API's 403 Status.
#include <gtest/gtest.h>

#include "engine/exec/workflow_runtime.h"
#include "engine/spec/test_workflow_dir.h"
#include "fakes/k8s/fake_cluster.h"

namespace pd {
namespace {

js::V8Platform& platform() {
  static js::V8Platform* instance = new js::V8Platform();  // never destroyed: V8 cannot re-initialize
  return *instance;
}

constexpr const char* kSeed = R"(apiVersion: v1
kind: Namespace
metadata: {name: team}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: team, labels: {app: demo}}
data: {mode: fast}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: reader, namespace: team}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: read-configmaps, namespace: team}
rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: read-configmaps}
subjects:
  - {kind: ServiceAccount, name: reader, namespace: team}
)";

TEST(CtxK8s, ReadsTheClusterAsItsServiceAccount) {
  SystemClock clock;
  auto cluster = fake_k8s::FakeCluster::start({}, clock);
  ASSERT_TRUE(cluster.is_ok()) << cluster.status().message();
  ASSERT_TRUE(cluster.value()->seed_yaml(kSeed, "seed").is_ok());
  Result<std::string> token = cluster.value()->service_account_token("team", "reader");
  ASSERT_TRUE(token.is_ok()) << token.status().message();

  spec::testing::TestWorkflowDir dir;
  dir.write("nodes/read.ts",
            "export default async (ctx: any) => {\n"
            "  const items = await ctx.k8s.list('configmaps', { labelSelector: 'app=demo' });\n"
            "  const one = await ctx.k8s.get('configmaps', 'settings');\n"
            "  let denied = '';\n"
            "  try { await ctx.k8s.get('secrets', 'x'); } catch (e: any) { denied = `${e.status} ${e.reason}: ${e.message}`; }\n"
            "  return { names: items.map((i: any) => i.metadata.name), mode: one.data.mode,\n"
            "           ns: await ctx.k8s.namespace(), denied };\n"
            "};\n");
  dir.write("workflow.yaml",
            "name: reader\nversion: \"1.0\"\ntriggers: [{type: manual}]\n"
            "nodes:\n  read: {path: nodes/read.ts}\n");
  exec::WorkflowRuntimeOptions options;
  options.workflow_dir = dir.path();
  options.mounted_secrets = dir.path() / "none";
  options.config_dir = dir.path() / "none";
  options.isolates = 1;
  options.kube = exec::KubeTarget{cluster.value()->url(), token.value(), cluster.value()->ca_pem(), "team"};
  auto runtime = exec::WorkflowRuntime::open(platform(), options);
  ASSERT_TRUE(runtime.is_ok()) << runtime.status().message();
  exec::ExecutionResult result = runtime.value()->execute_and_wait({.input = nlohmann::json::object()});
  ASSERT_TRUE(result.success) << result.errors.dump();
  const nlohmann::json& out = result.outputs["read"];
  EXPECT_EQ(out["names"], nlohmann::json::array({"settings"}));
  EXPECT_EQ(out["mode"], "fast");
  EXPECT_EQ(out["ns"], "team");
  EXPECT_EQ(out["denied"],
            "403 Forbidden: secrets \"x\" is forbidden: User \"system:serviceaccount:team:reader\" "
            "cannot get resource \"secrets\" in API group \"\" in the namespace \"team\"");
}

}  // namespace
}  // namespace pd
