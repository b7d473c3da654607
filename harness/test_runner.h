// Runs node fixtures: finds workflows under the given paths, matches each node with its fixtures,
// runs every fixture in a fresh V8 context (no module state leaks) with its config, secrets, env,
// HTTP mocks, clock and random seed, and compares the output. Workers run fixtures in parallel;
// results come back in a fixed order whatever `jobs` is.
#pragma once

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/exec/node_context.h"
#include "engine/js/runtime.h"

namespace pd::harness {

enum class Outcome { kPassed, kFailed, kSkipped };

struct CaseResult {
  std::string workflow;
  std::string name;  // node or node.case
  std::string file;  // the fixture, relative to the workflow folder
  Outcome outcome = Outcome::kPassed;
  std::vector<std::string> problems;  // why it failed, or why it was skipped
  std::vector<js::ConsoleLine> logs;
  std::vector<std::string> notes;  // e.g. what --record wrote
  std::optional<nlohmann::json> output;  // --live / --record: what the node (or pipeline) returned
  double ms = 0;
};

struct TestOptions {
  std::vector<std::filesystem::path> paths;  // workflow folders, folders above them, or dir/node
  int jobs = 1;
  std::string filter;  // regex over "workflow/node.case"
  bool update = false;
  bool ci = false;
  // Real HTTP instead of the fixtures' mocks (which are ignored), with each node's
  // capabilities.net enforced as in the engine; every other injection still applies.
  bool live = false;
  // --pipeline: only pipeline fixtures (a workflow without one is reported as skipped).
  bool pipeline_only = false;
  // --live also for `k8s`: a fake API server seeded from the fixture instead of the kubeconfig.
  bool fake_cluster = false;
  // Live with real HTTP once, writing the exchanges into the fixture's `fetch` (secrets redacted).
  bool record = false;
  // --live: ctx.k8s reaches this cluster (from the kubeconfig).
  std::optional<exec::KubeTarget> kube;
  // Real HTTP and secrets: --live, or --record.
  bool real_services() const { return live || record; }
  std::chrono::milliseconds timeout{30000};
  // Stripped TypeScript and V8 code caches kept between runs (content-hashed, so never stale);
  // empty: memory only.
  std::filesystem::path cache_dir;
};

// InvalidArgument for bad paths, broken workflows (their diagnostics), unreadable fixtures, or
// --update under CI.
Result<std::vector<CaseResult>> run_node_tests(js::V8Platform& platform, const TestOptions& options);

}  // namespace pd::harness
