// Several Runtimes — each an isolate with its own event-loop thread — behind one call interface,
// so one process uses every core (the old Deno engine ran all JavaScript on one thread). A call
// goes to the runtime with the least work waiting (Runtime::load, weighed up while JavaScript
// has run long there; see post_task); all share one TransformCache.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "engine/js/runtime.h"

namespace pd::js {

class RuntimePool {
 public:
  // `size` 0 means one runtime per CPU the process may use (usable_cpus()).
  RuntimePool(V8Platform& platform, RuntimeOptions options, size_t size = 0);

  void call_node_async(const std::string& node_path, nlohmann::json ctx, nlohmann::json input,
                       CallOptions options, std::function<void(Result<NodeCall>)> done);
  Result<NodeCall> call_node(const std::string& node_path, const nlohmann::json& ctx,
                             const nlohmann::json& input, const CallOptions& options);
  // Loads the nodes in every runtime (long-lived mode); the first error is returned.
  Status preload(const std::vector<std::string>& node_paths);
  size_t size() const { return runtimes_.size(); }
  // The runtime a call should go to: `preferred` when it names one (0 ≤ preferred < size()),
  // else the one with the least work waiting, as post_task weighs it (the first among equals).
  // Calls for one execution go to one runtime so that its nodes follow each other on one thread.
  size_t pick(int preferred) const;
  Runtime& runtime(size_t index) { return *runtimes_.at(index); }
  // Runs `task(index)` on the loop thread of the runtime with the least work waiting (calls in
  // flight and tasks not yet run, plus one per 5 ms that the JavaScript running now has run, up
  // to 16; among equals, in turn), so that work does not queue behind a runtime busy with a
  // long node while another is free or holds only calls waiting on I/O. HTTP executions (from
  // a loop of their own) and queue messages are placed this way.
  void post_task(std::function<void(size_t index)> task);
  // The index of the runtime whose loop thread is calling; -1 on any other thread.
  int current_lane() const;

 private:
  Runtime& least_busy() { return *runtimes_[pick(-1)]; }
  // The runtime with the least weight (as post_task says), looking from index `first` on (ties:
  // the first seen).
  size_t lightest(size_t first) const;

  std::vector<std::unique_ptr<Runtime>> runtimes_;
  std::atomic<size_t> next_task_{0};
};

}  // namespace pd::js
