// The embeddable fake cluster: storage, API server, identities and faults wired together. Tests
// and pd-harness start one in-process on an ephemeral port; pd-fake-cluster wraps it in a CLI.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/util/clock.h"
#include "engine/util/status.h"
#include "fakes/k8s/api_server.h"
#include "fakes/k8s/state_directory.h"
#include "fakes/k8s/workload_controller.h"

namespace pd::fake_k8s {

struct FakeClusterOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  bool plain_http = false;
  std::filesystem::path state_dir;  // empty: keep state in memory only
  std::chrono::milliseconds pod_ready_delay{300};
  bool run_controllers = true;  // false: tests drive reconcile() themselves
  // The namespaces every cluster has and one Ready node; false starts empty, so a test's
  // cluster holds exactly what it seeds (namespaces are still created for namespaced objects).
  bool seed_defaults = true;
};

class FakeCluster {
 public:
  // Starts serving. `clock` must outlive the cluster.
  static Result<std::unique_ptr<FakeCluster>> start(const FakeClusterOptions& options,
                                                    const Clock& clock);
  ~FakeCluster();

  void stop();
  std::string url() const;
  int port() const;
  const std::string& admin_token() const { return admin_token_; }
  const std::string& ca_pem() const;

  // A kubeconfig (context `pd-fake`, namespace `default`) for the admin user, or for `token`.
  std::string kubeconfig(const std::string& token = "") const;
  Status write_kubeconfig(const std::filesystem::path& file) const;

  // Applies every manifest of a YAML stream (create, or replace when it exists). `source` names
  // the text in errors.
  Status seed_yaml(const std::string& text, const std::string& source);
  // Creates or replaces one object given as JSON.
  Status apply(const nlohmann::json& object);
  // The stored object, if any.
  std::optional<nlohmann::json> get(const std::string& api_version, const std::string& kind,
                                    const std::string& ns, const std::string& name) const;

  // A bearer token for a new user.
  std::string add_user(const std::string& name, const std::vector<std::string>& groups);
  // A bearer token for ServiceAccount `ns/name` (which must exist), as a mounted token would be.
  Result<std::string> service_account_token(const std::string& ns, const std::string& name);
  Result<KeyPair> client_certificate(const std::string& user,
                                     const std::vector<std::string>& groups) const;

  FaultInjector& faults() { return faults_; }
  SimulatedPodRuntime& pods() { return *runtime_; }
  // One synchronous controller pass (for tests that run without the background controllers).
  void reconcile() { controller_->reconcile_all(); }
  PodLogs& logs() { return logs_; }
  ServiceBackends& service_backends() { return backends_; }
  ObjectService& objects() { return *objects_; }

 private:
  FakeCluster(const FakeClusterOptions& options, const Clock& clock);
  Status boot(const FakeClusterOptions& options);
  void seed_defaults();

  const Clock& clock_;
  ResourceCatalog catalog_;
  ObjectStore store_;
  std::unique_ptr<ObjectService> objects_;
  TokenRegistry tokens_;
  std::unique_ptr<RbacAuthorizer> rbac_;
  FaultInjector faults_;
  PodLogs logs_;
  ServiceBackends backends_;
  std::unique_ptr<CertificateAuthority> ca_;
  std::unique_ptr<StateDirectory> state_;
  std::unique_ptr<SimulatedPodRuntime> runtime_;
  std::unique_ptr<WorkloadController> controller_;
  std::unique_ptr<ApiServer> server_;
  std::string admin_token_;
  bool plain_http_ = false;
};

}  // namespace pd::fake_k8s
