#include "fakes/k8s/workload_controller.h"

#include <algorithm>

namespace pd::fake_k8s {
namespace {

using Json = nlohmann::json;

// Like the real controller's hash: short, lowercase, no vowels that could spell words.
std::string template_hash(const Json& pod_template) {
  static constexpr char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  size_t value = std::hash<std::string>{}(pod_template.dump());
  std::string out;
  for (int i = 0; i < 10; ++i) {
    out += kAlphabet[value % 27];
    value /= 27;
  }
  return out;
}

Json owner_reference(const Json& owner) {
  return {{"apiVersion", owner.value("apiVersion", "")},
          {"kind", owner.value("kind", "")},
          {"name", owner["metadata"].value("name", "")},
          {"uid", owner["metadata"].value("uid", "")},
          {"controller", true},
          {"blockOwnerDeletion", true}};
}

bool owned_by(const Json& object, const std::string& uid) {
  for (const Json& ref : object["metadata"].value("ownerReferences", Json::array())) {
    if (ref.value("uid", "") == uid && ref.value("controller", false)) return true;
  }
  return false;
}

int revision_of(const Json& object) {
  std::string text = object["metadata"]
                         .value("annotations", Json::object())
                         .value("deployment.kubernetes.io/revision", "0");
  return std::atoi(text.c_str());
}

// The template as the ReplicaSet's pods are labelled, without the hash label.
Json without_hash(Json pod_template) {
  if (pod_template.contains("metadata") && pod_template["metadata"].contains("labels")) {
    pod_template["metadata"]["labels"].erase("pod-template-hash");
  }
  return pod_template;
}

int ready_count(const std::vector<Json>& pods) {
  int ready = 0;
  for (const Json& pod : pods) {
    for (const Json& c : pod.value("status", Json::object()).value("conditions", Json::array())) {
      if (c.value("type", "") == "Ready" && c.value("status", "") == "True") ++ready;
    }
  }
  return ready;
}

}  // namespace

WorkloadController::WorkloadController(ObjectService& objects, PodRuntime& runtime,
                                       const Clock& clock)
    : objects_(objects), runtime_(runtime), clock_(clock) {}

WorkloadController::~WorkloadController() { stop(); }

const ResourceType& WorkloadController::type(const char* group, const char* plural) const {
  return *objects_.catalog().find(group, "v1", plural);
}

void WorkloadController::mark_seeded(const std::string& uid) {
  std::lock_guard<std::mutex> lock(mutex_);
  seeded_.insert(uid);
}

bool WorkloadController::seeded(const Json& object) const {
  return seeded_.count(object["metadata"].value("uid", "")) > 0;
}

void WorkloadController::start(std::chrono::milliseconds tick) {
  running_ = true;
  thread_ = std::thread([this, tick] {
    uint64_t seen = objects_.store().resource_version();
    while (running_) {
      reconcile_all();
      auto deadline = std::chrono::steady_clock::now() + tick;
      // Wake early on any change, then settle: the pass itself makes changes.
      objects_.store().wait_events(seen, deadline, [](const WatchEvent&) { return true; });
      seen = objects_.store().resource_version();
    }
  });
}

void WorkloadController::stop() {
  running_ = false;
  if (thread_.joinable()) thread_.join();
}

void WorkloadController::reconcile_all() {
  std::lock_guard<std::mutex> lock(mutex_);
  ensure_default_service_accounts();
  collect_garbage();
  for (const Json& d : objects_.store().list(type("apps", "deployments"), "", nullptr).items) {
    if (!seeded(d)) reconcile_deployment(d);
  }
  for (const Json& rs : objects_.store().list(type("apps", "replicasets"), "", nullptr).items) {
    if (!seeded(rs)) reconcile_replica_set(rs);
  }
  update_pod_statuses();
  // Deployment status depends on pod readiness, so look once more.
  for (const Json& d : objects_.store().list(type("apps", "deployments"), "", nullptr).items) {
    if (!seeded(d)) reconcile_deployment(d);
  }
}

void WorkloadController::ensure_default_service_accounts() {
  const ResourceType& accounts = type("", "serviceaccounts");
  for (const Json& ns : objects_.store().list(type("", "namespaces"), "", nullptr).items) {
    std::string name = ns["metadata"].value("name", "");
    if (!objects_.store().get(accounts, name, "default")) {
      objects_.create(accounts, name, {{"metadata", {{"name", "default"}}}});
    }
  }
}

void WorkloadController::collect_garbage() {
  // Dependents whose controlling owner no longer exists are deleted, as the garbage collector
  // does with background propagation.
  for (const char* plural : {"replicasets", "pods"}) {
    const ResourceType& dependents =
        plural == std::string("pods") ? type("", "pods") : type("apps", plural);
    for (const Json& object : objects_.store().list(dependents, "", nullptr).items) {
      const Json refs = object["metadata"].value("ownerReferences", Json::array());
      for (const Json& ref : refs) {
        if (!ref.value("controller", false)) continue;
        std::string kind = ref.value("kind", "");
        const ResourceType* owner_type =
            objects_.catalog().find_kind(ref.value("apiVersion", ""), kind);
        if (owner_type == nullptr) continue;
        std::string ns = object["metadata"].value("namespace", "");
        std::optional<Json> owner = objects_.store().get(*owner_type, ns, ref.value("name", ""));
        if (!owner || owner->at("metadata").value("uid", "") != ref.value("uid", "")) {
          if (dependents.kind == "Pod") runtime_.stop(object);
          objects_.remove(dependents, ns, object["metadata"]["name"]);
        }
      }
    }
  }
}

void WorkloadController::record_event(const Json& involved, const std::string& event_type,
                                      const std::string& reason, const std::string& message) {
  const Json& metadata = involved["metadata"];
  std::string ns = metadata.value("namespace", "default");
  std::string now = format_rfc3339(clock_.now());
  char suffix[20];
  std::snprintf(suffix, sizeof(suffix), ".%016llx",
                static_cast<unsigned long long>(++event_counter_ * 2654435761ULL));
  objects_.create(type("", "events"), ns,
                  {{"metadata", {{"name", metadata.value("name", "") + suffix}}},
                   {"involvedObject",
                    {{"apiVersion", involved.value("apiVersion", "")},
                     {"kind", involved.value("kind", "")},
                     {"name", metadata.value("name", "")},
                     {"namespace", ns},
                     {"uid", metadata.value("uid", "")}}},
                   {"type", event_type},
                   {"reason", reason},
                   {"message", message},
                   {"count", 1},
                   {"firstTimestamp", now},
                   {"lastTimestamp", now},
                   {"source", {{"component", "pd-fake-cluster"}}}});
}

void WorkloadController::reconcile_deployment(const Json& d) {
  const ResourceType& deployments = type("apps", "deployments");
  const ResourceType& replica_sets = type("apps", "replicasets");
  const Json& metadata = d["metadata"];
  std::string ns = metadata.value("namespace", "");
  std::string name = metadata.value("name", "");
  std::string uid = metadata.value("uid", "");
  const Json spec = d.value("spec", Json::object());
  int replicas = spec.value("replicas", 1);
  Json pod_template = spec.value("template", Json::object());

  std::vector<Json> owned;
  for (const Json& rs : objects_.store().list(replica_sets, ns, nullptr).items) {
    if (owned_by(rs, uid)) owned.push_back(rs);
  }
  int max_revision = 0;
  const Json* current = nullptr;
  for (const Json& rs : owned) {
    max_revision = std::max(max_revision, revision_of(rs));
    if (without_hash(rs["spec"].value("template", Json::object())) == without_hash(pod_template)) {
      current = &rs;
    }
  }
  std::string hash = template_hash(pod_template);
  Json annotations = metadata.value("annotations", Json::object());
  std::string change_cause = annotations.value("kubernetes.io/change-cause", "");
  std::string current_name;
  int current_revision = 0;
  if (current == nullptr) {
    current_revision = max_revision + 1;
    current_name = name + "-" + hash;
    Json rs_template = pod_template;
    rs_template["metadata"]["labels"]["pod-template-hash"] = hash;
    Json selector = spec.value("selector", Json::object());
    selector["matchLabels"]["pod-template-hash"] = hash;
    Json rs_annotations = {{"deployment.kubernetes.io/revision", std::to_string(current_revision)},
                           {"deployment.kubernetes.io/desired-replicas", std::to_string(replicas)}};
    if (!change_cause.empty()) rs_annotations["kubernetes.io/change-cause"] = change_cause;
    Json rs = {
        {"metadata",
         {{"name", current_name},
          {"labels", rs_template["metadata"]["labels"]},
          {"annotations", rs_annotations},
          {"ownerReferences", {owner_reference(d)}}}},
        {"spec", {{"replicas", replicas}, {"selector", selector}, {"template", rs_template}}}};
    objects_.create(replica_sets, ns, rs);
    record_event(d, "Normal", "ScalingReplicaSet",
                 "Scaled up replica set " + current_name + " to " + std::to_string(replicas));
  } else {
    current_name = (*current)["metadata"].value("name", "");
    current_revision = revision_of(*current);
    if (current_revision < max_revision) current_revision = max_revision + 1;  // rollback
    Json patch = {{"metadata",
                   {{"annotations",
                     {{"deployment.kubernetes.io/revision", std::to_string(current_revision)}}}}},
                  {"spec", {{"replicas", replicas}}}};
    if (!change_cause.empty()) {
      patch["metadata"]["annotations"]["kubernetes.io/change-cause"] = change_cause;
    }
    objects_.patch(replica_sets, ns, current_name, PatchType::kMerge, patch);
  }
  for (const Json& rs : owned) {
    std::string rs_name = rs["metadata"].value("name", "");
    if (rs_name != current_name && rs["spec"].value("replicas", 0) != 0) {
      objects_.patch(replica_sets, ns, rs_name, PatchType::kMerge, {{"spec", {{"replicas", 0}}}});
      record_event(d, "Normal", "ScalingReplicaSet",
                   "Scaled down replica set " + rs_name + " to 0");
    }
  }
  if (annotations.value("deployment.kubernetes.io/revision", "") !=
      std::to_string(current_revision)) {
    objects_.patch(
        deployments, ns, name, PatchType::kMerge,
        {{"metadata",
          {{"annotations",
            {{"deployment.kubernetes.io/revision", std::to_string(current_revision)}}}}}});
  }

  // Status from the pods of every owned ReplicaSet.
  int total = 0, updated = 0, ready = 0;
  for (const Json& rs : objects_.store().list(replica_sets, ns, nullptr).items) {
    if (!owned_by(rs, uid)) continue;
    std::string rs_uid = rs["metadata"].value("uid", "");
    std::vector<Json> pods;
    for (const Json& pod : objects_.store().list(type("", "pods"), ns, nullptr).items) {
      if (owned_by(pod, rs_uid)) pods.push_back(pod);
    }
    total += static_cast<int>(pods.size());
    if (rs["metadata"].value("name", "") == current_name) {
      updated = static_cast<int>(pods.size());
      ready = ready_count(pods);
    }
  }
  std::string now = format_rfc3339(clock_.now());
  bool complete = updated == replicas && ready == replicas && total == replicas;
  Json conditions = {
      {{"type", "Available"},
       {"status", ready >= replicas ? "True" : "False"},
       {"reason", ready >= replicas ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable"},
       {"message", ready >= replicas ? "Deployment has minimum availability."
                                     : "Deployment does not have minimum availability."},
       {"lastUpdateTime", now},
       {"lastTransitionTime", now}},
      {{"type", "Progressing"},
       {"status", "True"},
       {"reason", complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated"},
       {"message", complete ? "ReplicaSet \"" + current_name + "\" has successfully progressed."
                            : "ReplicaSet \"" + current_name + "\" is progressing."},
       {"lastUpdateTime", now},
       {"lastTransitionTime", now}}};
  Json status = {{"observedGeneration", metadata.value("generation", 1)},
                 {"replicas", total},
                 {"updatedReplicas", updated},
                 {"readyReplicas", ready},
                 {"availableReplicas", ready},
                 {"unavailableReplicas", std::max(0, replicas - ready)},
                 {"conditions", conditions}};
  Json old_status = d.value("status", Json::object());
  // Timestamps alone do not make a new status: compare without them.
  auto strip = [](Json s) {
    for (Json& c : s["conditions"]) {
      c.erase("lastUpdateTime");
      c.erase("lastTransitionTime");
    }
    return s;
  };
  if (!old_status.contains("conditions") || strip(old_status) != strip(status)) {
    objects_.patch(deployments, ns, name, PatchType::kMerge, {{"status", status}}, "status");
  }
}

void WorkloadController::reconcile_replica_set(const Json& rs) {
  const ResourceType& pods_type = type("", "pods");
  const Json& metadata = rs["metadata"];
  std::string ns = metadata.value("namespace", "");
  std::string name = metadata.value("name", "");
  std::string uid = metadata.value("uid", "");
  int replicas = rs["spec"].value("replicas", 1);
  std::vector<Json> pods;
  for (const Json& pod : objects_.store().list(pods_type, ns, nullptr).items) {
    if (owned_by(pod, uid)) pods.push_back(pod);
  }
  Json pod_template = rs["spec"].value("template", Json::object());
  while (static_cast<int>(pods.size()) < replicas) {
    Json pod_metadata = pod_template.value("metadata", Json::object());
    pod_metadata["generateName"] = name + "-";
    pod_metadata["ownerReferences"] = {owner_reference(rs)};
    ApiResponse created = objects_.create(pods_type, ns,
                                          {{"metadata", pod_metadata},
                                           {"spec", pod_template.value("spec", Json::object())},
                                           {"status", {{"phase", "Pending"}}}});
    if (!created.ok()) return;
    runtime_.start(created.body, clock_.now());
    pods.push_back(created.body);
  }
  while (static_cast<int>(pods.size()) > replicas) {
    const Json& victim = pods.back();
    runtime_.stop(victim);
    objects_.remove(pods_type, ns, victim["metadata"]["name"]);
    pods.pop_back();
  }
  int ready = ready_count(pods);
  Json status = {{"replicas", static_cast<int>(pods.size())},
                 {"fullyLabeledReplicas", static_cast<int>(pods.size())},
                 {"readyReplicas", ready},
                 {"availableReplicas", ready},
                 {"observedGeneration", metadata.value("generation", 1)}};
  if (rs.value("status", Json::object()) != status) {
    objects_.patch(type("apps", "replicasets"), ns, name, PatchType::kMerge, {{"status", status}},
                   "status");
  }
}

void WorkloadController::update_pod_statuses() {
  const ResourceType& pods_type = type("", "pods");
  for (const Json& pod : objects_.store().list(pods_type, "", nullptr).items) {
    std::optional<Json> status = runtime_.status(pod, clock_.now());
    if (!status) continue;
    std::string ns = pod["metadata"].value("namespace", "");
    std::string name = pod["metadata"].value("name", "");
    for (const Json& c : (*status)["containerStatuses"]) {
      std::string reason = c["state"].value("waiting", Json::object()).value("reason", "");
      if (reason == "ImagePullBackOff" || reason == "CrashLoopBackOff") {
        record_event(pod, "Warning", reason == "ImagePullBackOff" ? "Failed" : "BackOff",
                     c["state"]["waiting"].value("message", reason));
      }
    }
    objects_.patch(pods_type, ns, name, PatchType::kMerge, {{"status", *status}}, "status");
  }
  // Replica set readiness follows pod readiness.
  for (const Json& rs : objects_.store().list(type("apps", "replicasets"), "", nullptr).items) {
    if (!seeded(rs)) reconcile_replica_set(rs);
  }
}

}  // namespace pd::fake_k8s
