// What "running a pod" means in the fake cluster. The simulation runtime moves pods from Pending
// to Running/Ready after a delay, writes a log line per container start, and fails images that
// match a fault pattern (ImagePullBackOff, or CrashLoopBackOff with growing restart counts). A
// later runtime can start real pd-engine processes behind the same interface.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "fakes/k8s/pod_logs.h"

namespace pd::fake_k8s {

class PodRuntime {
 public:
  virtual ~PodRuntime() = default;
  // A pod the controllers created; `now` is the cluster clock.
  virtual void start(const nlohmann::json& pod, std::chrono::system_clock::time_point now) = 0;
  // The pod's status as it should be at `now`, or nothing when it has not changed since the
  // last call (or the pod is not one this runtime started).
  virtual std::optional<nlohmann::json> status(const nlohmann::json& pod,
                                               std::chrono::system_clock::time_point now) = 0;
  virtual void stop(const nlohmann::json& pod) = 0;
};

// Images whose reference contains `image_substring` never become ready.
struct ImageFault {
  std::string image_substring;
  enum class Kind { kImagePullBackOff, kCrashLoopBackOff } kind = Kind::kImagePullBackOff;
};

class SimulatedPodRuntime : public PodRuntime {
 public:
  SimulatedPodRuntime(PodLogs& logs, std::chrono::milliseconds ready_delay)
      : logs_(logs), ready_delay_(ready_delay) {}

  void add_image_fault(ImageFault fault);

  void start(const nlohmann::json& pod, std::chrono::system_clock::time_point now) override;
  std::optional<nlohmann::json> status(const nlohmann::json& pod,
                                       std::chrono::system_clock::time_point now) override;
  void stop(const nlohmann::json& pod) override;

 private:
  struct Tracked {
    std::chrono::system_clock::time_point started;
    std::string last_status;  // serialized, to report changes only
    int restarts = 0;
    bool logged = false;
  };

  std::optional<ImageFault> fault_for(const std::string& image) const;

  PodLogs& logs_;
  std::chrono::milliseconds ready_delay_;
  mutable std::mutex mutex_;
  std::vector<ImageFault> faults_;
  std::map<std::string, Tracked> pods_;  // by uid
};

}  // namespace pd::fake_k8s
