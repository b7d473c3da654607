// The kubeconfig matrix against the fake cluster over TLS: token, token file, client certificate
// (file and data), exec plugin script, CA file and data, merged KUBECONFIG, context namespace.
#include "plugins/kube/kubeconfig.h"

#include <gtest/gtest.h>

#include <fstream>

#include "engine/util/base64.h"
#include "engine/util/temp_dir.h"
#include "fakes/k8s/fake_cluster.h"
#include "plugins/kube/rest_client.h"

namespace pd::kube {
namespace {

class KubeconfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = fake_k8s::FakeCluster::start({}, clock_);
    ASSERT_TRUE(started.is_ok()) << started.status().message();
    cluster_ = std::move(started).value();
  }
  std::filesystem::path write(const std::string& name, const std::string& text) {
    std::filesystem::path path = dir_.path() / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path;
  }
  // GET /api/v1/namespaces with the resolved config: proves the credentials work.
  void expect_works(const Result<RestConfig>& config) {
    ASSERT_TRUE(config.is_ok()) << config.status().message();
    auto client = RestClient::create(config.value(), transport_, {.retries = 0});
    ASSERT_TRUE(client.is_ok()) << client.status().message();
    Result<nlohmann::json> list = client.value()->get("/api/v1/namespaces");
    ASSERT_TRUE(list.is_ok()) << list.status().message();
    EXPECT_EQ(list.value()["kind"], "NamespaceList");
  }
  std::string cluster_yaml(const std::string& ca_line) {
    return "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: " +
           cluster_->url() + "\n    " + ca_line + "\n";
  }

  SystemClock clock_;
  std::unique_ptr<fake_k8s::FakeCluster> cluster_;
  TempDir dir_{"pd-kubeconfig"};
  RealFileSystem fs_;
  NetworkHttpTransport transport_;
};

TEST_F(KubeconfigTest, TokenWithCaDataAndTheContextNamespace) {
  std::filesystem::path file = write("config", cluster_->kubeconfig());
  Result<RestConfig> config = load_rest_config({.kubeconfig = file.string()}, {}, fs_);
  expect_works(config);
  EXPECT_EQ(config.value().namespace_name, "default");
  EXPECT_EQ(load_rest_config({.kubeconfig = file.string(), .namespace_name = "team"}, {}, fs_)
                .value()
                .namespace_name,
            "team");
}

TEST_F(KubeconfigTest, TlsServerNameIsTheNameTheCertificateIsCheckedAgainst) {
  // The server is reached by address; its certificate names kubernetes.default.svc.
  std::string base = cluster_->kubeconfig();
  size_t server = base.find("server: ");
  ASSERT_NE(server, std::string::npos);
  size_t line_start = base.rfind('\n', server) + 1;
  std::string indent = base.substr(line_start, server - line_start);
  auto with_name = [&](const std::string& name) {
    std::string text = base;
    text.insert(line_start, indent + "tls-server-name: " + name + "\n");
    return write("config-" + name, text);
  };
  Result<RestConfig> good = load_rest_config({.kubeconfig = with_name("kubernetes.default.svc").string()}, {}, fs_);
  expect_works(good);
  EXPECT_EQ(good.value().tls_server_name, "kubernetes.default.svc");

  Result<RestConfig> wrong = load_rest_config({.kubeconfig = with_name("other.example").string()}, {}, fs_);
  ASSERT_TRUE(wrong.is_ok());
  auto client = RestClient::create(wrong.value(), transport_, {.retries = 0});
  Result<nlohmann::json> refused = client.value()->get("/api/v1/namespaces");
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find("certificate"), std::string::npos) << refused.status().message();
}

TEST_F(KubeconfigTest, TokenFileAndCaFileRelativeToTheKubeconfig) {
  write("kube/ca.crt", cluster_->ca_pem());
  write("kube/token", cluster_->admin_token() + "\n");
  std::filesystem::path file = write(
      "kube/config", cluster_yaml("certificate-authority: ca.crt") +
                         "users:\n- name: me\n  user:\n    tokenFile: token\n"
                         "contexts:\n- name: c\n  context: {cluster: fake, user: me, namespace: apps}\n"
                         "current-context: c\n");
  Result<RestConfig> config = load_rest_config({.kubeconfig = file.string()}, {}, fs_);
  expect_works(config);
  EXPECT_EQ(config.value().namespace_name, "apps");
}

TEST_F(KubeconfigTest, ClientCertificateAsFileAndAsData) {
  auto pair = cluster_->client_certificate("alice", {"system:masters"});
  ASSERT_TRUE(pair.is_ok()) << pair.status().message();
  write("alice.crt", pair.value().cert_pem);
  write("alice.key", pair.value().key_pem);
  std::string contexts = "contexts:\n- name: c\n  context: {cluster: fake, user: alice}\ncurrent-context: c\n";
  std::filesystem::path files = write(
      "files", cluster_yaml("certificate-authority-data: " + base64_encode(cluster_->ca_pem())) +
                   "users:\n- name: alice\n  user:\n    client-certificate: alice.crt\n"
                   "    client-key: alice.key\n" + contexts);
  expect_works(load_rest_config({.kubeconfig = files.string()}, {}, fs_));
  std::filesystem::path data = write(
      "data", cluster_yaml("certificate-authority-data: " + base64_encode(cluster_->ca_pem())) +
                  "users:\n- name: alice\n  user:\n    client-certificate-data: " +
                  base64_encode(pair.value().cert_pem) + "\n    client-key-data: " +
                  base64_encode(pair.value().key_pem) + "\n" + contexts);
  expect_works(load_rest_config({.kubeconfig = data.string()}, {}, fs_));
}

TEST_F(KubeconfigTest, ExecPluginCredentialsAreUsedAndCached) {
  std::filesystem::path calls = dir_.path() / "calls";
  std::filesystem::path script = write(
      "bin/get-token",
      "#!/bin/sh\necho called >> '" + calls.string() + "'\n"
      "case \"$KUBERNETES_EXEC_INFO\" in *'\"server\"'*) ;; *) echo 'no cluster info' >&2; exit 3;; esac\n"
      "printf '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
      "\"status\":{\"token\":\"%s\",\"expirationTimestamp\":\"2999-01-01T00:00:00Z\"}}' \"$TOKEN\"\n");
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  std::filesystem::path file = write(
      "exec-config",
      cluster_yaml("certificate-authority-data: " + base64_encode(cluster_->ca_pem())) +
          "users:\n- name: cloud\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
          "      command: ./bin/get-token\n      provideClusterInfo: true\n"
          "      env:\n      - {name: TOKEN, value: " + cluster_->admin_token() + "}\n"
          "contexts:\n- name: c\n  context: {cluster: fake, user: cloud}\ncurrent-context: c\n");
  Result<RestConfig> config = load_rest_config({.kubeconfig = file.string()}, {}, fs_);
  ASSERT_TRUE(config.is_ok()) << config.status().message();
  auto client = RestClient::create(config.value(), transport_, {.env = {{"PATH", "/usr/bin:/bin"}}});
  ASSERT_TRUE(client.is_ok());
  ASSERT_TRUE(client.value()->get("/api/v1/namespaces").is_ok());
  ASSERT_TRUE(client.value()->get("/api/v1/namespaces/default").is_ok());
  std::ifstream in(calls);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "called\n");  // cached until expirationTimestamp
}

TEST_F(KubeconfigTest, KubeconfigEnvironmentMergesFilesFirstDefinitionWins) {
  std::filesystem::path first = write(
      "one", "apiVersion: v1\nkind: Config\ncurrent-context: mine\n"
             "contexts:\n- name: mine\n  context: {cluster: fake, user: admin, namespace: first}\n");
  std::filesystem::path second = write(
      "two", cluster_yaml("certificate-authority-data: " + base64_encode(cluster_->ca_pem())) +
                 "users:\n- name: admin\n  user: {token: " + cluster_->admin_token() + "}\n"
                 "contexts:\n- name: mine\n  context: {cluster: fake, user: admin, namespace: second}\n"
                 "current-context: other\n");
  std::map<std::string, std::string> env = {
      {"KUBECONFIG", first.string() + ":" + (dir_.path() / "missing").string() + ":" + second.string()}};
  Result<RestConfig> config = load_rest_config({}, env, fs_);
  expect_works(config);
  EXPECT_EQ(config.value().context_name, "mine");
  EXPECT_EQ(config.value().namespace_name, "first");
}

TEST_F(KubeconfigTest, ErrorsNameWhatIsMissing) {
  std::filesystem::path file = write("config", cluster_->kubeconfig());
  Result<RestConfig> missing = load_rest_config({.kubeconfig = file.string(), .context = "prod"}, {}, fs_);
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.status().message(), "context \"prod\" does not exist");
  Result<RestConfig> none = load_rest_config({}, {{"HOME", dir_.path().string() + "/nohome"}}, fs_);
  ASSERT_FALSE(none.is_ok());
  EXPECT_EQ(none.status().message(),
            "no configuration has been provided: pass --kubeconfig, set KUBECONFIG, or create "
            "~/.kube/config");
}

}  // namespace
}  // namespace pd::kube
