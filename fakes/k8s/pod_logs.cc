#include "fakes/k8s/pod_logs.h"

namespace pd::fake_k8s {

void PodLogs::append(const std::string& ns, const std::string& pod, const std::string& container,
                     const std::string& line) {
  std::lock_guard<std::mutex> lock(mutex_);
  lines_[{ns, pod, container}].push_back(line);
}

std::string PodLogs::read(const std::string& ns, const std::string& pod,
                          const std::string& container, int tail) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = lines_.find({ns, pod, container});
  if (it == lines_.end()) return "";
  const std::vector<std::string>& lines = it->second;
  size_t first = tail < 0 || static_cast<size_t>(tail) >= lines.size()
                     ? 0
                     : lines.size() - static_cast<size_t>(tail);
  std::string out;
  for (size_t i = first; i < lines.size(); ++i) out += lines[i] + "\n";
  return out;
}

}  // namespace pd::fake_k8s
