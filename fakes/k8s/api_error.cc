#include "fakes/k8s/api_error.h"

namespace pd::fake_k8s {
namespace {

nlohmann::json resource_details(const ResourceType& type, const std::string& name) {
  nlohmann::json details = {{"name", name}, {"kind", type.plural}};
  if (!type.group.empty()) details["group"] = type.group;
  return details;
}

}  // namespace

nlohmann::json ApiError::to_status() const {
  nlohmann::json status = {
      {"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", nlohmann::json::object()},
      {"status", "Failure"}, {"message", message}, {"reason", reason},
      {"code", code}};
  if (!details.empty()) status["details"] = details;
  return status;
}

ApiError not_found(const ResourceType& type, const std::string& name) {
  return {404, "NotFound", type.qualified_plural() + " \"" + name + "\" not found",
          resource_details(type, name)};
}

ApiError already_exists(const ResourceType& type, const std::string& name) {
  return {409, "AlreadyExists", type.qualified_plural() + " \"" + name + "\" already exists",
          resource_details(type, name)};
}

ApiError conflict(const ResourceType& type, const std::string& name) {
  return {409, "Conflict",
          "Operation cannot be fulfilled on " + type.qualified_plural() + " \"" + name +
              "\": the object has been modified; please apply your changes to the latest "
              "version and try again",
          resource_details(type, name)};
}

ApiError invalid(const ResourceType& type, const std::string& name,
                 const std::vector<FieldCause>& causes) {
  std::string message = type.kind + " \"" + name + "\" is invalid: ";
  nlohmann::json json_causes = nlohmann::json::array();
  for (size_t i = 0; i < causes.size(); ++i) {
    if (i > 0) message += ", ";
    message += causes[i].field + ": " + causes[i].message;
    json_causes.push_back(
        {{"reason", causes[i].reason}, {"message", causes[i].message}, {"field", causes[i].field}});
  }
  nlohmann::json details = {{"name", name}, {"kind", type.kind}, {"causes", json_causes}};
  if (!type.group.empty()) details["group"] = type.group;
  return {422, "Invalid", message, details};
}

ApiError bad_request(const std::string& message) { return {400, "BadRequest", message, {}}; }

ApiError unsupported_media_type(const std::string& message) {
  return {415, "UnsupportedMediaType", message, {}};
}

ApiError method_not_allowed(const std::string& message) {
  return {405, "MethodNotAllowed", message, {}};
}

ApiError unauthorized() { return {401, "Unauthorized", "Unauthorized", {}}; }

ApiError forbidden(const std::string& message) { return {403, "Forbidden", message, {}}; }

ApiError unknown_path(const std::string& path) {
  return {
      404,
      "NotFound",
      "the server could not find the requested resource",
      {{"causes",
        {{{"reason", "UnexpectedServerResponse"}, {"message", "404 page not found: " + path}}}}}};
}

nlohmann::json success_status(const ResourceType& type, const std::string& name) {
  return {{"kind", "Status"},
          {"apiVersion", "v1"},
          {"metadata", nlohmann::json::object()},
          {"status", "Success"},
          {"details", resource_details(type, name)}};
}

}  // namespace pd::fake_k8s
