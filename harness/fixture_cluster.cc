#include "harness/fixture_cluster.h"

namespace pd::harness {
namespace {

using Json = nlohmann::json;

const char* const kServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

// The ServiceAccount and, for its rules, a Role + RoleBinding and a ClusterRole +
// ClusterRoleBinding, named after it as `kubectl create role` users would.
std::vector<Json> identity_objects(const ServiceAccountIdentity& sa) {
  const std::string name = "pd-harness-" + sa.name;
  Json subject = {{"kind", "ServiceAccount"}, {"name", sa.name}, {"namespace", sa.namespace_name}};
  std::vector<Json> out = {{{"apiVersion", "v1"},
                            {"kind", "ServiceAccount"},
                            {"metadata", {{"name", sa.name}, {"namespace", sa.namespace_name}}}}};
  if (!sa.rules.empty()) {
    out.push_back({{"apiVersion", "rbac.authorization.k8s.io/v1"},
                   {"kind", "Role"},
                   {"metadata", {{"name", name}, {"namespace", sa.namespace_name}}},
                   {"rules", sa.rules}});
    out.push_back({{"apiVersion", "rbac.authorization.k8s.io/v1"},
                   {"kind", "RoleBinding"},
                   {"metadata", {{"name", name}, {"namespace", sa.namespace_name}}},
                   {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Role"}, {"name", name}}},
                   {"subjects", {subject}}});
  }
  if (!sa.cluster_rules.empty()) {
    out.push_back({{"apiVersion", "rbac.authorization.k8s.io/v1"},
                   {"kind", "ClusterRole"},
                   {"metadata", {{"name", name}}},
                   {"rules", sa.cluster_rules}});
    out.push_back({{"apiVersion", "rbac.authorization.k8s.io/v1"},
                   {"kind", "ClusterRoleBinding"},
                   {"metadata", {{"name", name}}},
                   {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", name}}},
                   {"subjects", {subject}}});
  }
  return out;
}

bool in_cluster_host(const std::string& host) {
  return host == "kubernetes" || host == "kubernetes.default" || host == "kubernetes.default.svc" ||
         host == "kubernetes.default.svc.cluster.local";
}

}  // namespace

Result<std::unique_ptr<FixtureCluster>> FixtureCluster::start(const KubeFixture& k8s, const std::string& where) {
  std::unique_ptr<FixtureCluster> out(new FixtureCluster());
  fake_k8s::FakeClusterOptions options;
  options.run_controllers = false;  // nothing appears that the fixture did not list
  options.seed_defaults = false;
  Result<std::unique_ptr<fake_k8s::FakeCluster>> cluster = fake_k8s::FakeCluster::start(options, out->clock_);
  if (!cluster.is_ok()) return cluster.status().with_context(where + ": k8s: starting the fake API server");
  out->cluster_ = std::move(cluster).value();
  for (size_t i = 0; i < k8s.objects.size(); ++i) {
    Status applied = out->cluster_->apply(k8s.objects[i]);
    if (!applied.is_ok()) {
      return invalid_argument(where + ": k8s.objects[" + std::to_string(i) + "]: " + applied.message());
    }
  }
  if (!k8s.service_account) {
    out->token_ = out->cluster_->admin_token();
    return out;
  }
  const ServiceAccountIdentity& sa = *k8s.service_account;
  for (const Json& object : identity_objects(sa)) {
    Status applied = out->cluster_->apply(object);
    if (!applied.is_ok()) return invalid_argument(where + ": k8s.serviceAccount: " + applied.message());
  }
  Result<std::string> token = out->cluster_->service_account_token(sa.namespace_name, sa.name);
  if (!token.is_ok()) return token.status();
  out->token_ = token.value();
  out->namespace_name_ = sa.namespace_name;
  return out;
}

FixtureCluster::~FixtureCluster() {
  if (cluster_) cluster_->stop();
}

std::map<std::string, FixtureFile> FixtureCluster::pod_files() const {
  std::map<std::string, FixtureFile> files;
  const std::string dir = kServiceAccountDir;
  files[dir + "/token"].content = token_;
  files[dir + "/ca.crt"].content = cluster_->ca_pem();
  files[dir + "/namespace"].content = namespace_name_;
  return files;
}

std::map<std::string, std::string> FixtureCluster::pod_env() const {
  return {{"KUBERNETES_SERVICE_HOST", "kubernetes.default.svc"}, {"KUBERNETES_SERVICE_PORT", "443"}};
}

Result<HttpResponse> InClusterTransport::send(const HttpRequest& request) const {
  Result<HttpUrl> url = parse_http_url(request.url);
  if (!url.is_ok() || url.value().scheme != "https" || !in_cluster_host(url.value().host)) {
    return elsewhere_.send(request);
  }
  HttpRequest routed = request;
  routed.url = "https://127.0.0.1:" + std::to_string(port_) + url.value().target;
  if (routed.tls_server_name.empty()) routed.tls_server_name = url.value().host;
  return network_.send(routed);
}

}  // namespace pd::harness
