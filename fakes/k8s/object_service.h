// The API server's verbs on stored objects — create, get, list, replace, patch, delete, and the
// status subresource — with the real server's semantics and errors (404, 409 AlreadyExists and
// Conflict, 422 Invalid, namespaces that must exist, namespace deletion removing its objects).
#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "engine/util/clock.h"
#include "fakes/k8s/api_error.h"
#include "fakes/k8s/object_store.h"
#include "fakes/k8s/patches.h"
#include "fakes/k8s/resource_catalog.h"
#include "fakes/k8s/selectors.h"

namespace pd::fake_k8s {

// An HTTP status code and a JSON body (the object, a list, or a Status for errors).
struct ApiResponse {
  int code = 200;
  nlohmann::json body;

  bool ok() const { return code < 400; }
  static ApiResponse from(const ApiError& error) { return {error.code, error.to_status()}; }
};

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  size_t limit = 0;
  std::string continue_token;
};

class ObjectService {
 public:
  ObjectService(const ResourceCatalog& catalog, ObjectStore& store, const Clock& clock);

  // `ns` is "" for cluster-scoped types. The body's namespace, if set, must match.
  // `dry_run` (the API's dryRun=All): every check and default, nothing stored.
  ApiResponse create(const ResourceType& type, const std::string& ns, nlohmann::json body,
                     bool dry_run = false);
  ApiResponse get(const ResourceType& type, const std::string& ns, const std::string& name) const;
  // `ns` "" lists every namespace.
  ApiResponse list(const ResourceType& type, const std::string& ns,
                   const ListOptions& options) const;
  ApiResponse replace(const ResourceType& type, const std::string& ns, const std::string& name,
                      nlohmann::json body, bool dry_run = false);
  // `subresource` is "" or "status". Apply patches create missing objects.
  ApiResponse patch(const ResourceType& type, const std::string& ns, const std::string& name,
                    PatchType patch_type, const nlohmann::json& patch,
                    const std::string& subresource = "", bool dry_run = false);
  ApiResponse replace_status(const ResourceType& type, const std::string& ns,
                             const std::string& name, const nlohmann::json& body);
  ApiResponse remove(const ResourceType& type, const std::string& ns, const std::string& name,
                     bool dry_run = false);

  const ResourceCatalog& catalog() const { return catalog_; }
  ObjectStore& store() { return store_; }

 private:
  // Validates and stores `updated` as the new version of `old` (same name and namespace).
  ApiResponse commit_update(const ResourceType& type, const std::string& ns,
                            const nlohmann::json& old, nlohmann::json updated, bool status_only,
                            bool dry_run);
  std::optional<ApiError> check_namespace(const ResourceType& type, const std::string& ns) const;
  std::string new_uid();
  std::string random_suffix();

  const ResourceCatalog& catalog_;
  ObjectStore& store_;
  const Clock& clock_;
  std::mutex uid_mutex_;
  std::mt19937_64 random_;
};

}  // namespace pd::fake_k8s
