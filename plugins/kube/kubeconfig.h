// Where and how to reach a Kubernetes API, resolved the way kubectl does: --kubeconfig, else every
// file in KUBECONFIG merged (the first file to define a name or current-context wins; relative
// paths are relative to the file that holds them), else ~/.kube/config, else the pod's service
// account (in-cluster). --context/--cluster/--user override the current context; the namespace is
// -n, else the context's, else "default".
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/util/file_system.h"
#include "engine/util/status.h"

namespace pd::kube {

struct KubeconfigFlags {
  std::string kubeconfig;
  std::string context;
  std::string cluster;
  std::string user;
  std::string namespace_name;
};

// A kubeconfig `exec:` credential plugin (client.authentication.k8s.io/v1 or v1beta1).
struct ExecPlugin {
  std::string api_version;
  std::string command;
  std::vector<std::string> args;
  std::map<std::string, std::string> env;
  bool provide_cluster_info = false;
  std::string install_hint;
  std::filesystem::path base_dir;  // the kubeconfig's folder, for relative commands
};

struct RestConfig {
  std::string context_name;  // empty in-cluster
  std::string cluster_name;
  std::string server;        // https://host:port
  std::string ca_pem;        // empty: the system roots
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;
  std::string token;
  std::string username;
  std::string password;
  std::string client_cert_pem;
  std::string client_key_pem;
  std::optional<ExecPlugin> exec;
  std::string namespace_name = "default";
  bool in_cluster = false;
};

// `env` is the process environment (KUBECONFIG, HOME, KUBERNETES_SERVICE_HOST/PORT). Errors name
// the file and the missing or malformed entry, as kubectl does.
Result<RestConfig> load_rest_config(const KubeconfigFlags& flags,
                                    const std::map<std::string, std::string>& env,
                                    const FileSystem& fs);

}  // namespace pd::kube
