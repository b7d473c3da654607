// An HTTP/1.1 server on one or more libevent event loops: each connection is read and written
// with edge-triggered events (no epoll_ctl per request) and parsed by HttpRequestStream
// (http_wire.h), which applies the limits (a body over the limit: 413; headers over 64 KiB:
// 400; both as JSON) and 100-continue; keep-alive, pipelining (answered in order), and an idle
// timeout that also bounds a request from its first byte to its last. Every loop accepts from
// the same listening socket; the connection then goes to the responsive loop with the fewest
// connections (to the standby loop, if there is one, only when no other loop is responsive).
// A loop runs on a thread of its own, or on a thread someone else drives (a V8
// isolate's loop, through LoopWaiter), so that a request is read, executed and answered on one
// thread. Handlers run on their loop's thread and answer later, from any thread, through their
// Responder, so no thread sits waiting while an execution runs: answers that arrive together
// are written in one pass of the loop. Handlers must not block the loop; work that waits belongs
// on a thread of its own.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/server/http_wire.h"
#include "engine/util/loop_waiter.h"
#include "engine/util/status.h"

namespace pd::server {

// Answers one request; call it once, from any thread.
using Responder = std::function<void(ServerReply)>;
using RouteHandler = std::function<void(const ServerRequest&, Responder)>;

struct EventHttpServerOptions {
  std::string host = "0.0.0.0";
  int port = 8080;  // 0: any free port
  size_t max_body_bytes = 4u << 20;
  int idle_timeout_seconds = 60;  // keep-alive connections with nothing to say are closed
  size_t loops = 1;               // event loops sharing the listening socket (at least 1)
  // One loop more, run by serve(), that accepts connections only while no other loop
  // is responsive (every isolate running a long node; it looks every 50 ms), so that a liveness
  // probe still gets its answer, and closes each after one answer.
  bool standby_loop = false;
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
  // Before serve(): loop `index` (< loops; never the standby loop) is run by whichever thread
  // calls the returned waiter's wait() (a Runtime's loop, Runtime::set_waiter); serve() starts
  // no thread for it. That thread must stop calling it (set_waiter(nullptr)) before this server
  // is destroyed.
  std::shared_ptr<LoopWaiter> adopt_loop(size_t index);
  // Runs the loops nobody adopted (the first on the calling thread, others on threads of their
  // own) until stop(), and returns once every loop has answered and written every request it
  // handed to a handler. Once per server: a loop that has finished does not start again.
  void serve();
  // Any thread: stops accepting connections; serve() returns once the requests in hand are done.
  void stop();

  struct Routes;
  struct Loop;

 private:
  EventHttpServerOptions options_;
  std::shared_ptr<Routes> routes_;
  std::vector<std::shared_ptr<Loop>> loops_;
  std::vector<bool> adopted_;
  int port_ = 0;
};

}  // namespace pd::server
