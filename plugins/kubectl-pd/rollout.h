// Waiting for a workflow's Deployment to roll out, as `kubectl rollout status` does, and saying
// why when it does not: ImagePullBackOff, CrashLoopBackOff (with the last log lines), the progress
// deadline, or the timeout; pointing it at a code version; listing versions. Shared by deploy,
// rollback and versions.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "plugins/kube/rest_client.h"
#include "plugins/kubectl-pd/command.h"

namespace pd::kubectl_pd {

// kubectl's rollout status line for these counts (new replicas updated, old ones terminating,
// updated ones available).
std::string rollout_progress(const std::string& name, int desired, int updated, int total,
                             int available);

// Progress goes to io.err: redrawn in place on a terminal, one line per change otherwise.
Status wait_for_rollout(kube::RestClient& client, const std::string& namespace_name,
                        const std::string& name, std::chrono::milliseconds timeout, Io& io);

// The code ConfigMaps of workflow `name`, newest first (creation time, then resourceVersion).
Result<std::vector<nlohmann::json>> code_versions(kube::RestClient& client,
                                                  const std::string& namespace_name,
                                                  const std::string& name);

// Points the Deployment at the code ConfigMap of `version` (which must exist) and records it.
Status point_deployment_at(kube::RestClient& client, const std::string& namespace_name,
                           const std::string& name, const std::string& version,
                           const std::string& change_cause);

}  // namespace pd::kubectl_pd
