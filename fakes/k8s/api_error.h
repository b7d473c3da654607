// Kubernetes API errors as the real server reports them: an HTTP code plus a Status object with
// reason, message and details (kubectl prints `Error from server (<Reason>): <message>`).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fakes/k8s/resource_catalog.h"

namespace pd::fake_k8s {

struct FieldCause {
  std::string reason;  // FieldValueInvalid, FieldValueRequired, FieldValueForbidden, …
  std::string message;
  std::string field;
};

struct ApiError {
  int code = 500;
  std::string reason;
  std::string message;
  nlohmann::json details = nlohmann::json::object();

  nlohmann::json to_status() const;
};

ApiError not_found(const ResourceType& type, const std::string& name);
ApiError already_exists(const ResourceType& type, const std::string& name);
ApiError conflict(const ResourceType& type, const std::string& name);
// 422 Invalid: `<Kind> "<name>" is invalid: <field>: <message>, …`.
ApiError invalid(const ResourceType& type, const std::string& name,
                 const std::vector<FieldCause>& causes);
ApiError bad_request(const std::string& message);
ApiError unsupported_media_type(const std::string& message);
ApiError method_not_allowed(const std::string& message);
ApiError unauthorized();
ApiError forbidden(const std::string& message);
ApiError unknown_path(const std::string& path);

// {"kind":"Status","status":"Success",…} as returned by some deletes.
nlohmann::json success_status(const ResourceType& type, const std::string& name);

}  // namespace pd::fake_k8s
