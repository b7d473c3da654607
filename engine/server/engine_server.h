// `pd-engine serve`: the workflow behind HTTP. POST /run (JSON body → root input; the execution
// result with 200 or 500), named triggers (`{"trigger": "<name>"}`), webhook triggers on their
// paths with signature checks, GET /health, /ready and /metrics. Request bodies are limited; bad
// JSON is a 400 naming the parse error. On stop, new requests are refused (503) while the ones in
// flight finish.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "engine/exec/workflow_runtime.h"
#include "engine/server/metrics.h"

namespace httplib {
class Server;
}

namespace pd::server {

struct ServerOptions {
  std::string host = "0.0.0.0";
  int port = 8080;  // 0: any free port
  size_t max_body_bytes = 4u << 20;
};

class EngineServer {
 public:
  EngineServer(exec::WorkflowRuntime& runtime, ServerOptions options);
  ~EngineServer();

  // Binds; InvalidArgument/Unavailable naming the address when it cannot.
  Status bind();
  int port() const { return port_; }
  // Serves until stop(); blocks.
  void serve();
  // Refuses new work, lets requests in flight finish, and makes serve() return.
  void stop();

 private:
  void routes();

  exec::WorkflowRuntime& runtime_;
  ServerOptions options_;
  std::unique_ptr<httplib::Server> http_;
  Metrics metrics_;
  std::atomic<bool> draining_{false};
  int port_ = 0;
};

}  // namespace pd::server
