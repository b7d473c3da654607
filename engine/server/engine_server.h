// `pd-engine serve`: the workflow behind HTTP. POST /run (JSON body → root input; the execution
// result with 200 or 500), named triggers (`{"trigger": "<name>"}`), webhook triggers on their
// paths with signature checks (running the workflow, or in gateway mode publishing the event to
// NATS and answering 202 once JetStream stored it), GET /health, /ready and /metrics. Request
// bodies are limited; bad JSON is a 400 naming the parse error. On stop, new requests are refused
// (503) while the ones in flight finish; announce_stop() before that only fails /ready.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "engine/exec/workflow_runtime.h"
#include "engine/nats/nats_client.h"
#include "engine/server/event_http_server.h"
#include "engine/server/metrics.h"
#include "engine/util/worker_pool.h"

namespace pd::server {

struct ServerOptions {
  std::string host = "0.0.0.0";
  int port = 8080;  // 0: any free port
  size_t max_body_bytes = 4u << 20;
  // Threads for the work that waits (gateway publishes wait for JetStream's ack); executions
  // themselves hold no thread while they run.
  size_t blocking_threads = 8;
  // HTTP runs on the isolates' own loop threads (one event loop per isolate, sharing the
  // listening socket), so a request is read, executed and answered without changing threads.
  // serve()'s thread then runs a standby loop that serves new connections only while every
  // isolate runs a long node (so that /health is still answered).
  // false: one event loop on serve()'s thread hands executions to the isolates (a thread
  // change each way; `pd-engine serve --http-loop single`, and its default with several
  // isolates).
  bool http_on_isolates = true;
};

class EngineServer {
 public:
  EngineServer(exec::WorkflowRuntime& runtime, ServerOptions options);
  ~EngineServer();

  // Binds; InvalidArgument/Unavailable naming the address when it cannot.
  Status bind();
  int port() const { return http_.port(); }
  // Serves until stop(); blocks.
  void serve();
  // GET /ready answers 503 from now on, while everything else is still served: the engine is
  // about to stop (the shutdown delay), and should be taken out of the Service's endpoints.
  void announce_stop() { stopping_ = true; }
  // Refuses new work, lets requests in flight finish, and makes serve() return.
  void stop();

  // Webhooks in gateway mode publish through this (not set: they answer 503).
  void set_publisher(nats::EventPublisher* publisher) { publisher_ = publisher; }
  // Consulted by GET /ready: "" when ready, else the reason (e.g. not connected to NATS).
  void set_readiness(std::function<std::string()> check) { readiness_ = std::move(check); }
  Metrics& metrics() { return metrics_; }

 private:
  void routes();
  // Blocks until JetStream answers: runs on blocking_.
  ServerReply publish_event(const std::string& trigger, const std::string& subject_template,
                            const ServerRequest& req);
  void run_execution(const std::string& trigger, nlohmann::json input, std::string input_json,
                     Responder respond);

  exec::WorkflowRuntime& runtime_;
  ServerOptions options_;
  EventHttpServer http_;
  Metrics metrics_;
  std::atomic<bool> draining_{false};
  std::atomic<bool> stopping_{false};  // announce_stop(): not ready, still serving
  nats::EventPublisher* publisher_ = nullptr;
  std::function<std::string()> readiness_;
  // Last: its destructor finishes queued work, which uses everything above.
  WorkerPool blocking_;
};

}  // namespace pd::server
