#include "fakes/k8s/table_view.h"

#include <ctime>

namespace pd::fake_k8s {
namespace {

using Json = nlohmann::json;

struct Column {
  const char* name;
  const char* type;
  Json (*cell)(const Json& object);
};

Json str(const Json& object, std::initializer_list<const char*> path, Json fallback = "") {
  const Json* at = &object;
  for (const char* key : path) {
    if (!at->is_object() || !at->contains(key)) return fallback;
    at = &(*at)[key];
  }
  return *at;
}

Json count(const Json& object, const char* field) {
  size_t n = 0;
  if (object.contains(field) && object[field].is_object()) n += object[field].size();
  return static_cast<int>(n);
}

std::string ratio(const Json& ready, const Json& total) {
  return std::to_string(ready.is_number() ? ready.get<int>() : 0) + "/" +
         std::to_string(total.is_number() ? total.get<int>() : 0);
}

std::vector<Column> columns_for(const std::string& kind) {
  if (kind == "ConfigMap") {
    return {{"Data", "integer", [](const Json& o) {
               return Json(count(o, "data").get<int>() + count(o, "binaryData").get<int>());
             }}};
  }
  if (kind == "Secret") {
    return {{"Type", "string", [](const Json& o) { return str(o, {"type"}); }},
            {"Data", "integer", [](const Json& o) { return count(o, "data"); }}};
  }
  if (kind == "Namespace") {
    return {{"Status", "string", [](const Json& o) { return str(o, {"status", "phase"}); }}};
  }
  if (kind == "Pod") {
    return {{"Ready", "string",
             [](const Json& o) {
               int ready = 0, total = 0;
               for (const Json& c : str(o, {"status", "containerStatuses"}, Json::array())) {
                 ++total;
                 ready += c.value("ready", false) ? 1 : 0;
               }
               if (total == 0)
                 total = static_cast<int>(str(o, {"spec", "containers"}, Json::array()).size());
               return Json(std::to_string(ready) + "/" + std::to_string(total));
             }},
            {"Status", "string",
             [](const Json& o) {
               for (const Json& c : str(o, {"status", "containerStatuses"}, Json::array())) {
                 Json reason = str(c, {"state", "waiting", "reason"}, nullptr);
                 if (reason.is_string()) return reason;
               }
               return str(o, {"status", "phase"}, "Pending");
             }},
            {"Restarts", "integer", [](const Json& o) {
               int restarts = 0;
               for (const Json& c : str(o, {"status", "containerStatuses"}, Json::array())) {
                 restarts += c.value("restartCount", 0);
               }
               return Json(restarts);
             }}};
  }
  if (kind == "Deployment") {
    return {{"Ready", "string",
             [](const Json& o) {
               return Json(
                   ratio(str(o, {"status", "readyReplicas"}, 0), str(o, {"spec", "replicas"}, 1)));
             }},
            {"Up-to-date", "integer",
             [](const Json& o) {
               return str(o, {"status", "updatedReplicas"}, 0);
             }},
            {"Available", "integer", [](const Json& o) {
               return str(o, {"status", "availableReplicas"}, 0);
             }}};
  }
  if (kind == "ReplicaSet") {
    return {{"Desired", "integer",
             [](const Json& o) {
               return str(o, {"spec", "replicas"}, 1);
             }},
            {"Current", "integer",
             [](const Json& o) {
               return str(o, {"status", "replicas"}, 0);
             }},
            {"Ready", "integer", [](const Json& o) {
               return str(o, {"status", "readyReplicas"}, 0);
             }}};
  }
  if (kind == "Service") {
    return {{"Type", "string",
             [](const Json& o) {
               return str(o, {"spec", "type"}, "ClusterIP");
             }},
            {"Cluster-IP", "string", [](const Json& o) {
               return str(o, {"spec", "clusterIP"}, "<none>");
             }}};
  }
  if (kind == "Node") {
    return {{"Status", "string",
             [](const Json& o) {
               for (const Json& c : str(o, {"status", "conditions"}, Json::array())) {
                 if (c.value("type", "") == "Ready") {
                   return Json(c.value("status", "") == "True" ? "Ready" : "NotReady");
                 }
               }
               return Json("Unknown");
             }},
            {"Version", "string", [](const Json& o) {
               return str(o, {"status", "nodeInfo", "kubeletVersion"});
             }}};
  }
  if (kind == "CronJob") {
    return {{"Schedule", "string",
             [](const Json& o) {
               return str(o, {"spec", "schedule"});
             }},
            {"Suspend", "boolean", [](const Json& o) {
               return str(o, {"spec", "suspend"}, false);
             }}};
  }
  return {};
}

std::chrono::system_clock::time_point parse_time(const std::string& text) {
  std::tm tm{};
  if (strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm) == nullptr) return {};
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace

bool wants_table(const std::string& accept) {
  return accept.find("as=Table") != std::string::npos &&
         accept.find("g=meta.k8s.io") != std::string::npos;
}

std::string human_duration(std::chrono::seconds age) {
  long long s = age.count() < 0 ? 0 : age.count();
  long long m = s / 60, h = s / 3600, d = s / 86400;
  if (s < 120) return std::to_string(s) + "s";
  if (m < 10) return std::to_string(m) + "m" + (s % 60 ? std::to_string(s % 60) + "s" : "");
  if (h < 3) return std::to_string(m) + "m";
  if (h < 8) return std::to_string(h) + "h" + (m % 60 ? std::to_string(m % 60) + "m" : "");
  if (h < 48) return std::to_string(h) + "h";
  if (d < 8) return std::to_string(d) + "d" + (h % 24 ? std::to_string(h % 24) + "h" : "");
  if (d < 365 * 2) return std::to_string(d) + "d";
  return std::to_string(d / 365) + "y";
}

Json table_of(const ResourceType& type, const std::vector<Json>& objects,
              const std::string& resource_version, std::chrono::system_clock::time_point now) {
  std::vector<Column> extra = columns_for(type.kind);
  Json definitions = Json::array();
  auto define = [&](const char* name, const char* column_type, const char* format) {
    definitions.push_back({{"name", name},
                           {"type", column_type},
                           {"format", format},
                           {"description", ""},
                           {"priority", 0}});
  };
  define("Name", "string", "name");
  for (const Column& column : extra) define(column.name, column.type, "");
  define("Age", "string", "");
  Json rows = Json::array();
  for (const Json& object : objects) {
    const Json& metadata = object["metadata"];
    Json cells = {metadata.value("name", "")};
    for (const Column& column : extra) cells.push_back(column.cell(object));
    auto created = parse_time(metadata.value("creationTimestamp", ""));
    cells.push_back(
        human_duration(std::chrono::duration_cast<std::chrono::seconds>(now - created)));
    rows.push_back({{"cells", cells},
                    {"object",
                     {{"kind", "PartialObjectMetadata"},
                      {"apiVersion", "meta.k8s.io/v1"},
                      {"metadata", metadata}}}});
  }
  return {{"kind", "Table"},
          {"apiVersion", "meta.k8s.io/v1"},
          {"metadata", {{"resourceVersion", resource_version}}},
          {"columnDefinitions", definitions},
          {"rows", rows}};
}

}  // namespace pd::fake_k8s
