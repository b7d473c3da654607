#include "fakes/k8s/fault_injector.h"

namespace pd::fake_k8s {

void FaultInjector::add(ApiFault fault) {
  std::lock_guard<std::mutex> lock(mutex_);
  faults_.push_back(std::move(fault));
}

void FaultInjector::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  faults_.clear();
}

std::optional<ApiFault> FaultInjector::take(const AccessAttributes& request) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (!it->verb.empty() && it->verb != request.verb) continue;
    if (!it->resource.empty() && it->resource != request.resource) continue;
    if (!it->name.empty() && it->name != request.name) continue;
    ApiFault fault = *it;
    if (fault.once) faults_.erase(it);
    return fault;
  }
  return std::nullopt;
}

}  // namespace pd::fake_k8s
