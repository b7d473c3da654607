#include "engine/cli/run_command.h"

#include <cstdlib>
#include <mutex>

#include "engine/cli/kube_target.h"
#include "engine/exec/workflow_runtime.h"
#include "engine/util/clock.h"
#include "engine/util/environment.h"
#include "engine/util/file_io.h"

namespace pd::engine {
namespace {

Result<nlohmann::json> read_input(const std::string& input) {
  if (input.empty()) return nlohmann::json::object();
  std::string text = input;
  std::string source = "--input";
  if (input.starts_with("@")) {
    Result<std::string> file = read_text_file(input.substr(1));
    if (!file.is_ok()) return Status(file.status().code(), "--input " + file.status().message());
    text = file.value();
    source = input.substr(1);
  }
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return invalid_argument(source + ": not valid JSON: " + e.what());
  }
}

}  // namespace

int run_workflow_once(const RunOptions& options, std::ostream& out, std::ostream& err) {
  Result<nlohmann::json> input = read_input(options.input);
  if (!input.is_ok()) {
    err << "error: " << input.status().message() << "\n";
    return 1;
  }
  js::V8Platform platform;
  exec::WorkflowRuntimeOptions runtime_options;
  runtime_options.workflow_dir = options.workflow_dir;
  if (options.secrets) runtime_options.secrets_path = *options.secrets;
  runtime_options.mounted_secrets = options.mounted_secrets;
  runtime_options.config_dir = options.config_dir;
  runtime_options.allow_net = options.allow_net;
  runtime_options.outputs_as_text = true;  // results are only written out
  runtime_options.scratch_dir = options.scratch_dir;
  runtime_options.env = process_environment();
  runtime_options.kube =
      kube_target_from_kubeconfig(options.kubeconfig, options.context, runtime_options.env, err);
  std::mutex log_mutex;
  runtime_options.log_sink = [&err, &log_mutex](const std::string& node,
                                                const js::ConsoleLine& line) {
    nlohmann::json record =
        line.record.is_object()
            ? line.record
            : nlohmann::json{{"time", format_rfc3339(std::chrono::system_clock::now())},
                             {"level", line.level},
                             {"node", node},
                             {"message", line.text}};
    std::lock_guard<std::mutex> lock(log_mutex);
    err << record.dump() << "\n";
  };
  Result<std::unique_ptr<exec::WorkflowRuntime>> runtime =
      exec::WorkflowRuntime::open(platform, runtime_options);
  if (!runtime.is_ok()) {
    err << "error: " << runtime.status().message();
    if (!runtime.status().message().ends_with("\n")) err << "\n";
    return 1;
  }
  exec::ExecutionResult result = runtime.value()->execute_and_wait({.input = std::move(input).value()});
  out << result.to_json_text() << "\n";
  return result.success ? 0 : 1;
}

}  // namespace pd::engine
