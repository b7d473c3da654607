#include "fakes/k8s/pod_runtime.h"

#include "engine/util/clock.h"

namespace pd::fake_k8s {
namespace {

using Json = nlohmann::json;

std::string uid_of(const Json& pod) { return pod["metadata"].value("uid", ""); }

Json condition(const char* type, bool status, const std::string& now) {
  return {{"type", type}, {"status", status ? "True" : "False"}, {"lastTransitionTime", now}};
}

}  // namespace

void SimulatedPodRuntime::add_image_fault(ImageFault fault) {
  std::lock_guard<std::mutex> lock(mutex_);
  faults_.push_back(std::move(fault));
}

std::optional<ImageFault> SimulatedPodRuntime::fault_for(const std::string& image) const {
  for (const ImageFault& fault : faults_) {
    if (image.find(fault.image_substring) != std::string::npos) return fault;
  }
  return std::nullopt;
}

void SimulatedPodRuntime::start(const Json& pod, std::chrono::system_clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  pods_[uid_of(pod)] = Tracked{now, "", 0, false};
}

void SimulatedPodRuntime::stop(const Json& pod) {
  std::lock_guard<std::mutex> lock(mutex_);
  pods_.erase(uid_of(pod));
}

std::optional<Json> SimulatedPodRuntime::status(const Json& pod,
                                                std::chrono::system_clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = pods_.find(uid_of(pod));
  if (it == pods_.end()) return std::nullopt;
  Tracked& tracked = it->second;
  const std::string ns = pod["metadata"].value("namespace", "");
  const std::string name = pod["metadata"].value("name", "");
  const std::string stamp = format_rfc3339(tracked.started);
  bool due = now - tracked.started >= ready_delay_;

  Json statuses = Json::array();
  bool all_ready = true;
  bool any_crash = false;
  for (const Json& container : pod["spec"].value("containers", Json::array())) {
    std::string container_name = container.value("name", "");
    std::string image = container.value("image", "");
    Json status = {{"name", container_name},
                   {"image", image},
                   {"ready", false},
                   {"restartCount", 0},
                   {"started", false}};
    std::optional<ImageFault> fault = fault_for(image);
    if (!due) {
      status["state"] = {{"waiting", {{"reason", "ContainerCreating"}}}};
    } else if (fault && fault->kind == ImageFault::Kind::kImagePullBackOff) {
      status["state"] = {{"waiting",
                          {{"reason", "ImagePullBackOff"},
                           {"message", "Back-off pulling image \"" + image + "\""}}}};
    } else if (fault) {
      any_crash = true;
      status["restartCount"] = tracked.restarts;
      status["state"] = {{"waiting",
                          {{"reason", "CrashLoopBackOff"},
                           {"message", "back-off restarting failed container " + container_name}}}};
      status["lastState"] = {{"terminated", {{"exitCode", 1}, {"reason", "Error"}}}};
    } else {
      status["ready"] = true;
      status["started"] = true;
      status["state"] = {{"running", {{"startedAt", stamp}}}};
      if (!tracked.logged)
        logs_.append(ns, name, container_name, "started container " + container_name);
    }
    all_ready = all_ready && status["ready"].get<bool>();
    statuses.push_back(status);
  }
  if (due && !tracked.logged) tracked.logged = true;
  // A crashing container restarts once per delay period, as the kubelet's back-off would.
  if (any_crash) {
    auto periods = (now - tracked.started) /
                   std::max<std::chrono::milliseconds>(ready_delay_, std::chrono::milliseconds(1));
    tracked.restarts = static_cast<int>(periods);
  }
  std::string phase = due && all_ready ? "Running" : "Pending";
  if (any_crash) phase = "Running";
  Json result = {{"phase", phase},
                 {"hostIP", "10.0.0.1"},
                 {"podIP", "10.244.0." + std::to_string(std::hash<std::string>{}(name) % 250 + 2)},
                 {"startTime", stamp},
                 {"containerStatuses", statuses},
                 {"conditions",
                  {condition("PodScheduled", true, stamp), condition("Initialized", true, stamp),
                   condition("ContainersReady", all_ready && due, stamp),
                   condition("Ready", all_ready && due, stamp)}}};
  std::string serialized = result.dump();
  if (serialized == tracked.last_status) return std::nullopt;
  tracked.last_status = serialized;
  return result;
}

}  // namespace pd::fake_k8s
