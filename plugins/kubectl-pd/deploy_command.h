// `kubectl pd deploy [DIR]`: validate, render, preflight, apply in a safe order (namespace, RBAC,
// secrets, config, the immutable code ConfigMap, then the Deployment that points at it, the
// Service and CronJobs), wait for the rollout, and garbage-collect old code versions. If a step
// fails the previous version keeps serving; the error names the step.
#pragma once

#include <string>

#include "plugins/kubectl-pd/command.h"

namespace pd::kubectl_pd {

class DeployCommand : public Command {
 public:
  CLI::App* add_to(CLI::App& parent) override;
  int run(const GlobalOptions& globals, Io& io) override;

 private:
  std::string path_ = ".";
  std::string image_;
  std::string image_pull_policy_;
  std::string message_;
  bool force_ = false;
  bool create_namespace_ = true;
  std::string dry_run_ = "none";
  int keep_ = 10;
  std::string timeout_ = "5m";
  bool no_wait_ = false;
  bool atomic_ = false;
};

}  // namespace pd::kubectl_pd
