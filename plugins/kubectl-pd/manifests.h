// The Kubernetes objects `kubectl pd deploy` applies, built as data (never templated text):
// namespace, service account and RBAC, secrets, the config and immutable code ConfigMaps, the
// engine Deployment, its Service and one CronJob per cron trigger. Every object carries the
// app.kubernetes.io labels; the Deployment's selector uses only the name.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/spec/workflow.h"
#include "plugins/kubectl-pd/code_bundle.h"

namespace pd::kubectl_pd {

inline constexpr const char* kManagedBy = "kubectl-pd";
inline constexpr const char* kAnnotationPrefix = "pipedreamer.dev/";

struct DeployInputs {
  std::string namespace_name;
  std::string image;
  std::string image_pull_policy;  // empty: IfNotPresent for digests, Always for tags
  CodeBundle bundle;
  std::optional<nlohmann::json> secrets;  // local secrets (service → values)
  std::map<std::string, std::string> config_files;  // the workflow's config/ folder
  bool create_namespace = true;
  std::string change_cause;
  std::string git_commit;
  bool git_dirty = false;
  std::string deployed_by;
  std::string deployed_at;
};

// "1.0" → "1-0": the version as it appears in object names and labels.
std::string version_slug(const std::string& version);
std::string code_configmap_name(const std::string& workflow, const std::string& version);

std::map<std::string, std::string> common_labels(const spec::Workflow& workflow,
                                                 const std::string& component);
nlohmann::json code_configmap(const spec::Workflow& workflow, const DeployInputs& inputs);
// The code volume of the Deployment for a code ConfigMap (its keys mapped back to paths).
nlohmann::json code_volume(const std::string& configmap_name, const nlohmann::json& configmap);
nlohmann::json deployment(const spec::Workflow& workflow, const DeployInputs& inputs,
                          const nlohmann::json& code_configmap_object);

// Every object in apply order (the code ConfigMap included).
std::vector<nlohmann::json> render_objects(const spec::Workflow& workflow,
                                           const DeployInputs& inputs);

// The API path of an object (collection path when `name` is empty).
std::string api_path(const nlohmann::json& object, bool collection = false);

}  // namespace pd::kubectl_pd
