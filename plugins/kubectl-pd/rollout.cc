#include "plugins/kubectl-pd/rollout.h"

#include <algorithm>
#include <thread>

#include "plugins/kubectl-pd/manifests.h"

namespace pd::kubectl_pd {
namespace {

using Json = nlohmann::json;

std::string pods_path(const std::string& ns, const std::string& name) {
  return "/api/v1/namespaces/" + ns + "/pods?labelSelector=app.kubernetes.io%2Fname%3D" + name;
}

// Why the new pods do not start, if a container says so.
std::string stuck_reason(kube::RestClient& client, const std::string& ns, const std::string& name) {
  Result<Json> pods = client.get(pods_path(ns, name));
  if (!pods.is_ok()) return "";
  for (const Json& pod : pods.value().value("items", Json::array())) {
    for (const Json& status : pod["status"].value("containerStatuses", Json::array())) {
      std::string reason = status.value("state", Json::object()).value("waiting", Json::object()).value("reason", "");
      if (reason == "ImagePullBackOff" || reason == "ErrImagePull") {
        return "pod " + pod["metadata"].value("name", "") + ": " + reason + " (image " +
               status.value("image", "") + ")";
      }
      if (reason == "CrashLoopBackOff") {
        std::string out = "pod " + pod["metadata"].value("name", "") + ": CrashLoopBackOff (" +
                          std::to_string(status.value("restartCount", 0)) + " restarts)";
        Result<kube::ApiResponse> log = client.request(
            "GET", "/api/v1/namespaces/" + ns + "/pods/" + pod["metadata"].value("name", "") +
                       "/log?tailLines=10");
        if (log.is_ok() && log.value().status == 200 && !log.value().body.empty()) {
          out += "; last log lines:\n" + log.value().body;
        }
        return out;
      }
    }
  }
  return "";
}

}  // namespace

std::string rollout_progress(const std::string& name, int desired, int updated, int total,
                             int available) {
  std::string prefix = "Waiting for deployment \"" + name + "\" rollout to finish: ";
  if (updated < desired) {
    return prefix + std::to_string(updated) + " out of " + std::to_string(desired) +
           " new replicas have been updated...";
  }
  if (total > updated) {
    return prefix + std::to_string(total - updated) + " old replicas are pending termination...";
  }
  return prefix + std::to_string(std::min(available, updated)) + " of " + std::to_string(updated) +
         " updated replicas are available...";
}

Status wait_for_rollout(kube::RestClient& client, const std::string& ns, const std::string& name,
                        std::chrono::milliseconds timeout, Io& io) {
  auto started = std::chrono::steady_clock::now();
  auto deadline = started + timeout;
  std::string last_line;
  bool redrawing = false;  // a progress line without its newline is on the terminal
  auto show = [&](const std::string& line, bool final) {
    if (io.err_is_terminal) {
      // Redraw in place with the time spent, so a slow rollout visibly moves.
      auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::steady_clock::now() - started).count();
      io.err << "\r\033[K" << line << (final ? "" : " (" + std::to_string(seconds) + "s)")
             << (final ? "\n" : "") << std::flush;
      redrawing = !final;
    } else if (line != last_line) {
      io.err << line << "\n";
    }
    last_line = line;
  };
  auto finish = [&](Status status) {
    if (redrawing) io.err << "\n";
    return status;
  };
  for (;;) {
    Result<Json> deployment = client.get("/apis/apps/v1/namespaces/" + ns + "/deployments/" + name);
    if (!deployment.is_ok()) return finish(deployment.status());
    const Json& d = deployment.value();
    int64_t generation = d["metadata"].value("generation", 0);
    const Json& status = d.value("status", Json::object());
    int desired = d["spec"].value("replicas", 1);
    int updated = status.value("updatedReplicas", 0);
    int available = status.value("availableReplicas", 0);
    int total = status.value("replicas", 0);
    for (const Json& condition : status.value("conditions", Json::array())) {
      if (condition.value("type", "") == "Progressing" &&
          condition.value("reason", "") == "ProgressDeadlineExceeded") {
        return finish(Status(StatusCode::kDeadlineExceeded,
                             "deployment \"" + name + "\" exceeded its progress deadline"));
      }
    }
    if (status.value("observedGeneration", int64_t{0}) >= generation && updated == desired &&
        available == desired && total == desired) {
      show("deployment \"" + name + "\" successfully rolled out", true);
      return Status();
    }
    show(rollout_progress(name, desired, updated, total, available), false);
    if (std::string reason = stuck_reason(client, ns, name); !reason.empty()) {
      return finish(Status(StatusCode::kUnavailable, "the new version does not start: " + reason));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return finish(Status(StatusCode::kDeadlineExceeded,
                           "timed out waiting for deployment \"" + name + "\" to roll out"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

Result<std::vector<Json>> code_versions(kube::RestClient& client, const std::string& ns,
                                        const std::string& name) {
  Result<Json> list = client.get("/api/v1/namespaces/" + ns +
                                 "/configmaps?labelSelector=app.kubernetes.io%2Fname%3D" + name +
                                 "%2Capp.kubernetes.io%2Fcomponent%3Dcode");
  if (!list.is_ok()) return list.status();
  std::vector<Json> items = list.value().value("items", Json::array());
  auto order = [](const Json& cm) {
    std::string version = cm["metadata"].value("resourceVersion", "0");
    return std::make_pair(cm["metadata"].value("creationTimestamp", ""),
                          std::stoull(version.empty() ? "0" : version));
  };
  std::sort(items.begin(), items.end(),
            [&](const Json& a, const Json& b) { return order(a) > order(b); });
  return items;
}

Status point_deployment_at(kube::RestClient& client, const std::string& ns,
                           const std::string& name, const std::string& version,
                           const std::string& change_cause) {
  std::string cm_name = code_configmap_name(name, version);
  Result<Json> cm = client.get("/api/v1/namespaces/" + ns + "/configmaps/" + cm_name);
  if (!cm.is_ok()) return cm.status();
  std::string path = "/apis/apps/v1/namespaces/" + ns + "/deployments/" + name;
  Result<Json> current = client.get(path);
  if (!current.is_ok()) return current.status();
  Json d = current.value();
  std::string previous = d["metadata"].value("annotations", Json::object()).value(std::string(kAnnotationPrefix) + "version", "");
  std::string original_version = cm.value()["metadata"]["annotations"].value(std::string(kAnnotationPrefix) + "version", version);
  Json& volumes = d["spec"]["template"]["spec"]["volumes"];
  for (Json& volume : volumes) {
    if (volume.value("name", "") == "code") volume = code_volume(cm_name, cm.value());
  }
  std::string slug = version_slug(original_version);
  d["metadata"]["labels"]["app.kubernetes.io/version"] = slug;
  d["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/version"] = slug;
  Json& annotations = d["metadata"]["annotations"];
  annotations[std::string(kAnnotationPrefix) + "version"] = original_version;
  annotations[std::string(kAnnotationPrefix) + "code"] = cm_name;
  annotations[std::string(kAnnotationPrefix) + "previous-version"] = previous;
  annotations["kubernetes.io/change-cause"] = change_cause;
  d.erase("status");
  Result<Json> replaced = client.replace(path, d);
  return replaced.is_ok() ? Status() : replaced.status();
}

}  // namespace pd::kubectl_pd
