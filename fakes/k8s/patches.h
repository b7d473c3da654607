// The four PATCH flavours the API server accepts: JSON patch (RFC 6902), JSON merge patch
// (RFC 7386), strategic merge patch (lists merged by key, `null` deletes, `$patch` directives),
// and apply patch (server-side apply approximated as a create-or-merge with strategic rules).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/util/status.h"

namespace pd::fake_k8s {

enum class PatchType { kJson, kMerge, kStrategic, kApply };

// From a Content-Type (`application/json-patch+json`, …); nothing for an unknown type.
std::optional<PatchType> patch_type_from_content_type(std::string_view content_type);

// Applies `patch` to `target`. InvalidArgument (a 422/400 for the caller) when the patch does
// not apply, e.g. a JSON patch `replace` of a path that does not exist.
Result<nlohmann::json> apply_patch(PatchType type, const nlohmann::json& target,
                                   const nlohmann::json& patch);

// Strategic merge of `patch` into `target` (exposed for tests and for server-side apply).
nlohmann::json strategic_merge(const nlohmann::json& target, const nlohmann::json& patch);

}  // namespace pd::fake_k8s
