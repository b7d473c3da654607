// Who is calling and what they may do: bearer tokens and client certificates map to users
// (service accounts as `system:serviceaccount:<ns>:<name>`), and Roles/ClusterRoles with their
// bindings, read from the object store, are evaluated as the real RBAC authorizer does.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "fakes/k8s/object_store.h"
#include "fakes/k8s/resource_catalog.h"

namespace pd::fake_k8s {

struct UserInfo {
  std::string name;
  std::vector<std::string> groups;
};

// What a request wants to do, in RBAC terms.
struct AccessAttributes {
  std::string verb;  // get, list, watch, create, update, patch, delete, deletecollection
  std::string group;
  std::string resource;     // plural
  std::string subresource;  // "" or e.g. "log"
  std::string namespace_name;
  std::string name;
};

struct AccessDecision {
  bool allowed = false;
  std::string reason;  // which binding allowed it
};

// `system:serviceaccount:<ns>:<name>` in its groups, as the real server authenticates a
// service-account token.
UserInfo service_account_user(const std::string& ns, const std::string& name);

class TokenRegistry {
 public:
  void add(const std::string& token, UserInfo user);
  // A new random bearer token for `user`.
  std::string issue(UserInfo user);
  std::optional<UserInfo> find(const std::string& token) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, UserInfo> tokens_;
  std::random_device random_;
};

class RbacAuthorizer {
 public:
  RbacAuthorizer(const ResourceCatalog& catalog, const ObjectStore& store)
      : catalog_(catalog), store_(store) {}

  // Members of system:masters may do anything; everyone else needs a matching rule.
  AccessDecision authorize(const UserInfo& user, const AccessAttributes& attributes) const;

 private:
  const ResourceCatalog& catalog_;
  const ObjectStore& store_;
};

// The real API server's 403 message, e.g. `pods "p" is forbidden: User "bob" cannot get
// resource "pods" in API group "" in the namespace "demo"`.
std::string forbidden_message(const UserInfo& user, const AccessAttributes& attributes);

}  // namespace pd::fake_k8s
