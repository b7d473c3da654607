#include "fakes/k8s/patches.h"

#include <algorithm>

namespace pd::fake_k8s {
namespace {

using Json = nlohmann::json;

// The merge key of a list field, by the field's name and its parent's name; "" means the list
// is replaced as a whole. Taken from the Kubernetes types for the fields our objects use.
std::string merge_key(const std::string& field, const std::string& parent) {
  if (field == "containers" || field == "initContainers" || field == "ephemeralContainers" ||
      field == "env" || field == "volumes" || field == "imagePullSecrets") {
    return "name";
  }
  if (field == "volumeMounts" || field == "volumeDevices") return "mountPath";
  if (field == "ports") return parent == "spec" ? "port" : "containerPort";
  if (field == "conditions") return "type";
  if (field == "ownerReferences") return "uid";
  if (field == "hostAliases") return "ip";
  return "";
}

bool is_primitive_set(const std::string& field) { return field == "finalizers"; }

Json merge_map(const Json& target, const Json& patch, const std::string& self_name);

// Merges list `patch` into list `target` by `key`; items carrying `$patch: delete` are removed.
Json merge_list_by_key(const Json& target, const Json& patch, const std::string& key,
                       const std::string& field) {
  Json result = target.is_array() ? target : Json::array();
  for (const Json& item : patch) {
    if (!item.is_object() || !item.contains(key)) {
      result.push_back(item);
      continue;
    }
    auto existing = std::find_if(result.begin(), result.end(), [&](const Json& candidate) {
      return candidate.is_object() && candidate.contains(key) && candidate[key] == item[key];
    });
    bool remove = item.contains("$patch") && item["$patch"] == "delete";
    if (remove) {
      if (existing != result.end()) result.erase(existing);
      continue;
    }
    if (existing != result.end()) {
      *existing = merge_map(*existing, item, field);
    } else {
      result.push_back(merge_map(Json::object(), item, field));
    }
  }
  return result;
}

Json merge_value(const Json& target, const Json& patch, const std::string& field,
                 const std::string& parent) {
  if (patch.is_object()) {
    return merge_map(target.is_object() ? target : Json::object(), patch, field);
  }
  if (patch.is_array()) {
    std::string key = merge_key(field, parent);
    if (!key.empty()) return merge_list_by_key(target, patch, key, field);
    if (is_primitive_set(field) && target.is_array()) {
      Json result = target;
      for (const Json& item : patch) {
        if (std::find(result.begin(), result.end(), item) == result.end()) result.push_back(item);
      }
      return result;
    }
  }
  return patch;
}

Json merge_map(const Json& target, const Json& patch, const std::string& self_name) {
  if (patch.contains("$patch")) {
    const Json& directive = patch["$patch"];
    if (directive == "replace") {
      Json replaced = patch;
      replaced.erase("$patch");
      return replaced;
    }
    if (directive == "delete") return Json::object();
  }
  Json result = target;
  std::vector<std::string> retain;
  if (patch.contains("$retainKeys") && patch["$retainKeys"].is_array()) {
    for (const Json& key : patch["$retainKeys"]) retain.push_back(key.get<std::string>());
  }
  for (const auto& [key, value] : patch.items()) {
    if (key == "$patch" || key == "$retainKeys" || key.starts_with("$setElementOrder/")) continue;
    if (key.starts_with("$deleteFromPrimitiveList/")) {
      std::string list = key.substr(std::string("$deleteFromPrimitiveList/").size());
      if (result.contains(list) && result[list].is_array()) {
        Json kept = Json::array();
        for (const Json& item : result[list]) {
          if (std::find(value.begin(), value.end(), item) == value.end()) kept.push_back(item);
        }
        result[list] = kept;
      }
      continue;
    }
    if (value.is_null()) {
      result.erase(key);
      continue;
    }
    result[key] = merge_value(result.contains(key) ? result[key] : Json(), value, key, self_name);
  }
  if (!retain.empty()) {
    for (auto it = result.begin(); it != result.end();) {
      if (std::find(retain.begin(), retain.end(), it.key()) == retain.end()) {
        it = result.erase(it);
      } else {
        ++it;
      }
    }
  }
  return result;
}

}  // namespace

std::optional<PatchType> patch_type_from_content_type(std::string_view content_type) {
  std::string_view base = content_type.substr(0, content_type.find(';'));
  if (base == "application/json-patch+json") return PatchType::kJson;
  if (base == "application/merge-patch+json") return PatchType::kMerge;
  if (base == "application/strategic-merge-patch+json") return PatchType::kStrategic;
  if (base == "application/apply-patch+yaml") return PatchType::kApply;
  return std::nullopt;
}

Json strategic_merge(const Json& target, const Json& patch) {
  if (!patch.is_object()) return patch;
  return merge_map(target.is_object() ? target : Json::object(), patch, "");
}

Result<Json> apply_patch(PatchType type, const Json& target, const Json& patch) {
  switch (type) {
    case PatchType::kJson: {
      if (!patch.is_array()) {
        return invalid_argument("json patch must be a list of operations, got " +
                                std::string(patch.type_name()));
      }
      try {
        return target.patch(patch);
      } catch (const Json::exception& e) {
        std::string what = e.what();
        size_t bracket = what.find("] ");
        return invalid_argument("the JSON patch could not be applied: " +
                                (bracket == std::string::npos ? what : what.substr(bracket + 2)));
      }
    }
    case PatchType::kMerge: {
      Json result = target;
      result.merge_patch(patch);
      return result;
    }
    case PatchType::kStrategic:
    case PatchType::kApply:
      if (!patch.is_object()) {
        return invalid_argument("the patch must be a JSON object, got " +
                                std::string(patch.type_name()));
      }
      return strategic_merge(target, patch);
  }
  return internal_error("unknown patch type");
}

}  // namespace pd::fake_k8s
