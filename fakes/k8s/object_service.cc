#include "fakes/k8s/object_service.h"

#include <cstdio>

#include "fakes/k8s/object_rules.h"

namespace pd::fake_k8s {
namespace {

using Json = nlohmann::json;

std::string list_kind(const ResourceType& type) { return type.kind + "List"; }

// Cluster-scoped objects live outside any namespace, whatever the caller passed.
std::string scoped(const ResourceType& type, const std::string& ns) {
  return type.namespaced ? ns : "";
}

}  // namespace

ObjectService::ObjectService(const ResourceCatalog& catalog, ObjectStore& store, const Clock& clock)
    : catalog_(catalog), store_(store), clock_(clock), random_(std::random_device{}()) {}

std::string ObjectService::new_uid() {
  std::lock_guard<std::mutex> lock(uid_mutex_);
  uint64_t a = random_(), b = random_();
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%08x-%04x-4%03x-%04x-%012llx",
                static_cast<unsigned>(a >> 32), static_cast<unsigned>((a >> 16) & 0xffff),
                static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buffer;
}

std::string ObjectService::random_suffix() {
  // The alphabet the real server uses for generated names: no vowels, no look-alikes.
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::lock_guard<std::mutex> lock(uid_mutex_);
  std::string suffix;
  for (int i = 0; i < 5; ++i) suffix += kAlphabet[random_() % 27];
  return suffix;
}

std::optional<ApiError> ObjectService::check_namespace(const ResourceType& type,
                                                       const std::string& ns) const {
  if (!type.namespaced) return std::nullopt;
  const ResourceType* namespaces = catalog_.find("", "v1", "namespaces");
  if (!store_.get(*namespaces, "", ns)) return not_found(*namespaces, ns);
  return std::nullopt;
}

ApiResponse ObjectService::create(const ResourceType& type, const std::string& requested_ns,
                                  Json body, bool dry_run) {
  const std::string ns = scoped(type, requested_ns);
  if (!body.is_object()) return ApiResponse::from(bad_request("the request body is not an object"));
  Json& metadata = body["metadata"];
  if (!metadata.is_object()) metadata = Json::object();
  if (type.namespaced) {
    std::string body_ns = metadata.value("namespace", std::string());
    if (!body_ns.empty() && body_ns != ns) {
      return ApiResponse::from(bad_request(
          "the namespace of the provided object does not match the namespace sent on the "
          "request"));
    }
    metadata["namespace"] = ns;
  } else {
    metadata.erase("namespace");
  }
  if (metadata.value("name", std::string()).empty() && metadata.contains("generateName")) {
    std::string suffix = random_suffix();
    metadata["name"] = metadata["generateName"].get<std::string>() + suffix;
  }
  normalize_object(type, body);
  std::string name = metadata.value("name", std::string());
  std::vector<FieldCause> causes = validate_object(type, body, nullptr);
  if (!causes.empty()) return ApiResponse::from(invalid(type, name, causes));
  if (auto missing = check_namespace(type, ns)) return ApiResponse::from(*missing);
  if (store_.get(type, ns, name)) return ApiResponse::from(already_exists(type, name));
  apply_create_defaults(type, body, new_uid(), format_rfc3339(clock_.now()));
  if (dry_run) return {201, std::move(body)};
  return {201, store_.put(type, ns, name, std::move(body))};
}

ApiResponse ObjectService::get(const ResourceType& type, const std::string& requested_ns,
                               const std::string& name) const {
  const std::string ns = scoped(type, requested_ns);
  std::optional<Json> object = store_.get(type, ns, name);
  if (!object) return ApiResponse::from(not_found(type, name));
  return {200, *object};
}

ApiResponse ObjectService::list(const ResourceType& type, const std::string& requested_ns,
                                const ListOptions& options) const {
  const std::string ns = scoped(type, requested_ns);
  Result<LabelSelector> labels = LabelSelector::parse(options.label_selector);
  if (!labels.is_ok()) return ApiResponse::from(bad_request(labels.status().message()));
  Result<FieldSelector> fields = FieldSelector::parse(options.field_selector);
  if (!fields.is_ok()) return ApiResponse::from(bad_request(fields.status().message()));
  auto filter = [&](const Json& object) {
    const Json& metadata = object["metadata"];
    return labels.value().matches(metadata.contains("labels") ? metadata["labels"] : Json()) &&
           fields.value().matches(object);
  };
  ListResult result = store_.list(type, ns, filter, options.limit, options.continue_token);
  Json list_metadata = {{"resourceVersion", std::to_string(result.resource_version)}};
  if (!result.continue_token.empty()) list_metadata["continue"] = result.continue_token;
  return {200,
          {{"kind", list_kind(type)},
           {"apiVersion", type.api_version()},
           {"metadata", list_metadata},
           {"items", std::move(result.items)}}};
}

ApiResponse ObjectService::commit_update(const ResourceType& type, const std::string& ns,
                                         const Json& old, Json updated, bool status_only,
                                         bool dry_run) {
  std::string name = old["metadata"]["name"];
  if (!updated.is_object()) return ApiResponse::from(bad_request("the body is not an object"));
  Json& metadata = updated["metadata"];
  if (!metadata.is_object()) metadata = Json::object();
  std::string body_rv = metadata.value("resourceVersion", std::string());
  if (!body_rv.empty() && body_rv != old["metadata"].value("resourceVersion", std::string())) {
    return ApiResponse::from(conflict(type, name));
  }
  std::string body_name = metadata.value("name", name);
  if (body_name != name) {
    return ApiResponse::from(bad_request("the name of the object (" + body_name +
                                         ") does not match the name on the URL (" + name + ")"));
  }
  metadata["name"] = name;
  if (type.namespaced) metadata["namespace"] = ns;
  if (status_only) {
    Json status = updated.value("status", Json());
    updated = old;
    if (status.is_null()) {
      updated.erase("status");
    } else {
      updated["status"] = status;
    }
  } else {
    normalize_object(type, updated);
    carry_over_on_update(type, old, updated);
  }
  std::vector<FieldCause> causes = validate_object(type, updated, &old);
  if (!causes.empty()) return ApiResponse::from(invalid(type, name, causes));
  if (same_content(old, updated)) return {200, old};  // no change: resourceVersion stays
  if (dry_run) return {200, std::move(updated)};
  return {200, store_.put(type, ns, name, std::move(updated))};
}

ApiResponse ObjectService::replace(const ResourceType& type, const std::string& requested_ns,
                                   const std::string& name, Json body, bool dry_run) {
  const std::string ns = scoped(type, requested_ns);
  std::optional<Json> old = store_.get(type, ns, name);
  if (!old) return ApiResponse::from(not_found(type, name));
  return commit_update(type, ns, *old, std::move(body), false, dry_run);
}

ApiResponse ObjectService::replace_status(const ResourceType& type, const std::string& requested_ns,
                                          const std::string& name, const Json& body) {
  const std::string ns = scoped(type, requested_ns);
  std::optional<Json> old = store_.get(type, ns, name);
  if (!old) return ApiResponse::from(not_found(type, name));
  return commit_update(type, ns, *old, body, true, false);
}

ApiResponse ObjectService::patch(const ResourceType& type, const std::string& requested_ns,
                                 const std::string& name, PatchType patch_type, const Json& patch,
                                 const std::string& subresource, bool dry_run) {
  const std::string ns = scoped(type, requested_ns);
  std::optional<Json> old = store_.get(type, ns, name);
  if (!old) {
    if (patch_type != PatchType::kApply || !subresource.empty()) {
      return ApiResponse::from(not_found(type, name));
    }
    Json body = patch;
    if (body.is_object() && !body.contains("metadata")) body["metadata"] = Json::object();
    if (body.is_object()) body["metadata"]["name"] = name;
    return create(type, ns, std::move(body), dry_run);
  }
  Result<Json> patched = apply_patch(patch_type, *old, patch);
  if (!patched.is_ok()) {
    return ApiResponse::from(
        {422, "Invalid", patched.status().message(), {{"name", name}, {"kind", type.plural}}});
  }
  return commit_update(type, ns, *old, std::move(patched).value(), subresource == "status",
                       dry_run);
}

ApiResponse ObjectService::remove(const ResourceType& type, const std::string& requested_ns,
                                  const std::string& name, bool dry_run) {
  const std::string ns = scoped(type, requested_ns);
  if (dry_run) {
    std::optional<Json> existing = store_.get(type, ns, name);
    if (!existing) return ApiResponse::from(not_found(type, name));
    return {200, *existing};
  }
  std::optional<Json> removed = store_.erase(type, ns, name);
  if (!removed) return ApiResponse::from(not_found(type, name));
  if (type.kind == "Namespace") {
    for (const ResourceType& other : catalog_.types()) {
      if (!other.namespaced) continue;
      for (const Json& object : store_.list(other, name, nullptr).items) {
        store_.erase(other, name, object["metadata"]["name"]);
      }
    }
  }
  return {200, *removed};
}

}  // namespace pd::fake_k8s
