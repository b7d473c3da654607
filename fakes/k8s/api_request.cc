#include "fakes/k8s/api_request.h"

#include <vector>

namespace pd::fake_k8s {

std::optional<ResourcePath> parse_resource_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (slash > start) parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  ResourcePath out;
  size_t at;
  if (parts.size() >= 2 && parts[0] == "api") {
    out.version = parts[1];
    at = 2;
  } else if (parts.size() >= 3 && parts[0] == "apis") {
    out.group = parts[1];
    out.version = parts[2];
    at = 3;
  } else {
    return std::nullopt;
  }
  std::vector<std::string> rest(parts.begin() + static_cast<long>(at), parts.end());
  if (rest.size() >= 3 && rest[0] == "namespaces" && rest[2] != "status" && rest[2] != "finalize") {
    out.namespace_name = rest[1];
    rest.erase(rest.begin(), rest.begin() + 2);
  }
  if (!rest.empty()) out.plural = rest[0];
  if (rest.size() >= 2) out.name = rest[1];
  if (rest.size() >= 3) out.subresource = rest[2];
  for (size_t i = 3; i < rest.size(); ++i) out.rest += "/" + rest[i];
  if (rest.size() >= 3 && !path.empty() && path.back() == '/') out.rest += "/";
  return out;
}

std::string request_verb(const std::string& method, const ResourcePath& path, bool watch) {
  bool collection = path.name.empty();
  if (method == "GET" || method == "HEAD") return collection ? (watch ? "watch" : "list") : "get";
  if (method == "POST") return "create";
  if (method == "PUT") return "update";
  if (method == "PATCH") return "patch";
  if (method == "DELETE") return collection ? "deletecollection" : "delete";
  return "";
}

}  // namespace pd::fake_k8s
