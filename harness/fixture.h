// Node fixtures: `tests/fixtures/<node>.json` or `<node>.<case>.json` (YAML accepted too), matched
// exactly (`fetch` never picks up `fetch-data.json`). Pipedreamer's `{input, expected}` works as
// it is; the optional fields are a public contract: `config`, `secrets`, `env`, `fetch` mocks,
// `match: "subset"`, `expectError`, `now`, `random`, `files`, `modules`, `logs`.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/util/status.h"

namespace pd::harness {

struct FetchMock {
  std::string method;   // empty: any
  std::string url;      // or service + path
  std::string service;
  std::string path;
  nlohmann::json headers = nlohmann::json::object();  // must be present with these values
  nlohmann::json json_body;  // request body must contain this (subset); null: any
  int status = 200;
  nlohmann::json response_headers = nlohmann::json::object();
  std::string body;
  nlohmann::json json;  // response JSON; wins over body when set
  int times = -1;       // -1: any number of times
};

// One entry of `files`: text, bytes ({"base64"}), a symlink ({"symlink": target}), or the real
// file at that path ({"passthrough": true}).
struct FixtureFile {
  std::string content;
  std::string symlink;
  bool passthrough = false;
};

// One `logs` expectation: a line at `level` (any level when empty) containing `message`.
struct LogExpectation {
  std::string level;
  std::string message;
};

// The identity a node runs as under `k8s.serviceAccount`: its ServiceAccount, and the rules bound
// to it in its namespace (`rules`, a Role) and cluster-wide (`clusterRules`, a ClusterRole).
struct ServiceAccountIdentity {
  std::string namespace_name = "default";
  std::string name = "default";
  nlohmann::json rules = nlohmann::json::array();
  nlohmann::json cluster_rules = nlohmann::json::array();
};

// `k8s`: what the fixture's fake API server holds, and who the node is (no serviceAccount: an
// administrator, so the node may do anything).
struct KubeFixture {
  std::vector<nlohmann::json> objects;
  std::optional<ServiceAccountIdentity> service_account;
};

struct Fixture {
  std::filesystem::path file;
  std::string node;
  std::string case_name;  // "" for <node>.json
  nlohmann::json document;  // the whole file, to keep its other fields on --update
  nlohmann::json input = nlohmann::json::object();
  // JSON fixtures: `input` as text in the file's key order (the node sees that order, as under Deno).
  std::string input_text;
  std::optional<nlohmann::json> expected;
  bool subset = false;
  std::string expect_error;
  nlohmann::json config = nlohmann::json::object();
  nlohmann::json secrets = nlohmann::json::object();
  std::map<std::string, std::string> env;
  std::optional<std::vector<FetchMock>> fetch;  // nullopt: the old default mock reply
  std::string now;
  std::optional<uint64_t> random;
  std::map<std::string, FixtureFile> files;     // path (absolute or workflow-relative) → entry
  std::map<std::string, std::string> modules;   // import specifier → mock module source
  std::vector<LogExpectation> logs;
  std::optional<KubeFixture> k8s;
  bool live = false;  // `live: true`: the assertions also apply under --live
  bool allow_leaks = false;  // `allowLeaks`: timers or requests may outlive the node
  // Pipeline fixtures' `nodes`: a node answered without running ({"output": …} or {"error": "…"}),
  // or run with its own {"fetch": [...], "config": {...}, "secrets": {...}} over the shared ones.
  struct NodeFixture {
    std::optional<nlohmann::json> output;
    std::string error;
    std::optional<std::vector<FetchMock>> fetch;
    nlohmann::json config = nlohmann::json::object();
    nlohmann::json secrets = nlohmann::json::object();
  };
  std::map<std::string, NodeFixture> nodes;

  std::string display_name() const { return case_name.empty() ? node : node + "." + case_name; }
};

// The fixtures of `node` in `fixtures_dir`, sorted by file name. Errors name the file and field.
Result<std::vector<Fixture>> load_node_fixtures(const std::filesystem::path& fixtures_dir,
                                                const std::string& node);
Result<Fixture> load_fixture(const std::filesystem::path& file, const std::string& node,
                             const std::string& case_name);

}  // namespace pd::harness
