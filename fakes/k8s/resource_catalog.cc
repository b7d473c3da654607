#include "fakes/k8s/resource_catalog.h"

namespace pd::fake_k8s {
namespace {

const std::vector<std::string> kAllVerbs = {"create", "delete", "deletecollection", "get",
                                            "list",   "patch",  "update",           "watch"};

ResourceType type(std::string group, std::string kind, std::string plural, bool namespaced,
                  std::vector<std::string> short_names = {},
                  std::vector<std::string> categories = {},
                  std::vector<std::string> subresources = {}) {
  ResourceType t;
  t.group = std::move(group);
  t.version = "v1";
  t.kind = std::move(kind);
  t.plural = std::move(plural);
  t.singular.clear();
  for (char c : t.kind) t.singular += static_cast<char>(std::tolower(c));
  t.namespaced = namespaced;
  t.short_names = std::move(short_names);
  t.categories = std::move(categories);
  t.subresources = std::move(subresources);
  t.verbs = kAllVerbs;
  return t;
}

}  // namespace

std::string ResourceType::api_version() const {
  return group.empty() ? version : group + "/" + version;
}

std::string ResourceType::qualified_plural() const {
  return group.empty() ? plural : plural + "." + group;
}

std::string ResourceType::group_version_path() const {
  return group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
}

ResourceCatalog::ResourceCatalog() {
  types_ = {
      type("", "Namespace", "namespaces", false, {"ns"}, {}, {"status"}),
      type("", "ConfigMap", "configmaps", true, {"cm"}),
      type("", "Secret", "secrets", true),
      type("", "Service", "services", true, {"svc"}, {"all"}, {"proxy", "status"}),
      type("", "ServiceAccount", "serviceaccounts", true, {"sa"}, {}, {"token"}),
      type("", "Pod", "pods", true, {"po"}, {"all"}, {"log", "status"}),
      type("", "Event", "events", true, {"ev"}),
      type("", "Node", "nodes", false, {"no"}, {}, {"status"}),
      type("apps", "Deployment", "deployments", true, {"deploy"}, {"all"}, {"scale", "status"}),
      type("apps", "ReplicaSet", "replicasets", true, {"rs"}, {"all"}, {"scale", "status"}),
      type("batch", "CronJob", "cronjobs", true, {"cj"}, {"all"}, {"status"}),
      type("batch", "Job", "jobs", true, {}, {"all"}, {"status"}),
      type("rbac.authorization.k8s.io", "Role", "roles", true),
      type("rbac.authorization.k8s.io", "RoleBinding", "rolebindings", true),
      type("rbac.authorization.k8s.io", "ClusterRole", "clusterroles", false),
      type("rbac.authorization.k8s.io", "ClusterRoleBinding", "clusterrolebindings", false),
      type("networking.k8s.io", "NetworkPolicy", "networkpolicies", true, {"netpol"}),
      type("authorization.k8s.io", "SelfSubjectAccessReview", "selfsubjectaccessreviews", false),
  };
  for (ResourceType& t : types_) {
    t.has_spec_generation = t.group == "apps" || t.group == "batch";
    if (t.kind == "SelfSubjectAccessReview") t.verbs = {"create"};
  }
}

const ResourceType* ResourceCatalog::find(std::string_view group, std::string_view version,
                                          std::string_view plural) const {
  for (const ResourceType& t : types_) {
    if (t.group == group && t.version == version && t.plural == plural) return &t;
  }
  return nullptr;
}

const ResourceType* ResourceCatalog::find_kind(std::string_view api_version,
                                               std::string_view kind) const {
  for (const ResourceType& t : types_) {
    if (t.api_version() == api_version && t.kind == kind) return &t;
  }
  return nullptr;
}

std::vector<std::pair<std::string, std::string>> ResourceCatalog::group_versions() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const ResourceType& t : types_) {
    std::pair<std::string, std::string> gv{t.group, t.version};
    bool seen = false;
    for (const auto& existing : out) seen = seen || existing == gv;
    if (!seen) out.push_back(gv);
  }
  return out;
}

}  // namespace pd::fake_k8s
