// The controllers a real cluster runs, reduced to what kubectl and kubectl pd observe:
// Deployment → ReplicaSet (pod-template-hash, owner reference, revision annotation, old sets
// scaled to 0) → Pods (via a PodRuntime) → ReplicaSet and Deployment status and conditions; a
// `default` ServiceAccount per namespace; and garbage collection of objects whose owner is gone.
// Objects marked as seeded are left exactly as they were given.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>

#include "engine/util/clock.h"
#include "fakes/k8s/object_service.h"
#include "fakes/k8s/pod_runtime.h"

namespace pd::fake_k8s {

class WorkloadController {
 public:
  WorkloadController(ObjectService& objects, PodRuntime& runtime, const Clock& clock);
  ~WorkloadController();

  // One full pass over every workload; deterministic, for tests with a ManualClock.
  void reconcile_all();

  // Runs reconcile_all() after every change and every `tick` until stop().
  void start(std::chrono::milliseconds tick);
  void stop();

  // Objects (by uid) the controllers must not touch: what a seed file set up.
  void mark_seeded(const std::string& uid);

 private:
  void reconcile_deployment(const nlohmann::json& deployment);
  void reconcile_replica_set(const nlohmann::json& replica_set);
  void update_pod_statuses();
  void ensure_default_service_accounts();
  void collect_garbage();
  void record_event(const nlohmann::json& involved, const std::string& type,
                    const std::string& reason, const std::string& message);
  bool seeded(const nlohmann::json& object) const;
  const ResourceType& type(const char* group, const char* plural) const;

  ObjectService& objects_;
  PodRuntime& runtime_;
  const Clock& clock_;
  mutable std::mutex mutex_;  // one reconcile pass at a time
  std::set<std::string> seeded_;
  std::thread thread_;
  std::atomic<bool> running_{false};
  uint64_t event_counter_ = 0;
};

}  // namespace pd::fake_k8s
