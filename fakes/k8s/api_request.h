// A request to a Kubernetes REST path, parsed: which resource type, namespace, name and
// subresource, and which verb (get, list, watch, create, update, patch, delete,
// deletecollection). Paths that are not resource paths parse to nothing.
#pragma once

#include <optional>
#include <string>

#include "fakes/k8s/resource_catalog.h"

namespace pd::fake_k8s {

struct ResourcePath {
  std::string group;
  std::string version;
  std::string plural;
  std::string namespace_name;  // from /namespaces/<ns>/…
  std::string name;
  std::string subresource;
  std::string rest;  // anything after the subresource (service proxy paths), with leading '/'
};

// Splits `/api/v1/...` and `/apis/<g>/<v>/...` paths. A bare group-version path yields an empty
// plural.
std::optional<ResourcePath> parse_resource_path(const std::string& path);

// The RBAC verb for an HTTP method on a path (`watch` when `watch` is set on a collection GET).
std::string request_verb(const std::string& method, const ResourcePath& path, bool watch);

}  // namespace pd::fake_k8s
