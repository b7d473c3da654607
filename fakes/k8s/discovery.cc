#include "fakes/k8s/discovery.h"

#include <functional>

namespace pd::fake_k8s {
namespace {

using Json = nlohmann::json;

Json gvk(const ResourceType& t) {
  return {{"group", t.group}, {"version", t.version}, {"kind", t.kind}};
}

Json aggregated_resource(const ResourceType& t) {
  Json resource = {{"resource", t.plural},
                   {"responseKind", gvk(t)},
                   {"scope", t.namespaced ? "Namespaced" : "Cluster"},
                   {"singularResource", t.singular},
                   {"verbs", t.verbs}};
  if (!t.short_names.empty()) resource["shortNames"] = t.short_names;
  if (!t.categories.empty()) resource["categories"] = t.categories;
  Json subresources = Json::array();
  for (const std::string& sub : t.subresources) {
    Json kind = gvk(t);
    Json verbs = {"get", "patch", "update"};
    if (sub == "scale") kind = {{"group", "autoscaling"}, {"version", "v1"}, {"kind", "Scale"}};
    if (sub == "log" || sub == "proxy") {
      kind = {{"group", ""}, {"version", "v1"}, {"kind", sub == "log" ? "Pod" : "Service"}};
      verbs = sub == "log" ? Json{"get"} : Json{"create", "delete", "get", "patch", "update"};
    }
    if (sub == "token") {
      kind = {{"group", "authentication.k8s.io"}, {"version", "v1"}, {"kind", "TokenRequest"}};
      verbs = {"create"};
    }
    subresources.push_back({{"subresource", sub}, {"responseKind", kind}, {"verbs", verbs}});
  }
  if (!subresources.empty()) resource["subresources"] = subresources;
  return resource;
}

std::string gv_key(const std::string& group, const std::string& version) {
  return group.empty() ? "api/" + version : "apis/" + group + "/" + version;
}

}  // namespace

bool wants_aggregated_discovery(const std::string& accept) {
  return accept.find("g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList") != std::string::npos;
}

Json version_info() {
  return {{"major", "1"},
          {"minor", "32"},
          {"gitVersion", "v1.32.0-pd-fake"},
          {"gitCommit", "0000000000000000000000000000000000000000"},
          {"gitTreeState", "clean"},
          {"buildDate", "2026-01-01T00:00:00Z"},
          {"goVersion", "go1.23.0"},
          {"compiler", "gc"},
          {"platform", "linux/amd64"}};
}

Json aggregated_discovery(const ResourceCatalog& catalog, bool core) {
  Json items = Json::array();
  for (const auto& [group, version] : catalog.group_versions()) {
    if (group.empty() != core) continue;
    Json resources = Json::array();
    for (const ResourceType& t : catalog.types()) {
      if (t.group == group && t.version == version) resources.push_back(aggregated_resource(t));
    }
    Json item = {
        {"metadata", core ? Json::object() : Json{{"name", group}}},
        {"versions", {{{"version", version}, {"resources", resources}, {"freshness", "Current"}}}}};
    items.push_back(item);
  }
  return {{"kind", "APIGroupDiscoveryList"},
          {"apiVersion", "apidiscovery.k8s.io/v2"},
          {"metadata", Json::object()},
          {"items", items}};
}

Json legacy_api_versions() {
  return {{"kind", "APIVersions"},
          {"versions", {"v1"}},
          {"serverAddressByClientCIDRs",
           {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", "127.0.0.1"}}}}};
}

Json legacy_group_list(const ResourceCatalog& catalog) {
  Json groups = Json::array();
  for (const auto& [group, version] : catalog.group_versions()) {
    if (group.empty()) continue;
    Json gv = {{"groupVersion", group + "/" + version}, {"version", version}};
    groups.push_back({{"name", group}, {"versions", {gv}}, {"preferredVersion", gv}});
  }
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

Json legacy_resource_list(const ResourceCatalog& catalog, const std::string& group,
                          const std::string& version) {
  Json resources = Json::array();
  for (const ResourceType& t : catalog.types()) {
    if (t.group != group || t.version != version) continue;
    Json entry = {{"name", t.plural},
                  {"singularName", t.singular},
                  {"namespaced", t.namespaced},
                  {"kind", t.kind},
                  {"verbs", t.verbs}};
    if (!t.short_names.empty()) entry["shortNames"] = t.short_names;
    if (!t.categories.empty()) entry["categories"] = t.categories;
    resources.push_back(entry);
    for (const std::string& sub : t.subresources) {
      resources.push_back({{"name", t.plural + "/" + sub},
                           {"singularName", ""},
                           {"namespaced", t.namespaced},
                           {"kind", t.kind},
                           {"verbs", {"get"}}});
    }
  }
  if (resources.empty()) return nullptr;
  return {{"kind", "APIResourceList"},
          {"apiVersion", "v1"},
          {"groupVersion", group.empty() ? version : group + "/" + version},
          {"resources", resources}};
}

Json openapi_v3_root(const ResourceCatalog& catalog) {
  Json paths = Json::object();
  for (const auto& [group, version] : catalog.group_versions()) {
    std::string key = gv_key(group, version);
    std::string hash = std::to_string(
        std::hash<std::string>{}(openapi_v3_group_version(catalog, group, version).dump()));
    paths[key] = {{"serverRelativeURL", "/openapi/v3/" + key + "?hash=" + hash}};
  }
  return {{"paths", paths}};
}

Json openapi_v3_group_version(const ResourceCatalog& catalog, const std::string& group,
                              const std::string& version) {
  Json paths = Json::object();
  for (const ResourceType& t : catalog.types()) {
    if (t.group != group || t.version != version) continue;
    std::string path = "/" + gv_key(group, version) +
                       (t.namespaced ? "/namespaces/{namespace}/" : "/") + t.plural + "/{name}";
    paths[path] = {{"patch",
                    {{"x-kubernetes-group-version-kind", gvk(t)},
                     {"parameters",
                      {{{"name", "fieldValidation"}, {"in", "query"}},
                       {{"name", "fieldManager"}, {"in", "query"}}}},
                     {"responses", Json::object()}}}};
  }
  if (paths.empty()) return nullptr;
  return {{"openapi", "3.0.0"},
          {"info", {{"title", "pd-fake-cluster"}, {"version", "v1.32.0"}}},
          {"paths", paths}};
}

}  // namespace pd::fake_k8s
