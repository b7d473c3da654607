#include "engine/js/runtime_pool.h"

#include <chrono>

#include "engine/util/cpu_budget.h"

namespace pd::js {

RuntimePool::RuntimePool(V8Platform& platform, RuntimeOptions options, size_t size) {
  if (size == 0) size = usable_cpus();  // what taskset, cpusets and a pod's CPU limit allow
  if (!options.transform_cache) options.transform_cache = std::make_shared<TransformCache>();
  for (size_t i = 0; i < size; ++i)
    runtimes_.push_back(std::make_unique<Runtime>(platform, options));
}

size_t RuntimePool::pick(int preferred) const {
  if (preferred >= 0 && static_cast<size_t>(preferred) < runtimes_.size()) {
    return static_cast<size_t>(preferred);
  }
  return lightest(0);
}

size_t RuntimePool::lightest(size_t first) const {
  // load() counts calls awaiting I/O, which hold nothing up, alike with JavaScript that keeps
  // its isolate busy: JavaScript running without a pause (a CPU-bound node) weighs one more per
  // 5 ms it has run, up to 16, so that new work goes past a long node to an isolate whose calls
  // only wait, unless that one is much fuller, while a burst during a short pass still spreads.
  constexpr auto kPerUnit = std::chrono::milliseconds(5);
  constexpr size_t kMaxRunWeight = 16;
  auto weight = [&](size_t i) {
    const Runtime& runtime = *runtimes_[i];
    auto units = static_cast<size_t>(runtime.running_js_for() / kPerUnit);
    return runtime.load() + std::min(units, kMaxRunWeight);
  };
  size_t index = first;
  size_t least = weight(first);
  for (size_t step = 1; step < runtimes_.size() && least > 0; ++step) {
    size_t candidate = (first + step) % runtimes_.size();
    if (size_t load = weight(candidate); load < least) {
      index = candidate;
      least = load;
    }
  }
  return index;
}

void RuntimePool::call_node_async(const std::string& node_path, nlohmann::json ctx,
                                  nlohmann::json input, CallOptions options,
                                  std::function<void(Result<NodeCall>)> done) {
  least_busy().call_node_async(node_path, std::move(ctx), std::move(input), std::move(options),
                               std::move(done));
}

Result<NodeCall> RuntimePool::call_node(const std::string& node_path, const nlohmann::json& ctx,
                                        const nlohmann::json& input, const CallOptions& options) {
  return least_busy().call_node(node_path, ctx, input, options);
}

void RuntimePool::post_task(std::function<void(size_t index)> task) {
  // A task counts towards its runtime's load as soon as it is posted, so a burst spreads; equal
  // loads take turns.
  size_t index = lightest(next_task_++ % runtimes_.size());
  runtimes_[index]->post_task([task = std::move(task), index] { task(index); });
}

int RuntimePool::current_lane() const {
  for (size_t i = 0; i < runtimes_.size(); ++i) {
    if (runtimes_[i]->on_loop_thread()) return static_cast<int>(i);
  }
  return -1;
}

Status RuntimePool::preload(const std::vector<std::string>& node_paths) {
  for (const auto& runtime : runtimes_) {
    if (Status status = runtime->preload(node_paths); !status.is_ok()) return status;
  }
  return Status();
}

}  // namespace pd::js
