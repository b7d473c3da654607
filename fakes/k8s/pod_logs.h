// Container logs of fake pods: lines appended by the simulation (one per container start) and by
// tests, read back by `GET pods/<name>/log`.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace pd::fake_k8s {

class PodLogs {
 public:
  void append(const std::string& ns, const std::string& pod, const std::string& container,
              const std::string& line);
  // The last `tail` lines (all when tail < 0), each ending in '\n'.
  std::string read(const std::string& ns, const std::string& pod, const std::string& container,
                   int tail = -1) const;
  // For `follow`: the lines from index `next` on (advancing it), waiting until `deadline` for at
  // least one when there are none yet.
  std::string read_from(const std::string& ns, const std::string& pod,
                        const std::string& container, size_t& next,
                        std::chrono::steady_clock::time_point deadline) const;
  size_t line_count(const std::string& ns, const std::string& pod,
                    const std::string& container) const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable appended_;
  std::map<std::tuple<std::string, std::string, std::string>, std::vector<std::string>> lines_;
};

}  // namespace pd::fake_k8s
