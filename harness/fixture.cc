#include "harness/fixture.h"

#include <algorithm>

#include "engine/exec/data_files.h"
#include "engine/util/base64.h"
#include "engine/util/file_io.h"

namespace pd::harness {
namespace {

using Json = nlohmann::json;

Result<FetchMock> parse_mock(const Json& entry, const std::string& where) {
  if (!entry.is_object() || !entry.contains("request") || !entry["request"].is_object()) {
    return invalid_argument(where + ": a fetch mock needs {\"request\": {...}, \"response\": {...}}");
  }
  FetchMock mock;
  const Json& request = entry["request"];
  mock.method = request.value("method", "");
  std::transform(mock.method.begin(), mock.method.end(), mock.method.begin(), ::toupper);
  mock.url = request.value("url", "");
  mock.service = request.value("service", "");
  mock.path = request.value("path", "");
  if (mock.url.empty() && mock.service.empty()) {
    return invalid_argument(where + ".request: needs \"url\" or \"service\" (+ \"path\")");
  }
  mock.headers = request.value("headers", Json::object());
  mock.json_body = request.value("json", Json());
  const Json& response = entry.value("response", Json::object());
  mock.status = response.value("status", 200);
  mock.response_headers = response.value("headers", Json::object());
  if (response.contains("json")) mock.json = response["json"];
  mock.body = response.value("body", "");
  mock.times = entry.value("times", -1);
  return mock;
}

// A `fetch` list; `field` names it in errors (e.g. `file: fetch`).
Result<std::vector<FetchMock>> parse_mocks(const Json& list, const std::string& field) {
  if (!list.is_array()) return invalid_argument(field + ": must be a list of mocks");
  std::vector<FetchMock> mocks;
  for (size_t i = 0; i < list.size(); ++i) {
    Result<FetchMock> mock = parse_mock(list[i], field + "[" + std::to_string(i) + "]");
    if (!mock.is_ok()) return mock.status();
    mocks.push_back(mock.value());
  }
  return mocks;
}

// A list of RBAC PolicyRules: objects with `verbs` (and the other fields the API server checks).
Status check_rules(const Json& rules, const std::string& field) {
  if (!rules.is_array()) return invalid_argument(field + ": must be a list of PolicyRules");
  for (size_t i = 0; i < rules.size(); ++i) {
    if (!rules[i].is_object() || !rules[i].contains("verbs") || !rules[i]["verbs"].is_array()) {
      return invalid_argument(field + "[" + std::to_string(i) +
                              "]: a PolicyRule needs \"verbs\" (and apiGroups/resources or nonResourceURLs)");
    }
  }
  return Status::ok();
}

Result<KubeFixture> parse_k8s(const Json& k8s, const std::string& where) {
  if (!k8s.is_object()) return invalid_argument(where + ": `k8s` must be {\"objects\": [...], \"serviceAccount\": {...}}");
  KubeFixture out;
  const Json objects = k8s.value("objects", Json::array());
  if (!objects.is_array()) return invalid_argument(where + ": k8s.objects must be a list of Kubernetes objects");
  for (size_t i = 0; i < objects.size(); ++i) {
    const Json& object = objects[i];
    std::string field = where + ": k8s.objects[" + std::to_string(i) + "]";
    if (!object.is_object() || !object.contains("apiVersion") || !object["apiVersion"].is_string() ||
        !object.contains("kind") || !object["kind"].is_string() || !object.contains("metadata") ||
        !object["metadata"].is_object() || !object["metadata"].contains("name") ||
        !object["metadata"]["name"].is_string()) {
      return invalid_argument(field + ": needs string apiVersion, kind and metadata.name");
    }
    out.objects.push_back(object);
  }
  if (k8s.contains("serviceAccount")) {
    const Json& sa = k8s["serviceAccount"];
    std::string field = where + ": k8s.serviceAccount";
    if (!sa.is_object()) return invalid_argument(field + ": must be {\"namespace\", \"name\", \"rules\", \"clusterRules\"}");
    ServiceAccountIdentity identity;
    for (const char* key : {"namespace", "name"}) {
      if (sa.contains(key) && !sa[key].is_string()) return invalid_argument(field + "." + key + ": must be a string");
    }
    identity.namespace_name = sa.value("namespace", identity.namespace_name);
    identity.name = sa.value("name", identity.name);
    identity.rules = sa.value("rules", Json::array());
    identity.cluster_rules = sa.value("clusterRules", Json::array());
    Status rules = check_rules(identity.rules, field + ".rules");
    if (!rules.is_ok()) return rules;
    Status cluster_rules = check_rules(identity.cluster_rules, field + ".clusterRules");
    if (!cluster_rules.is_ok()) return cluster_rules;
    out.service_account = identity;
  }
  for (auto it = k8s.begin(); it != k8s.end(); ++it) {
    if (it.key() != "objects" && it.key() != "serviceAccount") {
      return invalid_argument(where + ": k8s." + it.key() + ": unknown field (objects, serviceAccount)");
    }
  }
  return out;
}

// The scalar fields' types, so a wrong one is an error naming it rather than a JSON exception.
Status check_scalar_fields(const Json& doc, const std::string& where) {
  for (const char* key : {"match", "expectError", "now"}) {
    if (doc.contains(key) && !doc[key].is_string()) return invalid_argument(where + ": `" + key + "` must be a string");
  }
  for (const char* key : {"live", "allowLeaks"}) {
    if (doc.contains(key) && !doc[key].is_boolean()) return invalid_argument(where + ": `" + key + "` must be true or false");
  }
  for (const char* key : {"config", "secrets", "env"}) {
    if (doc.contains(key) && !doc[key].is_object()) return invalid_argument(where + ": `" + key + "` must be an object");
  }
  if (doc.contains("match") && doc["match"] != "subset" && doc["match"] != "exact") {
    return invalid_argument(where + ": `match` must be \"subset\" or \"exact\"");
  }
  if (doc.contains("random") && !(doc["random"].is_number_integer() && doc["random"].get<int64_t>() >= 0)) {
    return invalid_argument(where + ": `random` must be a non-negative integer seed");
  }
  return Status::ok();
}

}  // namespace

Result<Fixture> load_fixture(const std::filesystem::path& file, const std::string& node,
                             const std::string& case_name) {
  Result<std::string> text = read_text_file(file);
  if (!text.is_ok()) return text.status();
  Result<Json> parsed = exec::parse_data_text(text.value(), file.string());
  if (!parsed.is_ok()) return parsed.status();
  if (!parsed.value().is_object()) return invalid_argument(file.string() + ": a fixture must be an object");
  Status scalars = check_scalar_fields(parsed.value(), file.string());
  if (!scalars.is_ok()) return scalars;
  Fixture fixture;
  fixture.file = file;
  fixture.node = node;
  fixture.case_name = case_name;
  fixture.document = parsed.value();
  const Json& doc = fixture.document;
  if (doc.contains("input") && !doc["input"].is_null()) {
    fixture.input = doc["input"];
    if (file.extension() == ".json") {
      nlohmann::ordered_json ordered = nlohmann::ordered_json::parse(text.value(), nullptr, false);
      if (ordered.is_object() && ordered.contains("input")) fixture.input_text = ordered["input"].dump();
    }
  }
  if (doc.contains("expected")) fixture.expected = doc["expected"];
  fixture.subset = doc.value("match", "") == "subset";
  fixture.expect_error = doc.value("expectError", "");
  fixture.config = doc.value("config", Json::object());
  fixture.secrets = doc.value("secrets", Json::object());
  Json env = doc.value("env", Json::object());
  for (const auto& [key, value] : env.items()) {
    fixture.env[key] = value.is_string() ? value.get<std::string>() : value.dump();
  }
  if (doc.contains("fetch")) {
    Result<std::vector<FetchMock>> mocks = parse_mocks(doc["fetch"], file.string() + ": fetch");
    if (!mocks.is_ok()) return mocks.status();
    fixture.fetch = std::move(mocks).value();
  }
  fixture.now = doc.value("now", "");
  if (doc.contains("random")) fixture.random = doc["random"].get<uint64_t>();
  const std::string where = file.string();
  if (doc.contains("files")) {
    if (!doc["files"].is_object()) return invalid_argument(where + ": `files` must map paths to contents");
    for (auto it = doc["files"].begin(); it != doc["files"].end(); ++it) {
      const Json& value = it.value();
      FixtureFile entry;
      std::string field = where + ": files[\"" + it.key() + "\"]";
      if (value.is_string()) {
        entry.content = value.get<std::string>();
      } else if (value.is_object() && value.contains("base64") && value["base64"].is_string()) {
        std::optional<std::string> bytes = base64_decode(value["base64"].get<std::string>());
        if (!bytes) return invalid_argument(field + ".base64: not valid base64");
        entry.content = *bytes;
      } else if (value.is_object() && value.contains("symlink") && value["symlink"].is_string()) {
        entry.symlink = value["symlink"].get<std::string>();
      } else if (value.is_object() && value.value("passthrough", false)) {
        entry.passthrough = true;
      } else {
        return invalid_argument(field + ": expected text, {\"base64\": …}, {\"symlink\": …} or {\"passthrough\": true}");
      }
      fixture.files[it.key()] = entry;
    }
  }
  if (doc.contains("modules")) {
    if (!doc["modules"].is_object()) return invalid_argument(where + ": `modules` must map import specifiers to mocks");
    for (auto it = doc["modules"].begin(); it != doc["modules"].end(); ++it) {
      const Json& value = it.value();
      std::string field = where + ": modules[\"" + it.key() + "\"]";
      if (value.is_object() && value.contains("source") && value["source"].is_string()) {
        fixture.modules[it.key()] = value["source"].get<std::string>();
      } else if (value.is_object() && value.contains("path") && value["path"].is_string()) {
        std::filesystem::path mock = file.parent_path() / value["path"].get<std::string>();
        Result<std::string> source = read_text_file(mock);
        if (!source.is_ok()) return Status(source.status().code(), field + ".path: " + source.status().message());
        fixture.modules[it.key()] = source.value();
      } else {
        return invalid_argument(field + ": expected {\"source\": \"…\"} or {\"path\": \"file relative to the fixture\"}");
      }
    }
  }
  if (doc.contains("k8s")) {
    Result<KubeFixture> k8s = parse_k8s(doc["k8s"], where);
    if (!k8s.is_ok()) return k8s.status();
    fixture.k8s = std::move(k8s).value();
  }
  fixture.live = doc.value("live", false);
  fixture.allow_leaks = doc.value("allowLeaks", false);
  if (doc.contains("nodes")) {
    if (!doc["nodes"].is_object()) {
      return invalid_argument(where + ": `nodes` must map node names to {\"output\": …}, {\"error\": \"…\"} or overrides {\"fetch\", \"config\", \"secrets\"}");
    }
    for (auto it = doc["nodes"].begin(); it != doc["nodes"].end(); ++it) {
      const Json& entry = it.value();
      std::string field = where + ": nodes[\"" + it.key() + "\"]";
      bool overrides = entry.is_object() && (entry.contains("fetch") || entry.contains("config") || entry.contains("secrets"));
      bool stub = entry.is_object() && (entry.contains("output") || entry.contains("error"));
      if (overrides && stub) {
        return invalid_argument(field + ": either a stub ({\"output\"} or {\"error\"}) or overrides ({\"fetch\", \"config\", \"secrets\"}), not both");
      }
      Fixture::NodeFixture& node = fixture.nodes[it.key()];
      if (overrides) {
        for (const char* key : {"config", "secrets"}) {
          if (entry.contains(key) && !entry[key].is_object()) return invalid_argument(field + "." + key + ": must be an object");
        }
        node.config = entry.value("config", Json::object());
        node.secrets = entry.value("secrets", Json::object());
        if (entry.contains("fetch")) {
          Result<std::vector<FetchMock>> mocks = parse_mocks(entry["fetch"], field + ".fetch");
          if (!mocks.is_ok()) return mocks.status();
          node.fetch = std::move(mocks).value();
        }
      } else if (entry.is_object() && entry.contains("output")) {
        node.output = entry["output"];
      } else if (entry.is_object() && entry.contains("error") && entry["error"].is_string()) {
        node.error = entry["error"].get<std::string>();
      } else {
        return invalid_argument(field + ": expected {\"output\": …}, {\"error\": \"message\"} or overrides {\"fetch\", \"config\", \"secrets\"}");
      }
    }
  }
  if (doc.contains("logs")) {
    if (!doc["logs"].is_array()) return invalid_argument(where + ": `logs` must be a list of {level, message}");
    for (size_t i = 0; i < doc["logs"].size(); ++i) {
      const Json& entry = doc["logs"][i];
      if (!entry.is_object() || !entry.contains("message") || !entry["message"].is_string()) {
        return invalid_argument(where + ": logs[" + std::to_string(i) + "]: expected {\"level\": \"info\", \"message\": \"substring\"}");
      }
      fixture.logs.push_back({entry.value("level", ""), entry["message"].get<std::string>()});
    }
  }
  return fixture;
}

Result<std::vector<Fixture>> load_node_fixtures(const std::filesystem::path& dir,
                                                const std::string& node) {
  std::vector<Fixture> out;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return out;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const std::filesystem::path& file : files) {
    std::string name = file.filename().string();
    std::string ext = file.extension().string();
    if (ext != ".json" && ext != ".yaml" && ext != ".yml") continue;
    std::string stem = name.substr(0, name.size() - ext.size());
    std::string case_name;
    if (stem == node) {
      case_name = "";
    } else if (stem.starts_with(node + ".") && stem.find('.', node.size() + 1) == std::string::npos) {
      case_name = stem.substr(node.size() + 1);
    } else {
      continue;
    }
    Result<Fixture> fixture = load_fixture(file, node, case_name);
    if (!fixture.is_ok()) return fixture.status();
    out.push_back(std::move(fixture).value());
  }
  return out;
}

}  // namespace pd::harness
