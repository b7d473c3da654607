// Runs a workflow's DAG with Pipedreamer's observable semantics: stages in order, the nodes of a
// stage concurrently; when a node of a stage fails the rest of the stage still finishes and later
// stages do not start; a root node gets the trigger input (or {}), a node with one upstream that
// node's output, with several an object keyed by upstream name. Per-node timeout (config.timeout,
// default 30s; the node is stopped) and retries (config.retries) with backoff 100 ms · 2^attempt.
// `config.scheduling: eager` starts each node as soon as its own upstream nodes succeeded.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/exec/node_context.h"
#include "engine/exec/node_runner.h"
#include "engine/exec/secrets.h"
#include "engine/spec/dag_compiler.h"
#include "engine/spec/workflow.h"
#include "engine/util/clock.h"
#include "engine/util/delay_scheduler.h"
#include "engine/util/random_source.h"

namespace pd::exec {

// What every execution with the same config and secrets shares, worked out once: the settings
// the config gives, the redactor for the secrets, and ctx's shared members as JSON text.
// WorkflowRuntime keeps one until the config changes.
struct ExecutionEnvironment {
  nlohmann::json config = nlohmann::json::object();   // effective config (ctx.config)
  nlohmann::json secrets = nlohmann::json::object();  // after the cascade (ctx.secrets)
  SecretRedactor redactor;
  // Timeout, retries and scheduling as the config says (overrides may change them).
  struct Settings {
    std::chrono::milliseconds timeout{30000};
    int retries = 0;
    bool eager = false;
  } settings;
  std::string settings_error;   // why the config's timeout/retries/scheduling cannot be used
  std::string context_members;  // environment_context_json
};
// `redactor` hides `secrets` and whatever else nodes may see (per-node fixture secrets).
std::shared_ptr<const ExecutionEnvironment> make_execution_environment(
    const std::string& workflow, nlohmann::json config, nlohmann::json secrets,
    const std::optional<KubeTarget>& kube, SecretRedactor redactor);

struct ExecutionRequest {
  std::string execution_id;  // made up when empty
  nlohmann::json input;      // the trigger input; null becomes {}
  std::string input_json;    // the same as JSON text when known (keeps its key order)
  nlohmann::json config;     // effective config (ctx.config); null: {}
  nlohmann::json secrets;    // after the cascade (ctx.secrets); null: {}
  std::optional<KubeTarget> kube;
  // What started it (ctx.trigger) as JSON text, e.g. a queue message's metadata; empty: none.
  std::string trigger_json;
  int lane = -1;  // the isolate to start on (NodeInvocation::lane); -1: the least busy
  // When set, config, secrets and kube above are not read: this was made from them.
  std::shared_ptr<const ExecutionEnvironment> environment;
};

struct NodeLogLine {
  std::string node;
  js::ConsoleLine line;
};

struct NodeTiming {
  double started_ms = 0;
  double completed_ms = 0;
  int attempts = 0;
};

struct ExecutionResult {
  std::string execution_id;
  bool success = false;
  nlohmann::json outputs = nlohmann::json::object();
  // The same outputs as the text their nodes' JSON.stringify wrote (object keys in the nodes'
  // order), for the outputs that hold no secret. With ExecutorOptions::outputs_as_text an
  // output known here is not in `outputs`.
  std::map<std::string, std::string> output_texts;
  nlohmann::json errors = nlohmann::json::object();
  double started_ms = 0;
  double completed_ms = 0;
  std::map<std::string, NodeTiming> node_timings;
  std::vector<NodeLogLine> logs;  // what the nodes printed, secrets redacted

  // {executionId, success, outputs, errors, timing: {startedAt, completedAt, durationMs,
  // nodeTimings: {node: {startedAt, completedAt, durationMs, attempts}}}} (epoch milliseconds):
  // to_json_text() parsed.
  nlohmann::json to_json() const;
  // The same, written as indented JSON text (as JSON.stringify(result, null, 2) lays it out)
  // with each output in its node's key order; no JSON tree is built.
  std::string to_json_text() const;
};

struct ExecutorOptions {
  std::vector<std::string> allow_net;  // engine-wide hosts, added to every node's capabilities.net
  // Results are only written out (to_json_text): outputs known as text are not parsed into
  // ExecutionResult::outputs. Only outputs whose text shows a secret are parsed, to be redacted.
  bool outputs_as_text = false;
};

class DagExecutor {
 public:
  // `workflow`, `runner`, `delays` and `clock` must outlive the executor. `plan` is the one
  // compile_dag made of `workflow`'s nodes and edges (a loaded workflow's, whose edges name its
  // nodes); it is read here, once.
  DagExecutor(const spec::Workflow& workflow, const spec::Plan& plan, NodeRunner& runner,
              DelayScheduler& delays, const Clock& clock, ExecutorOptions options = {});

  // `done` runs once, on whichever thread finished the last node.
  void execute(ExecutionRequest request, std::function<void(ExecutionResult)> done);
  ExecutionResult execute_and_wait(ExecutionRequest request);

 private:
  struct Execution;
  // A node of the plan, by its index (plan.node_order), with what every call of it needs.
  struct PlannedNode {
    std::string name;
    const spec::Node* spec;
    std::vector<std::string> net;   // capabilities.net and ExecutorOptions::allow_net
    std::vector<size_t> upstream;   // in edge declaration order
    std::vector<size_t> downstream;
  };
  // Marks `nodes` started together (side by side when more than one). Call with run.mutex held.
  static void mark_started(Execution& run, const std::vector<size_t>& nodes);
  void start_node(const std::shared_ptr<Execution>& run, size_t node);
  void attempt(const std::shared_ptr<Execution>& run, size_t node, int attempt);
  void node_finished(const std::shared_ptr<Execution>& run, size_t node);
  // Records a node's output: unredacted for its downstream nodes, redacted in the result.
  // Call with run.mutex held.
  void keep_output(Execution& run, size_t node, NodeOutcome& outcome);
  // The input of `node`: the trigger input, its upstream node's output, or its upstream nodes'
  // outputs keyed by name. Call with run.mutex held.
  void set_input(const Execution& run, size_t node, NodeInvocation& invocation) const;

  const spec::Workflow& workflow_;
  NodeRunner& runner_;
  DelayScheduler& delays_;
  const Clock& clock_;
  ExecutorOptions options_;
  // Nodes and stages by index rather than by name: an execution's bookkeeping is vectors.
  std::vector<PlannedNode> nodes_;
  std::vector<std::vector<size_t>> stages_;
  BufferedSystemRandom execution_ids_;  // one getpid() per 256 ids instead of one per id
};

// A random (v4) UUID for execution ids.
std::string new_execution_id();

}  // namespace pd::exec
