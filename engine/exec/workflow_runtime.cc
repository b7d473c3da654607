#include "engine/exec/workflow_runtime.h"

#include <future>

#include "engine/exec/data_files.h"
#include "engine/exec/node_context.h"
#include "engine/exec/secrets.h"

namespace pd::exec {

Result<std::unique_ptr<WorkflowRuntime>> WorkflowRuntime::open(const js::V8Platform& platform,
                                                               WorkflowRuntimeOptions options) {
  std::unique_ptr<WorkflowRuntime> runtime(new WorkflowRuntime());
  WorkflowRuntime& r = *runtime;
  r.options_ = std::move(options);
  // A deployed bundle may arrive as one compressed archive (large workflows): unpack it first.
  Result<spec::UnpackedWorkflowDir> dir = spec::UnpackedWorkflowDir::open(r.options_.workflow_dir);
  if (!dir.is_ok()) return dir.status();
  r.workflow_dir_ = std::move(dir).value();
  r.loaded_ = std::make_unique<spec::LoadedWorkflow>(spec::load_workflow(r.workflow_dir_.path()));
  if (!r.loaded_->ok()) return invalid_argument(r.loaded_->format_diagnostics());
  const FileSystem& fs = r.options_.file_system ? *r.options_.file_system : r.real_file_system_;
  const Clock& clock = r.options_.clock ? *r.options_.clock
                       : r.options_.manual_clock
                           ? static_cast<const Clock&>(*r.options_.manual_clock)
                           : r.system_clock_;
  DelayScheduler* delays = r.options_.delays;
  if (!delays) {
    r.thread_delays_ = std::make_unique<ThreadDelayScheduler>();
    delays = r.thread_delays_.get();
  }
  Result<nlohmann::json> secrets =
      r.options_.secrets_override
          ? Result<nlohmann::json>(*r.options_.secrets_override)
          : load_secrets(SecretSources{r.loaded_->workflow.dir, r.options_.secrets_path,
                                       r.options_.mounted_secrets},
                         fs);
  if (!secrets.is_ok())
    return Status(secrets.status().code(), "secrets: " + secrets.status().message());
  r.secrets_ = std::move(secrets).value();
  // Per-node fixture secrets reach only their node's ctx, but must be hidden everywhere.
  nlohmann::json redacted = nlohmann::json::array({r.secrets_});
  for (const auto& [node, stub] : r.options_.stubs) redacted.push_back(stub.secrets);
  r.redactor_ = SecretRedactor(redacted);
  r.config_ =
      std::make_unique<RuntimeConfig>(nlohmann::json(r.loaded_->workflow.config.values),
                                      r.options_.config_dir, fs, clock, r.options_.config_recheck);
  if (Result<nlohmann::json> config = r.config_->current(); !config.is_ok()) {
    return Status(config.status().code(), "config overrides: " + config.status().message());
  }

  js::RuntimeOptions js_options;
  js_options.workflow_dir = r.loaded_->workflow.dir;
  js_options.heap_limit_mb = r.options_.heap_limit_mb;
  js_options.mode = r.options_.mode;
  js_options.read_paths = r.options_.read_paths;
  js_options.scratch_dir = r.options_.scratch_dir;
  js_options.env = r.options_.env;
  js_options.file_system = r.options_.file_system;
  js_options.transport = r.options_.transport;
  js_options.context_script = node_context_script();
  js_options.module_overrides = r.options_.module_overrides;
  js_options.manual_clock = r.options_.manual_clock;
  js_options.random = r.options_.random;
  if (!r.options_.cache_dir.empty()) {
    js_options.transform_cache = std::make_shared<js::TransformCache>(r.options_.cache_dir);
  }
  if (r.options_.log_sink) {
    const SecretRedactor* redactor = &r.redactor_;
    auto sink = r.options_.log_sink;
    js_options.console_sink = [redactor, sink](const std::string& node,
                                               const js::ConsoleLine& line) {
      js::ConsoleLine clean{line.level, redactor->redact(line.text), redactor->redact(line.record)};
      sink(node, clean);
    };
  }
  r.pool_ = std::make_unique<js::RuntimePool>(const_cast<js::V8Platform&>(platform), js_options,
                                              r.options_.isolates);
  if (r.options_.mode == js::ContextMode::kLongLived) {
    std::vector<std::string> paths;
    for (const spec::Node& node : r.loaded_->workflow.nodes) paths.push_back(node.path);
    if (Status loaded = r.pool_->preload(paths); !loaded.is_ok()) return loaded;
  }
  r.runner_ = std::make_unique<JsNodeRunner>(*r.pool_);
  NodeRunner* runner = r.runner_.get();
  if (!r.options_.stubs.empty()) {
    for (const auto& [node, stub] : r.options_.stubs) {
      if (!r.loaded_->workflow.find_node(node)) {
        return invalid_argument("stub for node \"" + node + "\": the workflow has no such node");
      }
    }
    r.stubbing_runner_ = std::make_unique<StubbingNodeRunner>(*r.runner_, r.options_.stubs);
    runner = r.stubbing_runner_.get();
  }
  r.executor_ = std::make_unique<DagExecutor>(
      r.loaded_->workflow, *r.loaded_->plan, *runner, *delays, clock,
      ExecutorOptions{r.options_.allow_net, r.options_.outputs_as_text});
  return runtime;
}

WorkflowRuntime::~WorkflowRuntime() {
  // The pool's loop threads may still call into the executor: stop them first.
  pool_.reset();
}

void WorkflowRuntime::execute(RunRequest run, std::function<void(ExecutionResult)> done) {
  // Already on a lane (HTTP served on the isolate threads): no hand-off at all.
  if (int lane = pool_->current_lane(); lane >= 0)
    return start(std::move(run), std::move(done), lane);
  // Started on an isolate's own thread: the caller (an HTTP loop, a NATS puller) hands over
  // once, and the first node's call then needs no further hand-off.
  // std::function needs a copyable callable: the moved-in state lives behind a shared_ptr.
  struct Pending {
    RunRequest run;
    std::function<void(ExecutionResult)> done;
  };
  auto pending = std::make_shared<Pending>(Pending{std::move(run), std::move(done)});
  pool_->post_task([this, pending](size_t lane) {
    start(std::move(pending->run), std::move(pending->done), static_cast<int>(lane));
  });
}

void WorkflowRuntime::start(RunRequest run, std::function<void(ExecutionResult)> done, int lane) {
  Result<std::shared_ptr<const ExecutionEnvironment>> environment = current_environment();
  ExecutionRequest request;
  request.execution_id = std::move(run.execution_id);
  request.input = std::move(run.input);
  request.input_json = std::move(run.input_json);
  request.trigger_json = std::move(run.trigger_json);
  request.lane = lane;
  if (!environment.is_ok()) {
    ExecutionResult failed;
    failed.execution_id = request.execution_id.empty() ? new_execution_id() : request.execution_id;
    failed.errors["config"] = "config overrides: " + environment.status().message();
    done(std::move(failed));
    return;
  }
  request.environment = std::move(environment).value();
  executor_->execute(std::move(request), std::move(done));
}

Result<std::shared_ptr<const ExecutionEnvironment>> WorkflowRuntime::current_environment() {
  std::shared_ptr<const Result<nlohmann::json>> config = config_->snapshot();
  if (!config->is_ok()) return config->status();
  std::lock_guard<std::mutex> lock(environment_mutex_);
  if (config != environment_config_) {
    nlohmann::json merged = config->value();
    deep_merge(merged, options_.config_overlay);
    environment_ = make_execution_environment(loaded_->workflow.name, std::move(merged), secrets_,
                                              options_.kube, redactor_);
    environment_config_ = std::move(config);
  }
  return environment_;
}

Result<nlohmann::json> WorkflowRuntime::current_config() {
  Result<std::shared_ptr<const ExecutionEnvironment>> environment = current_environment();
  if (!environment.is_ok()) return environment.status();
  return environment.value()->config;
}

ExecutionResult WorkflowRuntime::execute_and_wait(RunRequest run) {
  std::promise<ExecutionResult> result;
  std::future<ExecutionResult> future = result.get_future();
  execute(std::move(run), [&result](ExecutionResult r) { result.set_value(std::move(r)); });
  return future.get();
}

}  // namespace pd::exec
