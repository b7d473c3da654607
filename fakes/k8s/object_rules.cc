#include "fakes/k8s/object_rules.h"

#include <regex>

#include "engine/util/base64.h"

namespace pd::fake_k8s {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxDataBytes = 1024 * 1024;

bool is_dns1123_subdomain(const std::string& name) {
  static const std::regex kSubdomain(
      R"(^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$)");
  return name.size() <= 253 && std::regex_match(name, kSubdomain);
}

bool is_dns1123_label(const std::string& name) {
  static const std::regex kLabel("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  return name.size() <= 63 && std::regex_match(name, kLabel);
}

bool is_config_key(const std::string& key) {
  static const std::regex kKey("^[-._a-zA-Z0-9]+$");
  return key.size() <= 253 && std::regex_match(key, kKey);
}

void check_name(const ResourceType& type, const std::string& name, std::vector<FieldCause>& out) {
  bool label_only = type.kind == "Namespace" || type.kind == "Service";
  if (label_only ? is_dns1123_label(name) : is_dns1123_subdomain(name)) return;
  std::string rule =
      label_only
          ? "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
            "'-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
            "'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
          : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
            "'-' or '.', and must start and end with an alphanumeric character (e.g. "
            "'example.com', regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  out.push_back({"FieldValueInvalid", "Invalid value: \"" + name + "\": " + rule, "metadata.name"});
}

void check_data_keys(const Json& object, const char* field, std::vector<FieldCause>& out) {
  if (!object.contains(field) || !object[field].is_object()) return;
  for (const auto& [key, value] : object[field].items()) {
    if (!is_config_key(key)) {
      out.push_back({"FieldValueInvalid",
                     "Invalid value: \"" + key +
                         "\": a valid config key must consist of alphanumeric characters, '-', "
                         "'_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex "
                         "used for validation is '[-._a-zA-Z0-9]+')",
                     std::string(field) + "[" + key + "]"});
    }
    if (!value.is_string()) {
      out.push_back({"FieldValueInvalid", "Invalid value: expected a string",
                     std::string(field) + "[" + key + "]"});
    }
  }
}

size_t data_size(const Json& object) {
  size_t total = 0;
  for (const char* field : {"data", "binaryData"}) {
    if (!object.contains(field) || !object[field].is_object()) continue;
    for (const auto& [key, value] : object[field].items()) {
      total += key.size() + (value.is_string() ? value.get_ref<const std::string&>().size() : 0);
    }
  }
  return total;
}

void check_immutable(const Json& object, const Json& old, std::vector<FieldCause>& out) {
  if (!old.value("immutable", false)) return;
  const std::string message = "Forbidden: field is immutable when `immutable` is set";
  if (!object.value("immutable", false)) {
    out.push_back({"FieldValueForbidden", message, "immutable"});
  }
  for (const char* field : {"data", "binaryData"}) {
    Json before = old.contains(field) ? old[field] : Json::object();
    Json after = object.contains(field) ? object[field] : Json::object();
    if (before != after) out.push_back({"FieldValueForbidden", message, field});
  }
}

}  // namespace

void apply_create_defaults(const ResourceType& type, Json& object, const std::string& uid,
                           const std::string& now) {
  Json& metadata = object["metadata"];
  metadata["uid"] = uid;
  metadata["creationTimestamp"] = now;
  metadata.erase("resourceVersion");
  metadata.erase("deletionTimestamp");
  if (type.has_spec_generation) metadata["generation"] = 1;
  if (type.kind == "Namespace") {
    object["spec"] = {{"finalizers", {"kubernetes"}}};
    object["status"] = {{"phase", "Active"}};
  }
}

void normalize_object(const ResourceType& type, Json& object) {
  object["apiVersion"] = type.api_version();
  object["kind"] = type.kind;
  if (type.kind != "Secret") return;
  if (object.contains("stringData") && object["stringData"].is_object()) {
    for (const auto& [key, value] : object["stringData"].items()) {
      if (value.is_string()) object["data"][key] = pd::base64_encode(value.get<std::string>());
    }
    object.erase("stringData");
  }
  if (!object.contains("type") || object["type"] == "") object["type"] = "Opaque";
}

std::vector<FieldCause> validate_object(const ResourceType& type, const Json& object,
                                        const Json* old) {
  std::vector<FieldCause> causes;
  const Json& metadata = object.contains("metadata") ? object["metadata"] : Json::object();
  std::string name = metadata.value("name", std::string());
  if (name.empty()) {
    causes.push_back({"FieldValueRequired", "Required value: name or generateName is required",
                      "metadata.name"});
  } else {
    check_name(type, name, causes);
  }
  if (type.kind == "ConfigMap" || type.kind == "Secret") {
    check_data_keys(object, "data", causes);
    check_data_keys(object, "binaryData", causes);
    if (type.kind == "Secret" && object.contains("data") && object["data"].is_object()) {
      for (const auto& [key, value] : object["data"].items()) {
        if (value.is_string() && !base64_decode(value.get<std::string>())) {
          causes.push_back(
              {"FieldValueInvalid", "Invalid value: illegal base64 data", "data[" + key + "]"});
        }
      }
    }
    if (data_size(object) > kMaxDataBytes) {
      causes.push_back({"FieldValueTooLong", "Too long: must have at most 1048576 bytes", "[]"});
    }
    if (old != nullptr) check_immutable(object, *old, causes);
    if (type.kind == "Secret" && old != nullptr &&
        old->value("type", "") != object.value("type", "")) {
      causes.push_back({"FieldValueInvalid",
                        "Invalid value: \"" + object.value("type", "") + "\": field is immutable",
                        "type"});
    }
  }
  if (type.kind == "Deployment" || type.kind == "ReplicaSet") {
    const Json spec = object.value("spec", Json::object());
    if (!spec.contains("selector")) {
      causes.push_back({"FieldValueRequired", "Required value", "spec.selector"});
    }
    if (!spec.contains("template")) {
      causes.push_back({"FieldValueRequired", "Required value", "spec.template"});
    }
  }
  return causes;
}

void carry_over_on_update(const ResourceType& type, const Json& old, Json& updated) {
  Json& metadata = updated["metadata"];
  const Json& old_metadata = old["metadata"];
  for (const char* field : {"uid", "creationTimestamp"}) {
    if (old_metadata.contains(field)) metadata[field] = old_metadata[field];
  }
  bool has_status_subresource = false;
  for (const std::string& sub : type.subresources) has_status_subresource |= sub == "status";
  if (has_status_subresource && type.kind != "Namespace") {
    if (old.contains("status")) {
      updated["status"] = old["status"];
    } else {
      updated.erase("status");
    }
  }
  if (type.has_spec_generation) {
    long long generation = old_metadata.value("generation", 1LL);
    bool spec_changed = old.value("spec", Json()) != updated.value("spec", Json());
    metadata["generation"] = spec_changed ? generation + 1 : generation;
  }
}

bool same_content(const Json& a, const Json& b) {
  Json x = a, y = b;
  for (Json* object : {&x, &y}) {
    if (object->contains("metadata")) {
      (*object)["metadata"].erase("resourceVersion");
      (*object)["metadata"].erase("managedFields");
    }
  }
  return x == y;
}

}  // namespace pd::fake_k8s
