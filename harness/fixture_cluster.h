// The in-cluster Kubernetes API a fixture's `k8s` section asks for: a fake API server (TLS, its own
// CA) holding exactly the listed objects, the namespaces they need and the identity's
// ServiceAccount and RBAC objects; plus what a pod gets to reach it — the token, ca.crt and
// namespace under /var/run/secrets/kubernetes.io/serviceaccount/ and KUBERNETES_SERVICE_HOST/PORT
// — and a transport that routes https://kubernetes.default.svc to the fake server.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "engine/util/clock.h"
#include "engine/util/http_transport.h"
#include "fakes/k8s/fake_cluster.h"
#include "harness/fixture.h"

namespace pd::harness {

class FixtureCluster {
 public:
  // Errors name `where` (the fixture file) and the object that could not be stored.
  static Result<std::unique_ptr<FixtureCluster>> start(const KubeFixture& k8s, const std::string& where);
  ~FixtureCluster();

  // The service account mount, for the node's virtual filesystem.
  std::map<std::string, FixtureFile> pod_files() const;
  // KUBERNETES_SERVICE_HOST=kubernetes.default.svc, KUBERNETES_SERVICE_PORT=443.
  std::map<std::string, std::string> pod_env() const;
  int port() const { return cluster_->port(); }

 private:
  FixtureCluster() = default;
  SystemClock clock_;
  std::unique_ptr<fake_k8s::FakeCluster> cluster_;
  std::string token_;
  std::string namespace_name_ = "default";
};

// Sends requests for the in-cluster API names (kubernetes, kubernetes.default,
// kubernetes.default.svc[.cluster.local]) to the fake server on 127.0.0.1:`port`, checking its
// certificate against the name the node used; everything else goes to `elsewhere`.
class InClusterTransport : public HttpTransport {
 public:
  InClusterTransport(int port, const HttpTransport& elsewhere) : port_(port), elsewhere_(elsewhere) {}
  Result<HttpResponse> send(const HttpRequest& request) const override;

 private:
  int port_;
  const HttpTransport& elsewhere_;
  NetworkHttpTransport network_;
};

}  // namespace pd::harness
