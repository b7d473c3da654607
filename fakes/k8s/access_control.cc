#include "fakes/k8s/access_control.h"

#include <algorithm>

namespace pd::fake_k8s {
namespace {

using Json = nlohmann::json;

bool contains_or_star(const Json& list, const std::string& value) {
  if (!list.is_array()) return false;
  for (const Json& item : list) {
    if (item == "*" || item == value) return true;
  }
  return false;
}

bool rule_allows(const Json& rule, const AccessAttributes& a) {
  std::string resource = a.subresource.empty() ? a.resource : a.resource + "/" + a.subresource;
  if (!contains_or_star(rule.value("verbs", Json::array()), a.verb)) return false;
  if (!contains_or_star(rule.value("apiGroups", Json::array()), a.group)) return false;
  const Json resources = rule.value("resources", Json::array());
  bool resource_ok = contains_or_star(resources, resource);
  if (!resource_ok && !a.subresource.empty()) {
    resource_ok = contains_or_star(resources, a.resource + "/*") ||
                  contains_or_star(resources, "*/" + a.subresource);
  }
  if (!resource_ok) return false;
  const Json names = rule.value("resourceNames", Json::array());
  if (!names.empty() && !contains_or_star(names, a.name)) return false;
  return true;
}

bool subject_matches(const Json& subject, const UserInfo& user) {
  std::string kind = subject.value("kind", "");
  std::string name = subject.value("name", "");
  if (kind == "User") return name == user.name;
  if (kind == "Group") {
    return std::find(user.groups.begin(), user.groups.end(), name) != user.groups.end();
  }
  if (kind == "ServiceAccount") {
    return user.name == service_account_user(subject.value("namespace", ""), name).name;
  }
  return false;
}

}  // namespace

UserInfo service_account_user(const std::string& ns, const std::string& name) {
  return {"system:serviceaccount:" + ns + ":" + name,
          {"system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"}};
}

std::string TokenRegistry::issue(UserInfo user) {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string token;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (int i = 0; i < 48; ++i) token += kChars[random_() % 36];
  }
  add(token, std::move(user));
  return token;
}

void TokenRegistry::add(const std::string& token, UserInfo user) {
  std::lock_guard<std::mutex> lock(mutex_);
  tokens_[token] = std::move(user);
}

std::optional<UserInfo> TokenRegistry::find(const std::string& token) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = tokens_.find(token);
  if (it == tokens_.end()) return std::nullopt;
  return it->second;
}

AccessDecision RbacAuthorizer::authorize(const UserInfo& user, const AccessAttributes& a) const {
  if (std::find(user.groups.begin(), user.groups.end(), "system:masters") != user.groups.end()) {
    return {true, "member of system:masters"};
  }
  const ResourceType* cluster_roles =
      catalog_.find("rbac.authorization.k8s.io", "v1", "clusterroles");
  const ResourceType* roles = catalog_.find("rbac.authorization.k8s.io", "v1", "roles");
  const ResourceType* cluster_bindings =
      catalog_.find("rbac.authorization.k8s.io", "v1", "clusterrolebindings");
  const ResourceType* bindings = catalog_.find("rbac.authorization.k8s.io", "v1", "rolebindings");

  auto rules_of = [&](const Json& role_ref, const std::string& binding_ns) -> Json {
    std::string kind = role_ref.value("kind", "");
    std::string name = role_ref.value("name", "");
    std::optional<Json> role = kind == "ClusterRole" ? store_.get(*cluster_roles, "", name)
                                                     : store_.get(*roles, binding_ns, name);
    return role ? role->value("rules", Json::array()) : Json::array();
  };
  auto check = [&](const Json& binding, const std::string& binding_ns,
                   const char* binding_kind) -> std::optional<AccessDecision> {
    bool subject_ok = false;
    for (const Json& subject : binding.value("subjects", Json::array())) {
      subject_ok = subject_ok || subject_matches(subject, user);
    }
    if (!subject_ok) return std::nullopt;
    const Json role_ref = binding.value("roleRef", Json::object());
    for (const Json& rule : rules_of(role_ref, binding_ns)) {
      if (rule_allows(rule, a)) {
        return AccessDecision{true, std::string("RBAC: allowed by ") + binding_kind + " \"" +
                                        binding["metadata"].value("name", "") + "\" of " +
                                        role_ref.value("kind", "") + " \"" +
                                        role_ref.value("name", "") + "\" to User \"" + user.name +
                                        "\""};
      }
    }
    return std::nullopt;
  };
  for (const Json& binding : store_.list(*cluster_bindings, "", nullptr).items) {
    if (auto decision = check(binding, "", "ClusterRoleBinding")) return *decision;
  }
  if (!a.namespace_name.empty()) {
    for (const Json& binding : store_.list(*bindings, a.namespace_name, nullptr).items) {
      if (auto decision = check(binding, a.namespace_name, "RoleBinding")) return *decision;
    }
  }
  return {false, ""};
}

std::string forbidden_message(const UserInfo& user, const AccessAttributes& a) {
  std::string qualified = a.group.empty() ? a.resource : a.resource + "." + a.group;
  std::string resource = a.subresource.empty() ? a.resource : a.resource + "/" + a.subresource;
  std::string message = qualified + (a.name.empty() ? "" : " \"" + a.name + "\"") +
                        " is forbidden: User \"" + user.name + "\" cannot " + a.verb +
                        " resource \"" + resource + "\" in API group \"" + a.group + "\"";
  return message + (a.namespace_name.empty() ? " at the cluster scope"
                                             : " in the namespace \"" + a.namespace_name + "\"");
}

}  // namespace pd::fake_k8s
