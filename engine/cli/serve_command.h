// `pd-engine serve --workflow DIR [--port 8080]`: loads the workflow (nodes preloaded in
// long-lived contexts on a pool of isolates), serves it over HTTP (engine/server), logs JSON
// lines, and on SIGTERM/SIGINT stops taking work (HTTP after the shutdown delay), lets
// executions in flight finish within the grace period, and exits 0. `pd-engine post URL --data
// JSON` is what the CronJobs run.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace pd::engine {

struct ServeOptions {
  std::string workflow_dir = "/app/workflow";
  std::string host = "0.0.0.0";
  int port = 8080;
  std::optional<std::string> secrets;
  std::string mounted_secrets = "/app/secrets";
  std::string config_dir = "/app/config";
  std::vector<std::string> allow_net;
  std::string scratch_dir = "/tmp";
  std::string cache_dir = "/tmp/pd-cache";
  size_t isolates = 0;
  size_t max_body_bytes = 4u << 20;
  int grace_seconds = 30;
  // After SIGTERM, HTTP requests are still served this long (with /ready answering 503), so
  // that the ones Kubernetes routes here until the pod leaves its Service's endpoints are not
  // refused. Counted within grace_seconds, and shorter than it.
  int shutdown_delay_seconds = 0;
  std::string nats_url;       // overrides config nats_url
  std::string cron = "auto";  // auto (on unless in Kubernetes) | on | off
  // auto (isolates with one isolate, single with several) | isolates (HTTP on each isolate's
  // thread) | single (one loop handing executions to the isolates)
  std::string http_loop = "auto";
};

int serve_workflow(const ServeOptions& options, std::ostream& out, std::ostream& err);

// POSTs `data` to `url`; prints the response body; exit 0 on 2xx, 1 otherwise.
int post_request(const std::string& url, const std::string& data, std::ostream& out,
                 std::ostream& err);

}  // namespace pd::engine
