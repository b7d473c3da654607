// Connects a command to the cluster the user's kubeconfig names (kubectl's global flags).
#pragma once

#include <memory>

#include "plugins/kube/rest_client.h"
#include "plugins/kubectl-pd/command.h"

namespace pd::kubectl_pd {

struct ClusterConnection {
  std::unique_ptr<NetworkHttpTransport> transport;
  std::unique_ptr<kube::RestClient> client;
  bool namespace_from_flag = false;
};

Result<ClusterConnection> connect_to_cluster(const GlobalOptions& globals, Io& io);

}  // namespace pd::kubectl_pd
