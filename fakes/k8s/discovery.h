// Discovery documents derived from the ResourceCatalog: aggregated discovery v2 (served only
// when asked, with its exact content type), legacy APIVersions / APIGroupList / APIResourceList,
// /version, and the small OpenAPI v3 documents that let `kubectl apply` validate server-side.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "fakes/k8s/resource_catalog.h"

namespace pd::fake_k8s {

inline constexpr const char* kAggregatedDiscoveryContentType =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

// True when an Accept header asks for aggregated discovery v2.
bool wants_aggregated_discovery(const std::string& accept);

nlohmann::json version_info();

// `/api` (core) or `/apis` (named groups) as an APIGroupDiscoveryList.
nlohmann::json aggregated_discovery(const ResourceCatalog& catalog, bool core);
nlohmann::json legacy_api_versions();
nlohmann::json legacy_group_list(const ResourceCatalog& catalog);
// APIResourceList of one group/version; null when the catalog has none.
nlohmann::json legacy_resource_list(const ResourceCatalog& catalog, const std::string& group,
                                    const std::string& version);

// `/openapi/v3`: one entry per group-version, URLs carrying a content hash.
nlohmann::json openapi_v3_root(const ResourceCatalog& catalog);
// `/openapi/v3/api/v1` or `/openapi/v3/apis/<g>/<v>`: a PATCH operation per kind declaring
// `fieldValidation`; null when the group-version is unknown.
nlohmann::json openapi_v3_group_version(const ResourceCatalog& catalog, const std::string& group,
                                        const std::string& version);

}  // namespace pd::fake_k8s
