#include "engine/exec/node_runner.h"

#include "engine/exec/data_files.h"
#include "engine/exec/node_context.h"

namespace pd::exec {

void JsNodeRunner::run(NodeInvocation&& invocation, std::function<void(NodeOutcome)> done) {
  js::CallOptions options{invocation.timeout, js::NetPolicy(invocation.net)};
  options.caller = invocation.node;
  options.input_json = std::move(invocation.input_json);
  options.ctx_json = std::move(invocation.ctx_json);
  options.ctx_shared_json = std::move(invocation.ctx_shared_json);
  if (options.ctx_shared_json) {
    options.ctx_node = invocation.node;
    options.ctx_execution_id = std::move(invocation.ctx_execution_id);
  }
  options.ctx_trigger_json = std::move(invocation.ctx_trigger_json);
  options.output_text_only = invocation.output_text_only;
  size_t lane = pool_.pick(invocation.lane);
  pool_.runtime(lane).call_node_async(invocation.path, nullptr, std::move(invocation.input),
                                      std::move(options),
                                      [done = std::move(done), lane](Result<js::NodeCall> call) {
                                        NodeOutcome outcome;
                                        outcome.lane = static_cast<int>(lane);
                                        if (call.is_ok()) {
                                          outcome.output = std::move(call.value().output);
                                          outcome.output_json = std::move(call.value().output_json);
                                          outcome.console = std::move(call.value().console);
                                        } else {
                                          outcome.output = call.status();
                                        }
                                        done(std::move(outcome));
                                      });
}

void StubbingNodeRunner::run(NodeInvocation&& invocation, std::function<void(NodeOutcome)> done) {
  auto stub = stubs_.find(invocation.node);
  if (stub == stubs_.end()) return inner_.run(std::move(invocation), std::move(done));
  const Stub& answer = stub->second;
  if (!answer.error.empty()) {
    done(NodeOutcome{invalid_argument(answer.error)});
  } else if (answer.output) {
    done(NodeOutcome{*answer.output});
  } else {
    nlohmann::json ctx = nlohmann::json::parse(
        invocation.ctx_json.empty()
            ? node_context_json(invocation.node, invocation.ctx_execution_id)
            : invocation.ctx_json);
    if (invocation.ctx_shared_json) {
      ctx.update(nlohmann::json::parse(*invocation.ctx_shared_json));
      invocation.ctx_shared_json = nullptr;
    }
    deep_merge(ctx["config"], answer.config);
    for (const auto& [service, keys] : answer.secrets.items()) ctx["secrets"][service] = keys;
    invocation.ctx_json = ctx.dump();
    inner_.run(std::move(invocation), std::move(done));
  }
}

}  // namespace pd::exec
