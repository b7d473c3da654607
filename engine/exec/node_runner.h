// How the executor runs one node: an interface, so executor tests can script outcomes while the
// engine and the harness run real nodes in V8 (JsNodeRunner over a RuntimePool).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/js/runtime.h"
#include "engine/js/runtime_pool.h"
#include "engine/util/status.h"

namespace pd::exec {

struct NodeInvocation {
  std::string node;      // its name in workflow.yaml
  std::string path;      // relative to the workflow folder
  // The whole ctx (NodeContextData) as JSON text, when ctx_shared_json is null.
  std::string ctx_json;
  // Most of ctx, shared by many calls, as a JSON object: config, secrets … (see
  // environment_context_json and js::CallOptions::ctx_shared_json); null: ctx_json is all.
  std::shared_ptr<const std::string> ctx_shared_json;
  // With ctx_shared_json, the call's own member ctx.executionId (ctx.node is `node`), as
  // js::CallOptions::ctx_execution_id.
  std::string ctx_execution_id;
  // ctx.trigger as JSON text (js::CallOptions::ctx_trigger_json); null: none.
  std::shared_ptr<const std::string> ctx_trigger_json;
  nlohmann::json input;
  // `input` as JSON text when known, so the node sees objects' keys in their original order
  // (nlohmann::json sorts them; under Deno, Object.keys order is insertion order).
  std::string input_json;
  std::chrono::milliseconds timeout{30000};
  std::vector<std::string> net;  // hosts the node may reach
  // NodeOutcome::output_json is enough: the output is not parsed into NodeOutcome::output.
  bool output_text_only = false;
  // Which isolate of the pool runs it; -1: the least busy. The executor sends a node started on
  // its own to its execution's isolate, so a node's completion starts the next one on the same
  // thread instead of handing it to another.
  int lane = -1;
};

struct NodeOutcome {
  Result<nlohmann::json> output = nlohmann::json();
  std::string output_json;  // the output as the node's JSON.stringify wrote it, when known
                            // (with output_text_only, `output` is then null)
  std::vector<js::ConsoleLine> console;
  int lane = -1;  // the isolate that ran it, when the runner has several
};

class NodeRunner {
 public:
  virtual ~NodeRunner() = default;
  // Runs the node once; `done` may be called on any thread. A timeout fails with
  // DeadlineExceeded after the node was stopped. `invocation` is taken apart (moved from).
  virtual void run(NodeInvocation&& invocation, std::function<void(NodeOutcome)> done) = 0;
};

class JsNodeRunner : public NodeRunner {
 public:
  explicit JsNodeRunner(js::RuntimePool& pool) : pool_(pool) {}
  void run(NodeInvocation&& invocation, std::function<void(NodeOutcome)> done) override;

 private:
  js::RuntimePool& pool_;
};

// A pipeline fixture's `nodes` section: some nodes answered without running (a fixed output, or
// a failure with a message), others run by `inner` with their own config and secrets merged over
// the shared ones; every other node goes to `inner` as it is.
class StubbingNodeRunner : public NodeRunner {
 public:
  struct Stub {
    std::optional<nlohmann::json> output;  // answer with this instead of running the node
    std::string error;                     // or fail with this
    // Neither: run the node, with these merged over the shared config and secrets.
    nlohmann::json config = nlohmann::json::object();
    nlohmann::json secrets = nlohmann::json::object();
  };
  StubbingNodeRunner(NodeRunner& inner, std::map<std::string, Stub> stubs)
      : inner_(inner), stubs_(std::move(stubs)) {}
  void run(NodeInvocation&& invocation, std::function<void(NodeOutcome)> done) override;

 private:
  NodeRunner& inner_;
  std::map<std::string, Stub> stubs_;
};

}  // namespace pd::exec
