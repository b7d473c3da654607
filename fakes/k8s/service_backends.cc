#include "fakes/k8s/service_backends.h"

namespace pd::fake_k8s {

void ServiceBackends::set(const std::string& ns, const std::string& service,
                          const std::string& port, const std::string& base_url) {
  std::lock_guard<std::mutex> lock(mutex_);
  backends_[{ns, service, port}] = base_url;
}

void ServiceBackends::remove(const std::string& ns, const std::string& service,
                             const std::string& port) {
  std::lock_guard<std::mutex> lock(mutex_);
  backends_.erase({ns, service, port});
}

std::optional<std::string> ServiceBackends::find(const std::string& ns, const std::string& service,
                                                 const std::string& port) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = backends_.find({ns, service, port});
  if (it == backends_.end()) it = backends_.find({ns, service, ""});
  if (it == backends_.end()) return std::nullopt;
  return it->second;
}

}  // namespace pd::fake_k8s
