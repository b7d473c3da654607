// Decodes the Kubernetes protobuf request bodies kubectl 1.32 sends for `create namespace`,
// `create configmap|secret|serviceaccount|role|rolebinding` and `auth can-i` (magic `k8s\0` +
// runtime.Unknown), into the JSON the server stores. Only decoding: answers are always JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "engine/util/status.h"

namespace pd::fake_k8s {

inline constexpr const char* kProtobufContentType = "application/vnd.kubernetes.protobuf";

// The object as JSON. InvalidArgument for malformed bytes; FailedPrecondition (→ 415) naming the
// kind when the kind has no decoder.
Result<nlohmann::json> decode_protobuf_object(std::string_view body);

}  // namespace pd::fake_k8s
