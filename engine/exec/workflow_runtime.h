// One workflow folder ready to execute in this process: loaded and validated, secrets from the
// cascade, config with its overrides (re-read when they change), a pool of V8 isolates with the
// nodes preloaded (long-lived contexts), and the DAG executor. What `pd-engine run` and
// `pd-engine serve` use; tests pass collaborators (filesystem, HTTP, clock, delays).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/exec/dag_executor.h"
#include "engine/exec/runtime_config.h"
#include "engine/js/runtime_pool.h"
#include "engine/spec/code_archive.h"
#include "engine/spec/workflow_loader.h"

namespace pd::exec {

struct WorkflowRuntimeOptions {
  std::filesystem::path workflow_dir;
  std::optional<std::filesystem::path> secrets_path;  // --secrets: used alone
  std::filesystem::path mounted_secrets = "/app/secrets";
  std::filesystem::path config_dir = "/app/config";
  std::chrono::milliseconds config_recheck{1000};
  js::ContextMode mode = js::ContextMode::kLongLived;
  size_t isolates = 0;  // 0: one per CPU it may use (affinity, cgroup CPU limit)
  size_t heap_limit_mb = 128;
  std::vector<std::string> allow_net;  // engine-wide, besides capabilities.net
  // Results are only written out as text: see ExecutorOptions::outputs_as_text.
  bool outputs_as_text = false;
  std::vector<std::filesystem::path> read_paths = {"/app", "/var/run/secrets"};
  std::filesystem::path scratch_dir;       // writable by nodes; none when empty
  std::filesystem::path cache_dir;         // transform/code cache; memory when empty
  std::map<std::string, std::string> env;  // what Deno.env shows
  std::optional<KubeTarget> kube;          // ctx.k8s outside a pod
  // Tests: secrets given as they are (no cascade), and config merged over everything else.
  std::optional<nlohmann::json> secrets_override;
  nlohmann::json config_overlay = nlohmann::json::object();
  // Every log line as nodes write it (secrets redacted), e.g. printed as JSON lines.
  std::function<void(const std::string& node, const js::ConsoleLine& line)> log_sink;
  // Tests: nodes answered without running (pipeline fixture stubs), import mocks, a manual clock
  // for Date and timers (virtual time), seeded randomness.
  std::map<std::string, StubbingNodeRunner::Stub> stubs;
  std::map<std::string, std::string> module_overrides;
  ManualClock* manual_clock = nullptr;
  RandomSource* random = nullptr;
  // Collaborators; nullptr means the real one.
  const FileSystem* file_system = nullptr;
  const HttpTransport* transport = nullptr;
  const Clock* clock = nullptr;
  DelayScheduler* delays = nullptr;
};

// One execution to start. Name the members (`{.input = …, .execution_id = …}`): three are
// strings, and `{{"k", 1}}` without a name would make `input` the array ["k", 1].
struct RunRequest {
  nlohmann::json input;      // the root input; null becomes {}
  std::string input_json;    // `input` as JSON text when known: nodes then see its key order
  std::string execution_id;  // made up when empty
  // JSON text for ctx.trigger (e.g. a queue message's subject, headers and delivery); empty: none.
  std::string trigger_json;
};

class WorkflowRuntime {
 public:
  // Errors: the workflow's diagnostics (file:line:col), secrets or config files that cannot be
  // read, nodes that fail to load.
  static Result<std::unique_ptr<WorkflowRuntime>> open(const js::V8Platform& platform,
                                                       WorkflowRuntimeOptions options);
  ~WorkflowRuntime();

  // Called on a lane's thread, the execution starts there at once; from elsewhere it is handed
  // to the lane with the least work waiting.
  void execute(RunRequest run, std::function<void(ExecutionResult)> done);
  ExecutionResult execute_and_wait(RunRequest run);

  // The isolates executions run on; each has its own loop thread.
  size_t lanes() const { return pool_->size(); }
  // Lane `lane`'s loop sleeps in `waiter` (nullptr: on its own again), which then runs its I/O
  // there; executions that I/O starts stay on that lane. Returns once the previous waiter is
  // out of use. Not from a lane's own thread.
  void set_lane_waiter(size_t lane, std::shared_ptr<LoopWaiter> waiter) {
    pool_->runtime(lane).set_waiter(std::move(waiter));
  }

  const spec::Workflow& workflow() const { return loaded_->workflow; }
  // ctx.secrets after the cascade (webhook signatures are checked against them).
  const nlohmann::json& secrets() const { return secrets_; }
  // The config an execution would see now (workflow.yaml, overrides, overlay).
  Result<nlohmann::json> current_config();
  const SecretRedactor& redactor() const { return redactor_; }
  const spec::Plan& plan() const { return *loaded_->plan; }

 private:
  WorkflowRuntime() = default;
  // execute(), on the loop thread of isolate `lane`.
  void start(RunRequest run, std::function<void(ExecutionResult)> done, int lane);
  // The environment for the config in force now: made again only when the config changed.
  Result<std::shared_ptr<const ExecutionEnvironment>> current_environment();

  WorkflowRuntimeOptions options_;
  spec::UnpackedWorkflowDir workflow_dir_;  // before loaded_: the files it names live here
  std::unique_ptr<spec::LoadedWorkflow> loaded_;
  RealFileSystem real_file_system_;
  SystemClock system_clock_;
  std::unique_ptr<ThreadDelayScheduler> thread_delays_;
  nlohmann::json secrets_;
  SecretRedactor redactor_;
  std::unique_ptr<RuntimeConfig> config_;
  std::mutex environment_mutex_;  // executions start on every lane
  std::shared_ptr<const Result<nlohmann::json>> environment_config_;  // environment_ made from it
  std::shared_ptr<const ExecutionEnvironment> environment_;
  std::unique_ptr<js::RuntimePool> pool_;
  std::unique_ptr<JsNodeRunner> runner_;
  std::unique_ptr<StubbingNodeRunner> stubbing_runner_;
  std::unique_ptr<DagExecutor> executor_;
};

}  // namespace pd::exec
