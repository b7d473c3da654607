// The resource types the fake API server serves: group/version/kind, plural and short names,
// scope, verbs and subresources — the single table that routing, discovery, OpenAPI and Table
// output are derived from.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pd::fake_k8s {

struct ResourceType {
  std::string group;  // "" for the core group
  std::string version;
  std::string kind;
  std::string plural;
  std::string singular;
  bool namespaced = true;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  std::vector<std::string> verbs;
  std::vector<std::string> subresources;  // "status", "scale", "log", "proxy"
  bool has_spec_generation = false;       // spec changes bump metadata.generation

  // "v1" or "apps/v1".
  std::string api_version() const;
  // "configmaps" or "deployments.apps", as kubectl names resources in messages.
  std::string qualified_plural() const;
  // "/api/v1" or "/apis/apps/v1".
  std::string group_version_path() const;
};

// The fixed set of served types; immutable after construction.
class ResourceCatalog {
 public:
  ResourceCatalog();

  const std::vector<ResourceType>& types() const { return types_; }
  const ResourceType* find(std::string_view group, std::string_view version,
                           std::string_view plural) const;
  const ResourceType* find_kind(std::string_view api_version, std::string_view kind) const;
  // Group/version pairs in a stable order, core first.
  std::vector<std::pair<std::string, std::string>> group_versions() const;

 private:
  std::vector<ResourceType> types_;
};

}  // namespace pd::fake_k8s
