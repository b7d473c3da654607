// `pd-engine run [DIR] [--input JSON|@file] [--secrets PATH] [--config-dir DIR]`: executes the
// workflow once with real I/O, prints the execution result as JSON on stdout (node logs as JSON
// lines on stderr) and exits 1 when it failed.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace pd::engine {

struct RunOptions {
  std::string workflow_dir = ".";
  std::string input;  // JSON text, or @file
  std::optional<std::string> secrets;
  std::string config_dir = "/app/config";
  std::string mounted_secrets = "/app/secrets";
  std::vector<std::string> allow_net;
  std::string scratch_dir;
  // ctx.k8s outside a pod: the kubeconfig's current (or named) context, token auth.
  std::string kubeconfig;
  std::string context;
};

int run_workflow_once(const RunOptions& options, std::ostream& out, std::ostream& err);

}  // namespace pd::engine
