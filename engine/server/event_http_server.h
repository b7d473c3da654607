// An HTTP/1.1 server on one event loop (libevent's evhttp): connections, request parsing,
// keep-alive, limits (a body over the limit: 413; headers over 64 KiB: 400) and 100-continue are
// libevent's. Handlers run on the loop thread and answer later, from any thread, through their
// Responder, so no thread sits waiting while an execution runs: answers that arrive together
// are written in one pass of the loop.
// Handlers must not block the loop; work that waits belongs on a thread of its own.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/util/status.h"

namespace pd::server {

struct ServerRequest {
  std::string method;                                        // "GET", "POST", …
  std::string path;                                          // without the query string
  std::vector<std::pair<std::string, std::string>> headers;  // as received
  std::string body;

  // The first value of a header (names compare case-insensitively); "" when absent.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
};

struct ServerReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
};

// Answers one request; call it once, from any thread.
using Responder = std::function<void(ServerReply)>;
using RouteHandler = std::function<void(const ServerRequest&, Responder)>;

struct EventHttpServerOptions {
  std::string host = "0.0.0.0";
  int port = 8080;  // 0: any free port
  size_t max_body_bytes = 4u << 20;
  int idle_timeout_seconds = 60;  // keep-alive connections with nothing to say are closed
};

class EventHttpServer {
 public:
  explicit EventHttpServer(EventHttpServerOptions options);
  ~EventHttpServer();
  EventHttpServer(const EventHttpServer&) = delete;
  EventHttpServer& operator=(const EventHttpServer&) = delete;

  // Before serve(). `method` and `path` match exactly.
  void route(const std::string& method, const std::string& path, RouteHandler handler);
  // For requests no route matches (default: a JSON 404).
  void set_fallback(RouteHandler handler);

  // Unavailable naming the address when it cannot listen there.
  Status bind();
  int port() const;
  // Runs the loop on the calling thread until stop() and every request handed to a handler has
  // been answered and written.
  void serve();
  // Any thread: stops accepting connections; serve() returns once the requests in hand are done.
  void stop();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace pd::server
