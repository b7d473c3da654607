// The real kubectl (1.32) against an in-process pd-fake-cluster, through every command group in
// shared/research/kubectl-requests.md, asserting kubectl's exit code and output.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "engine/util/base64.h"
#include "engine/util/temp_dir.h"
#include "fakes/k8s/fake_cluster.h"
#include "tests/run_command.h"

namespace pd {
namespace {

using testing::CommandResult;
using testing::run_command;
using testing::shell_quote;

class KubectlConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_.path();
    fake_k8s::FakeClusterOptions options;
    options.pod_ready_delay = std::chrono::milliseconds(100);
    auto started = fake_k8s::FakeCluster::start(options, clock_);
    ASSERT_TRUE(started.is_ok()) << started.status().message();
    cluster_ = std::move(started).value();
    ASSERT_TRUE(cluster_->write_kubeconfig(dir_ / "kubeconfig").is_ok());
  }
  void TearDown() override { cluster_.reset(); }

  // Runs `kubectl ARGS` against the fake, with a private discovery cache.
  CommandResult kubectl(const std::string& args, const std::string& stdin_text = "") {
    std::string command = "KUBECONFIG=" + shell_quote((dir_ / "kubeconfig").string()) +
                          " kubectl --cache-dir " + shell_quote((dir_ / "cache").string()) + " " +
                          args;
    if (!stdin_text.empty()) {
      std::ofstream(dir_ / "stdin") << stdin_text;
      command += " < " + shell_quote((dir_ / "stdin").string());
    }
    return run_command(command);
  }

  void expect_ok(const std::string& args, const std::string& output) {
    CommandResult r = kubectl(args);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.output;
    EXPECT_EQ(r.output, output) << args;
  }

  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return shell_quote((dir_ / name).string());
  }

  SystemClock clock_;
  TempDir temp_{"pd-kubectl"};
  std::filesystem::path dir_;
  std::unique_ptr<fake_k8s::FakeCluster> cluster_;
};

constexpr const char* kDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  namespace: demo
spec:
  replicas: 1
  selector:
    matchLabels: {app: d}
  template:
    metadata:
      labels: {app: d}
    spec:
      containers:
        - name: engine
          image: nginx:1.25
)";

TEST_F(KubectlConformance, VersionReportsMinor32) {
  CommandResult r = kubectl("version");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Server Version: v1.32.0-pd-fake"), std::string::npos) << r.output;
}

TEST_F(KubectlConformance, ApiResourcesListsShortNames) {
  CommandResult r = kubectl("api-resources --no-headers");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("configmaps"), std::string::npos);
  EXPECT_NE(r.output.find("deployments                deploy   apps/v1"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("selfsubjectaccessreviews            authorization.k8s.io/v1"),
            std::string::npos);
}

TEST_F(KubectlConformance, CreateGetAndDuplicateErrors) {
  expect_ok("create namespace demo", "namespace/demo created\n");
  expect_ok("create configmap c --from-literal=a=b -n demo", "configmap/c created\n");
  expect_ok("create secret generic s --from-literal=a=b -n demo", "secret/s created\n");
  expect_ok("get secret s -n demo -o jsonpath={.data.a},{.type}", "Yg==,Opaque");
  expect_ok("get cm c -n demo -o jsonpath={.data.a}", "b");
  CommandResult again = kubectl("create namespace demo");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(again.output,
            "Error from server (AlreadyExists): namespaces \"demo\" already exists\n");
  CommandResult missing = kubectl("get cm nope -n demo");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.output, "Error from server (NotFound): configmaps \"nope\" not found\n");
  CommandResult no_ns = kubectl("get cm nope -n nons");
  EXPECT_EQ(no_ns.output, "Error from server (NotFound): namespaces \"nons\" not found\n");
}

TEST_F(KubectlConformance, GetWithLabelSelectorAllNamespacesAndTables) {
  kubectl("create namespace demo");
  kubectl("create configmap a -n demo");
  kubectl("create configmap b -n default");
  kubectl("label cm a tier=web -n demo");
  CommandResult selected = kubectl("get cm -A -l tier=web --no-headers");
  EXPECT_EQ(selected.exit_code, 0) << selected.output;
  EXPECT_EQ(selected.output.substr(0, 16), "demo   a     0  ");
  CommandResult all =
      kubectl("get cm -A --no-headers -o custom-columns=NS:.metadata.namespace,N:.metadata.name");
  EXPECT_EQ(all.output, "default   b\ndemo      a\n");
  CommandResult labels = kubectl("get cm -n demo --show-labels");
  EXPECT_NE(labels.output.find("tier=web"), std::string::npos) << labels.output;
}

TEST_F(KubectlConformance, WatchPrintsNewObjects) {
  kubectl("create namespace demo");
  std::string watch_out = (dir_ / "watch.out").string();
  std::thread watcher([&] {
    run_command("KUBECONFIG=" + shell_quote((dir_ / "kubeconfig").string()) +
                " timeout 6 kubectl --cache-dir " + shell_quote((dir_ / "cache2").string()) +
                " get cm -n demo -w --no-headers > " + shell_quote(watch_out));
  });
  // Create objects until the watch has printed one (no fixed sleep: poll with a deadline).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::string seen;
  for (int i = 0; std::chrono::steady_clock::now() < deadline; ++i) {
    kubectl("create configmap w" + std::to_string(i) + " -n demo");
    std::ifstream in(watch_out);
    seen.assign(std::istreambuf_iterator<char>(in), {});
    if (seen.find("w") != std::string::npos) break;
  }
  watcher.join();
  EXPECT_NE(seen.find("w"), std::string::npos) << seen;
}

TEST_F(KubectlConformance, ApplyClientSideCreateUnchangedConfigured) {
  kubectl("create namespace demo");
  std::string file = write("d.yaml", kDeployment);
  expect_ok("apply -f " + file, "deployment.apps/d created\n");
  expect_ok("apply -f " + file, "deployment.apps/d unchanged\n");
  std::string changed = kDeployment;
  changed.replace(changed.find("nginx:1.25"), 10, "nginx:1.26");
  expect_ok("apply -f " + write("d2.yaml", changed), "deployment.apps/d configured\n");
  expect_ok("get deploy d -n demo -o jsonpath={.spec.template.spec.containers[0].image}",
            "nginx:1.26");
}

TEST_F(KubectlConformance, ApplyServerSideCreatesAndUpdates) {
  kubectl("create namespace demo");
  std::string cm =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ss, namespace: demo}\ndata: {a: b}\n";
  expect_ok("apply --server-side -f " + write("cm.yaml", cm), "configmap/ss serverside-applied\n");
  std::string cm2 = cm;
  cm2.replace(cm2.find("a: b"), 4, "a: c");
  expect_ok("apply --server-side -f " + write("cm2.yaml", cm2),
            "configmap/ss serverside-applied\n");
  expect_ok("get cm ss -n demo -o jsonpath={.data.a}", "c");
}

TEST_F(KubectlConformance, PatchStrategicMergeAndJson) {
  kubectl("create namespace demo");
  kubectl("apply -f " + write("d.yaml", kDeployment));
  expect_ok(
      "patch deploy d -n demo -p "
      "'{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"engine\","
      "\"imagePullPolicy\":\"Never\"}]}}}}'",
      "deployment.apps/d patched\n");
  expect_ok(
      "patch deploy d -n demo --type=merge -p '{\"metadata\":{\"labels\":{\"tier\":\"web\"}}}'",
      "deployment.apps/d patched\n");
  expect_ok(
      "patch deploy d -n demo --type=json "
      "-p '[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":3}]'",
      "deployment.apps/d patched\n");
  expect_ok(
      "patch deploy d -n demo --type=merge -p '{\"metadata\":{\"labels\":{\"tier\":\"web\"}}}'",
      "deployment.apps/d patched (no change)\n");
  expect_ok(
      "get deploy d -n demo -o "
      "jsonpath={.spec.replicas},{.spec.template.spec.containers[0].imagePullPolicy},"
      "{.spec.template.spec.containers[0].image}",
      "3,Never,nginx:1.25");
  CommandResult missing = kubectl("patch deploy nope -n demo -p '{}'");
  EXPECT_EQ(missing.output, "Error from server (NotFound): deployments.apps \"nope\" not found\n");
}

TEST_F(KubectlConformance, RolloutStatusRestartHistoryUndo) {
  kubectl("create namespace demo");
  kubectl("apply -f " + write("d.yaml", kDeployment));
  CommandResult status = kubectl("rollout status deploy/d -n demo --timeout=20s");
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find("deployment \"d\" successfully rolled out"), std::string::npos);
  expect_ok("rollout restart deploy/d -n demo", "deployment.apps/d restarted\n");
  EXPECT_EQ(kubectl("rollout status deploy/d -n demo --timeout=20s").exit_code, 0);
  CommandResult history = kubectl("rollout history deploy/d -n demo");
  EXPECT_EQ(history.output,
            "deployment.apps/d \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n");
  expect_ok("rollout undo deploy/d -n demo", "deployment.apps/d rolled back\n");
  EXPECT_EQ(kubectl("rollout status deploy/d -n demo --timeout=20s").exit_code, 0);
  expect_ok(
      "get deploy d -n demo -o "
      "'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}'",
      "3");
}

TEST_F(KubectlConformance, LabelAndDelete) {
  kubectl("create namespace demo");
  kubectl("create configmap c -n demo");
  expect_ok("label cm c x=y -n demo", "configmap/c labeled\n");
  expect_ok("label cm c x=y -n demo", "configmap/c not labeled\n");
  CommandResult stale = kubectl("label cm c z=1 -n demo --resource-version=1");
  EXPECT_EQ(stale.exit_code, 1);
  EXPECT_EQ(stale.output,
            "Error from server (Conflict): Operation cannot be fulfilled on configmaps \"c\": the "
            "object has been modified; please apply your changes to the latest version and try "
            "again\n");
  expect_ok("delete cm c -n demo", "configmap \"c\" deleted\n");
  CommandResult gone = kubectl("delete cm c -n demo");
  EXPECT_EQ(gone.output, "Error from server (NotFound): configmaps \"c\" not found\n");
}

TEST_F(KubectlConformance, AuthCanIFollowsRbac) {
  expect_ok("auth can-i list pods", "yes\n");
  kubectl("create namespace demo");
  kubectl("create serviceaccount bot -n demo");
  kubectl("create role reader --verb=get,list --resource=configmaps -n demo");
  kubectl("create rolebinding bot-reader --role=reader --serviceaccount=demo:bot -n demo");
  CommandResult token = kubectl("create token bot -n demo");
  ASSERT_EQ(token.exit_code, 0) << token.output;
  std::string as_bot = "--token=" + token.output.substr(0, token.output.find('\n')) + " ";
  expect_ok(as_bot + "auth can-i list configmaps -n demo", "yes\n");
  CommandResult denied = kubectl(as_bot + "auth can-i list secrets -n demo");
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_EQ(denied.output, "no\n");
  CommandResult forbidden = kubectl(as_bot + "get secrets -n demo");
  EXPECT_EQ(forbidden.output,
            "Error from server (Forbidden): secrets is forbidden: User "
            "\"system:serviceaccount:demo:bot\" cannot list resource \"secrets\" in API group \"\" "
            "in the namespace \"demo\"\n");
  CommandResult anonymous = kubectl("--token=wrong get cm");
  EXPECT_EQ(anonymous.exit_code, 1);
  EXPECT_NE(anonymous.output.find("error: You must be logged in to the server"), std::string::npos);
}

TEST_F(KubectlConformance, ServiceAccountTokensFromTheLibraryAuthenticate) {
  kubectl("create namespace demo");
  kubectl("create serviceaccount node-runner -n demo");
  EXPECT_EQ(cluster_->service_account_token("demo", "nope").status().code(), StatusCode::kNotFound);
  auto token = cluster_->service_account_token("demo", "node-runner");
  ASSERT_TRUE(token.is_ok());
  // Authenticated (not 401) but granted nothing yet: kubectl prints "no" and exits 1.
  CommandResult r = kubectl("--token=" + token.value() + " auth can-i get pods -n demo");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output, "no\n");
}

TEST_F(KubectlConformance, GetAllUsesCategories) {
  kubectl("create namespace demo");
  kubectl("apply -f " + write("d.yaml", kDeployment));
  ASSERT_EQ(kubectl("rollout status deploy/d -n demo --timeout=20s").exit_code, 0);
  CommandResult all = kubectl("get all -n demo --no-headers");
  EXPECT_EQ(all.exit_code, 0) << all.output;
  EXPECT_NE(all.output.find("pod/d-"), std::string::npos) << all.output;
  EXPECT_NE(all.output.find("deployment.apps/d"), std::string::npos);
  EXPECT_NE(all.output.find("replicaset.apps/d-"), std::string::npos);
}

TEST_F(KubectlConformance, LogsOfADeployment) {
  kubectl("create namespace demo");
  kubectl("apply -f " + write("d.yaml", kDeployment));
  ASSERT_EQ(kubectl("rollout status deploy/d -n demo --timeout=20s").exit_code, 0);
  expect_ok("logs deploy/d -n demo", "started container engine\n");
}

TEST_F(KubectlConformance, RawServiceProxyWithoutEndpointsIs503) {
  kubectl("create namespace demo");
  kubectl("apply -f " +
          write("svc.yaml",
                "apiVersion: v1\nkind: Service\nmetadata: {name: d, namespace: demo}\n"
                "spec: {ports: [{port: 8080}], selector: {app: d}}\n"));
  CommandResult r = kubectl("get --raw /api/v1/namespaces/demo/services/d:8080/proxy/health");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("no endpoints available for service"), std::string::npos) << r.output;
}

TEST_F(KubectlConformance, RawServiceProxyReachesTheRegisteredBackend) {
  httplib::Server backend;
  backend.Get("/health", [](const httplib::Request&, httplib::Response& r) {
    r.set_content("{\"ok\":true}", "application/json");
  });
  int port = backend.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { backend.listen_after_bind(); });
  kubectl("create namespace demo");
  kubectl("apply -f " +
          write("svc.yaml",
                "apiVersion: v1\nkind: Service\nmetadata: {name: d, namespace: demo}\n"
                "spec: {ports: [{port: 8080}], selector: {app: d}}\n"));
  cluster_->service_backends().set("demo", "d", "8080", "http://127.0.0.1:" + std::to_string(port));
  CommandResult r = kubectl("get --raw /api/v1/namespaces/demo/services/d:8080/proxy/health");
  backend.stop();
  serving.join();
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "{\"ok\":true}");
}

TEST_F(KubectlConformance, ClientCertificatesAuthenticateAsTheirCommonName) {
  auto pair = cluster_->client_certificate("alice", {"devs"});
  ASSERT_TRUE(pair.is_ok());
  std::string kubeconfig = cluster_->kubeconfig();
  size_t token_at = kubeconfig.find("token: ");
  ASSERT_NE(token_at, std::string::npos);
  size_t line_end = kubeconfig.find('\n', token_at);
  kubeconfig.replace(token_at, line_end - token_at,
                     "client-certificate-data: " + base64_encode(pair.value().cert_pem) +
                         "\n      client-key-data: " + base64_encode(pair.value().key_pem));
  std::ofstream(dir_ / "kubeconfig") << kubeconfig;
  CommandResult denied = kubectl("get pods -n default");
  EXPECT_EQ(denied.output,
            "Error from server (Forbidden): pods is forbidden: User \"alice\" cannot list resource "
            "\"pods\" in API group \"\" in the namespace \"default\"\n");
  ASSERT_TRUE(cluster_
                  ->apply(nlohmann::json::parse(R"({"apiVersion":"rbac.authorization.k8s.io/v1",
    "kind":"ClusterRoleBinding","metadata":{"name":"devs-admin"},
    "subjects":[{"kind":"Group","name":"devs"}],"roleRef":{"kind":"ClusterRole","name":"admin"}})"))
                  .is_ok());
  ASSERT_TRUE(cluster_
                  ->apply(nlohmann::json::parse(R"({"apiVersion":"rbac.authorization.k8s.io/v1",
    "kind":"ClusterRole","metadata":{"name":"admin"},
    "rules":[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]}]})"))
                  .is_ok());
  expect_ok("auth can-i list pods", "yes\n");
}

TEST_F(KubectlConformance, InjectedApiFaultsReachKubectl) {
  kubectl("create namespace demo");
  cluster_->faults().add({"get", "configmaps", "flaky", 500, "etcd is having a bad day",
                          std::chrono::milliseconds(0), /*once=*/true});
  kubectl("create configmap flaky -n demo");
  CommandResult failed = kubectl("get cm flaky -n demo");
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_EQ(failed.output, "Error from server (InternalError): etcd is having a bad day\n");
  EXPECT_EQ(kubectl("get cm flaky -n demo --no-headers").exit_code, 0);  // only once
}

TEST_F(KubectlConformance, ImageFaultsShowAsImagePullBackOff) {
  cluster_->pods().add_image_fault({"broken", fake_k8s::ImageFault::Kind::kImagePullBackOff});
  kubectl("create namespace demo");
  std::string bad = kDeployment;
  bad.replace(bad.find("nginx:1.25"), 10, "broken:1.0");
  kubectl("apply -f " + write("bad.yaml", bad));
  CommandResult status = kubectl("rollout status deploy/d -n demo --timeout=2s");
  EXPECT_EQ(status.exit_code, 1);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::string pods;
  while (std::chrono::steady_clock::now() < deadline &&
         pods.find("ImagePullBackOff") == std::string::npos) {
    pods = kubectl("get pods -n demo --no-headers").output;
  }
  EXPECT_NE(pods.find("ImagePullBackOff"), std::string::npos) << pods;
}

}  // namespace
}  // namespace pd
