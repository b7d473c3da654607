// ctx.k8s outside a pod: the kubeconfig's cluster (current or named context) when it uses token
// auth. In a pod (KUBERNETES_SERVICE_HOST set) or without a usable kubeconfig there is none and
// the node's ctx.k8s reads the service account itself. Shared by `pd-engine run` and
// `pd-harness test --live`.
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <string>

#include "engine/exec/node_context.h"

namespace pd::engine {

// Warnings go to `err` when the user named a kubeconfig or context that cannot serve ctx.k8s.
std::optional<exec::KubeTarget> kube_target_from_kubeconfig(const std::string& kubeconfig,
                                                            const std::string& context,
                                                            const std::map<std::string, std::string>& env,
                                                            std::ostream& err);

}  // namespace pd::engine
