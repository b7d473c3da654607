#include "fakes/k8s/pod_logs.h"

namespace pd::fake_k8s {

void PodLogs::append(const std::string& ns, const std::string& pod, const std::string& container,
                     const std::string& line) {
  std::lock_guard<std::mutex> lock(mutex_);
  lines_[{ns, pod, container}].push_back(line);
  appended_.notify_all();
}

std::string PodLogs::read_from(const std::string& ns, const std::string& pod,
                               const std::string& container, size_t& next,
                               std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock<std::mutex> lock(mutex_);
  auto available = [&] {
    auto it = lines_.find({ns, pod, container});
    return it != lines_.end() && it->second.size() > next;
  };
  appended_.wait_until(lock, deadline, available);
  if (!available()) return "";
  const std::vector<std::string>& lines = lines_.find({ns, pod, container})->second;
  std::string out;
  for (; next < lines.size(); ++next) out += lines[next] + "\n";
  return out;
}

size_t PodLogs::line_count(const std::string& ns, const std::string& pod,
                           const std::string& container) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = lines_.find({ns, pod, container});
  return it == lines_.end() ? 0 : it->second.size();
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
