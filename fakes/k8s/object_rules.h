// What the real API server does to an object on its way into storage: defaults (uid,
// creationTimestamp, generation, Secret `stringData` folded into base64 `data`, `type: Opaque`),
// validation with Kubernetes-shaped field causes (names, required fields, config keys, the 1 MiB
// limit, immutable ConfigMaps and Secrets), and the update rules (generation bumps on spec
// changes, status kept from the old object).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "fakes/k8s/api_error.h"
#include "fakes/k8s/resource_catalog.h"

namespace pd::fake_k8s {

// Fields set on create; `uid` and `now` come from the caller so tests stay deterministic.
void apply_create_defaults(const ResourceType& type, nlohmann::json& object, const std::string& uid,
                           const std::string& now);

// Type-specific normalisation on every write (Secret stringData → data, type default).
void normalize_object(const ResourceType& type, nlohmann::json& object);

// Problems with `object` as a new object (no `old`) or as a replacement of `old`.
std::vector<FieldCause> validate_object(const ResourceType& type, const nlohmann::json& object,
                                        const nlohmann::json* old);

// Carries server-owned fields from `old` into `updated` (uid, creationTimestamp, generation,
// status for types with a status subresource) and bumps generation when the spec changed.
void carry_over_on_update(const ResourceType& type, const nlohmann::json& old,
                          nlohmann::json& updated);

// True when `a` and `b` differ only in metadata.resourceVersion and managedFields.
bool same_content(const nlohmann::json& a, const nlohmann::json& b);

}  // namespace pd::fake_k8s
