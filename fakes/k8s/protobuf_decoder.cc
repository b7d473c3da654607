#include "fakes/k8s/protobuf_decoder.h"

#include <functional>
#include <map>

#include "engine/util/base64.h"

namespace pd::fake_k8s {
namespace {

using Json = nlohmann::json;

// A cursor over protobuf wire format; `ok` turns false on malformed input.
class WireReader {
 public:
  explicit WireReader(std::string_view data) : data_(data) {}

  bool done() const { return pos_ >= data_.size() || !ok_; }
  bool ok() const { return ok_; }

  // Reads the next field header; false at the end.
  bool next(int& field, int& wire_type) {
    if (done()) return false;
    uint64_t key = varint();
    field = static_cast<int>(key >> 3);
    wire_type = static_cast<int>(key & 7);
    return ok_;
  }

  uint64_t varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) break;
      uint8_t byte = static_cast<uint8_t>(data_[pos_++]);
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    ok_ = false;
    return 0;
  }

  std::string_view bytes() {
    uint64_t length = varint();
    if (!ok_ || length > data_.size() - pos_) {
      ok_ = false;
      return {};
    }
    std::string_view out = data_.substr(pos_, length);
    pos_ += length;
    return out;
  }

  void skip(int wire_type) {
    switch (wire_type) {
      case 0:
        varint();
        break;
      case 1:
        pos_ += 8;
        break;
      case 2:
        bytes();
        break;
      case 5:
        pos_ += 4;
        break;
      default:
        ok_ = false;
    }
    if (pos_ > data_.size()) ok_ = false;
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// How to decode one message: per field number, a handler given the reader and wire type.
using FieldHandler = std::function<void(WireReader&, Json&)>;
using MessageSpec = std::map<int, FieldHandler>;

bool decode_message(std::string_view data, const MessageSpec& spec, Json& out) {
  WireReader reader(data);
  int field = 0, wire = 0;
  while (reader.next(field, wire)) {
    auto it = spec.find(field);
    if (it == spec.end() || (wire != 2 && wire != 0)) {
      reader.skip(wire);
      continue;
    }
    it->second(reader, out);
  }
  return reader.ok();
}

// Field handlers. Empty strings are how proto3-style encoders write "unset": they are dropped.
FieldHandler string_field(const char* name) {
  return [name](WireReader& r, Json& out) {
    std::string_view value = r.bytes();
    if (!value.empty()) out[name] = std::string(value);
  };
}
FieldHandler repeated_string(const char* name) {
  return [name](WireReader& r, Json& out) { out[name].push_back(std::string(r.bytes())); };
}
FieldHandler bool_field(const char* name) {
  return [name](WireReader& r, Json& out) { out[name] = r.varint() != 0; };
}
FieldHandler int_field(const char* name) {
  return [name](WireReader& r, Json& out) {
    uint64_t value = r.varint();
    if (value != 0) out[name] = value;
  };
}
// map<string,string> (or bytes, base64-encoded for JSON) entries: key=1, value=2.
FieldHandler map_field(const char* name, bool bytes_values) {
  return [name, bytes_values](WireReader& r, Json& out) {
    Json entry = Json::object();
    decode_message(r.bytes(),
                   {{1, string_field("k")},
                    {2, [](WireReader& rr, Json& e) { e["v"] = std::string(rr.bytes()); }}},
                   entry);
    std::string value = entry.value("v", std::string());
    out[name][entry.value("k", std::string())] = bytes_values ? base64_encode(value) : value;
  };
}
FieldHandler message_field(const char* name, MessageSpec spec) {
  return [name, spec = std::move(spec)](WireReader& r, Json& out) {
    Json inner = Json::object();
    decode_message(r.bytes(), spec, inner);
    out[name] = inner;
  };
}
FieldHandler repeated_message(const char* name, MessageSpec spec) {
  return [name, spec = std::move(spec)](WireReader& r, Json& out) {
    Json inner = Json::object();
    decode_message(r.bytes(), spec, inner);
    out[name].push_back(inner);
  };
}

MessageSpec object_meta() {
  return {{1, string_field("name")},
          {2, string_field("generateName")},
          {3, string_field("namespace")},
          {5, string_field("uid")},
          {6, string_field("resourceVersion")},
          {7, int_field("generation")},
          {11, map_field("labels", false)},
          {12, map_field("annotations", false)},
          {14, repeated_string("finalizers")}};
}

MessageSpec policy_rule() {
  return {{1, repeated_string("verbs")},
          {2, repeated_string("apiGroups")},
          {3, repeated_string("resources")},
          {4, repeated_string("resourceNames")},
          {5, repeated_string("nonResourceURLs")}};
}

MessageSpec binding() {
  return {{1, message_field("metadata", object_meta())},
          {2, repeated_message("subjects", {{1, string_field("kind")},
                                            {2, string_field("apiGroup")},
                                            {3, string_field("name")},
                                            {4, string_field("namespace")}})},
          {3, message_field("roleRef", {{1, string_field("apiGroup")},
                                        {2, string_field("kind")},
                                        {3, string_field("name")}})}};
}

// Per kind ("<apiVersion>/<kind>"), the message layout from k8s.io/api's generated.proto.
const MessageSpec* spec_for(const std::string& api_version, const std::string& kind) {
  static const std::map<std::string, MessageSpec> kSpecs = {
      {"v1/Namespace",
       {{1, message_field("metadata", object_meta())},
        {2, message_field("spec", {{1, repeated_string("finalizers")}})},
        {3, message_field("status", {{1, string_field("phase")}})}}},
      {"v1/ConfigMap",
       {{1, message_field("metadata", object_meta())},
        {2, map_field("data", false)},
        {3, map_field("binaryData", true)},
        {4, bool_field("immutable")}}},
      {"v1/Secret",
       {{1, message_field("metadata", object_meta())},
        {2, map_field("data", true)},
        {3, string_field("type")},
        {4, map_field("stringData", false)},
        {5, bool_field("immutable")}}},
      {"v1/ServiceAccount",
       {{1, message_field("metadata", object_meta())},
        {4, bool_field("automountServiceAccountToken")}}},
      {"rbac.authorization.k8s.io/v1/Role",
       {{1, message_field("metadata", object_meta())},
        {2, repeated_message("rules", policy_rule())}}},
      {"rbac.authorization.k8s.io/v1/ClusterRole",
       {{1, message_field("metadata", object_meta())},
        {2, repeated_message("rules", policy_rule())}}},
      {"rbac.authorization.k8s.io/v1/RoleBinding", binding()},
      {"rbac.authorization.k8s.io/v1/ClusterRoleBinding", binding()},
      {"authorization.k8s.io/v1/SelfSubjectAccessReview",
       {{1, message_field("metadata", object_meta())},
        {2,
         message_field(
             "spec", {{1, message_field("resourceAttributes", {{1, string_field("namespace")},
                                                               {2, string_field("verb")},
                                                               {3, string_field("group")},
                                                               {4, string_field("version")},
                                                               {5, string_field("resource")},
                                                               {6, string_field("subresource")},
                                                               {7, string_field("name")}})},
                      {2, message_field("nonResourceAttributes", {{1, string_field("path")},
                                                                  {2, string_field("verb")}})}})}}},
  };
  auto it = kSpecs.find(api_version + "/" + kind);
  return it == kSpecs.end() ? nullptr : &it->second;
}

}  // namespace

Result<Json> decode_protobuf_object(std::string_view body) {
  static constexpr std::string_view kMagic("k8s\0", 4);
  if (!body.starts_with(kMagic)) {
    return invalid_argument("the protobuf body does not start with the Kubernetes magic k8s\\0");
  }
  // runtime.Unknown: 1 typeMeta {1 apiVersion, 2 kind}, 2 raw (the serialized object).
  WireReader envelope(body.substr(4));
  Json type_meta = Json::object();
  std::string_view raw;
  int field = 0, wire = 0;
  while (envelope.next(field, wire)) {
    if (field == 1 && wire == 2) {
      decode_message(envelope.bytes(), {{1, string_field("apiVersion")}, {2, string_field("kind")}},
                     type_meta);
    } else if (field == 2 && wire == 2) {
      raw = envelope.bytes();
    } else {
      envelope.skip(wire);
    }
  }
  std::string api_version = type_meta.value("apiVersion", std::string());
  std::string kind = type_meta.value("kind", std::string());
  if (!envelope.ok() || kind.empty()) return invalid_argument("malformed protobuf body");
  const MessageSpec* spec = spec_for(api_version, kind);
  if (spec == nullptr) {
    return failed_precondition("the fake API server cannot decode protobuf bodies of kind " +
                               api_version + "/" + kind +
                               "; send JSON (Content-Type: "
                               "application/json) instead");
  }
  Json object = Json::object();
  if (!decode_message(raw, *spec, object)) return invalid_argument("malformed protobuf body");
  object["apiVersion"] = api_version;
  object["kind"] = kind;
  return object;
}

}  // namespace pd::fake_k8s
