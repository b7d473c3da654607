#include "engine/server/schema_validator.h"

#include <regex>

#include "engine/util/file_io.h"

namespace pd::server {
namespace {

using Json = nlohmann::json;

bool has_type(const Json& value, const std::string& type) {
  if (type == "null") return value.is_null();
  if (type == "boolean") return value.is_boolean();
  if (type == "object") return value.is_object();
  if (type == "array") return value.is_array();
  if (type == "string") return value.is_string();
  if (type == "number") return value.is_number();
  if (type == "integer") {
    return value.is_number_integer() ||
           (value.is_number_float() && value.get<double>() == static_cast<double>(static_cast<int64_t>(value.get<double>())));
  }
  return true;
}

std::string type_name(const Json& value) {
  if (value.is_number_integer()) return "integer";
  if (value.is_number()) return "number";
  if (value.is_boolean()) return "boolean";
  if (value.is_binary()) return "bytes";
  return value.type_name();
}

size_t utf8_length(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xc0) != 0x80;
  return n;
}

}  // namespace

Result<SchemaValidator> SchemaValidator::load(const std::filesystem::path& file) {
  Result<std::string> text = read_text_file(file);
  if (!text.is_ok()) return Status(text.status().code(), "schema: " + text.status().message());
  Json schema = Json::parse(text.value(), nullptr, false);
  if (schema.is_discarded()) return invalid_argument(file.string() + ": the schema is not valid JSON");
  if (!schema.is_object() && !schema.is_boolean()) {
    return invalid_argument(file.string() + ": a JSON Schema is an object (or true/false)");
  }
  return SchemaValidator(std::move(schema));
}

Status SchemaValidator::validate(const Json& value) const {
  std::string error = check(schema_, value, "$", 0);
  return error.empty() ? Status() : invalid_argument(error);
}

std::string SchemaValidator::check(const Json& schema, const Json& value, const std::string& path,
                                   int depth) const {
  if (depth > 64) return path + ": the schema nests too deeply (a $ref cycle?)";
  if (schema.is_boolean()) return schema.get<bool>() ? "" : path + ": no value is allowed here";
  if (!schema.is_object()) return "";
  if (schema.contains("$ref") && schema["$ref"].is_string()) {
    std::string ref = schema["$ref"];
    if (!ref.starts_with("#")) return path + ": only local $ref (#/…) is supported, not " + ref;
    Json::json_pointer pointer(ref.substr(1));
    if (!schema_.contains(pointer)) return path + ": $ref " + ref + " points at nothing";
    if (std::string e = check(schema_.at(pointer), value, path, depth + 1); !e.empty()) return e;
  }
  if (schema.contains("type")) {
    const Json& type = schema["type"];
    bool ok = false;
    std::string wanted;
    for (const Json& t : type.is_array() ? type : Json::array({type})) {
      if (!t.is_string()) continue;
      ok = ok || has_type(value, t);
      wanted += (wanted.empty() ? "" : " or ") + t.get<std::string>();
    }
    if (!ok) return path + ": expected " + wanted + ", got " + type_name(value);
  }
  if (schema.contains("enum") && schema["enum"].is_array()) {
    bool found = false;
    for (const Json& option : schema["enum"]) found = found || option == value;
    if (!found) return path + ": " + value.dump() + " is not one of " + schema["enum"].dump();
  }
  if (schema.contains("const") && schema["const"] != value) {
    return path + ": expected " + schema["const"].dump() + ", got " + value.dump();
  }
  if (value.is_object()) {
    for (const Json& key : schema.value("required", Json::array())) {
      if (key.is_string() && !value.contains(key.get<std::string>())) {
        return path + "." + key.get<std::string>() + ": is required";
      }
    }
    const Json properties = schema.value("properties", Json::object());
    for (auto it = value.begin(); it != value.end(); ++it) {
      std::string child = path + "." + it.key();
      if (properties.contains(it.key())) {
        if (std::string e = check(properties[it.key()], it.value(), child, depth + 1); !e.empty()) return e;
      } else if (schema.contains("additionalProperties")) {
        const Json& extra = schema["additionalProperties"];
        if (extra.is_boolean() && !extra.get<bool>()) return child + ": is not allowed (additionalProperties: false)";
        if (std::string e = check(extra, it.value(), child, depth + 1); !e.empty()) return e;
      }
    }
  }
  if (value.is_array()) {
    if (schema.contains("minItems") && value.size() < schema["minItems"].get<size_t>()) {
      return path + ": has " + std::to_string(value.size()) + " items, fewer than minItems " + schema["minItems"].dump();
    }
    if (schema.contains("maxItems") && value.size() > schema["maxItems"].get<size_t>()) {
      return path + ": has " + std::to_string(value.size()) + " items, more than maxItems " + schema["maxItems"].dump();
    }
    if (schema.contains("items") && schema["items"].is_object()) {
      for (size_t i = 0; i < value.size(); ++i) {
        std::string e = check(schema["items"], value[i], path + "[" + std::to_string(i) + "]", depth + 1);
        if (!e.empty()) return e;
      }
    }
  }
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (schema.contains("minLength") && utf8_length(text) < schema["minLength"].get<size_t>()) {
      return path + ": shorter than minLength " + schema["minLength"].dump();
    }
    if (schema.contains("maxLength") && utf8_length(text) > schema["maxLength"].get<size_t>()) {
      return path + ": longer than maxLength " + schema["maxLength"].dump();
    }
    if (schema.contains("pattern") && schema["pattern"].is_string()) {
      try {
        if (!std::regex_search(text, std::regex(schema["pattern"].get<std::string>(), std::regex::ECMAScript))) {
          return path + ": does not match pattern " + schema["pattern"].dump();
        }
      } catch (const std::regex_error&) {
        return path + ": the schema's pattern " + schema["pattern"].dump() + " is not a valid regular expression";
      }
    }
  }
  if (value.is_number()) {
    double number = value.get<double>();
    auto bound = [&](const char* key) { return schema.contains(key) && schema[key].is_number(); };
    if (bound("minimum") && number < schema["minimum"].get<double>()) return path + ": less than minimum " + schema["minimum"].dump();
    if (bound("maximum") && number > schema["maximum"].get<double>()) return path + ": more than maximum " + schema["maximum"].dump();
    if (bound("exclusiveMinimum") && number <= schema["exclusiveMinimum"].get<double>()) return path + ": not more than exclusiveMinimum " + schema["exclusiveMinimum"].dump();
    if (bound("exclusiveMaximum") && number >= schema["exclusiveMaximum"].get<double>()) return path + ": not less than exclusiveMaximum " + schema["exclusiveMaximum"].dump();
  }
  if (schema.contains("allOf") && schema["allOf"].is_array()) {
    for (const Json& part : schema["allOf"]) {
      if (std::string e = check(part, value, path, depth + 1); !e.empty()) return e;
    }
  }
  if (schema.contains("anyOf") && schema["anyOf"].is_array()) {
    std::string first;
    bool any = false;
    for (const Json& part : schema["anyOf"]) {
      std::string e = check(part, value, path, depth + 1);
      any = any || e.empty();
      if (first.empty()) first = e;
    }
    if (!any) return path + ": matches none of anyOf (first: " + first + ")";
  }
  if (schema.contains("oneOf") && schema["oneOf"].is_array()) {
    int matches = 0;
    for (const Json& part : schema["oneOf"]) matches += check(part, value, path, depth + 1).empty();
    if (matches != 1) return path + ": matches " + std::to_string(matches) + " of oneOf, expected exactly 1";
  }
  if (schema.contains("not") && check(schema["not"], value, path, depth + 1).empty()) {
    return path + ": must not match the schema under `not`";
  }
  return "";
}

}  // namespace pd::server
