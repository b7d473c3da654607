#include "engine/server/event_http_server.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <map>
#include <mutex>
#include <thread>

#include "engine/util/thread_name.h"

namespace pd::server {
namespace {

// Process-wide, once: libevent's locking must be on before the first event base exists (it is
// what lets responders on other threads wake the loop), and a write to a client that hung up
// must fail with EPIPE instead of killing the process (libevent writes with plain writev).
void prepare_process_for_libevent() {
  static std::once_flag once;
  std::call_once(once, [] {
    evthread_use_pthreads();
    std::signal(SIGPIPE, SIG_IGN);
  });
}

std::string method_name(evhttp_cmd_type command) {
  switch (command) {
    case EVHTTP_REQ_GET:
      return "GET";
    case EVHTTP_REQ_POST:
      return "POST";
    case EVHTTP_REQ_HEAD:
      return "HEAD";
    case EVHTTP_REQ_PUT:
      return "PUT";
    case EVHTTP_REQ_DELETE:
      return "DELETE";
    case EVHTTP_REQ_OPTIONS:
      return "OPTIONS";
    case EVHTTP_REQ_TRACE:
      return "TRACE";
    case EVHTTP_REQ_CONNECT:
      return "CONNECT";
    case EVHTTP_REQ_PATCH:
      return "PATCH";
  }
  return "UNKNOWN";
}

}  // namespace

namespace {
const std::string* find_header(const std::vector<std::pair<std::string, std::string>>& headers,
                               std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) {
      return &value;
    }
  }
  return nullptr;
}
}  // namespace

std::string ServerRequest::header(std::string_view name) const {
  const std::string* value = find_header(headers, name);
  return value ? *value : "";
}

bool ServerRequest::has_header(std::string_view name) const {
  return find_header(headers, name) != nullptr;
}

// What every loop serves, and how serve() learns that a loop is done.
struct EventHttpServer::Routes {
  std::map<std::pair<std::string, std::string>, RouteHandler> routes;
  RouteHandler fallback;
  std::mutex mutex;
  std::condition_variable finished_changed;
  // Loops done. Never reset: an adopted loop serves (and may finish, on an early stop()) before
  // serve() is even called, and a reset there lost that finish and left serve() waiting forever.
  size_t finished = 0;
};

// One event base with its own evhttp. Loop-thread state is touched only by the thread that runs
// the base (its own, or the adopter calling wait()).
struct EventHttpServer::Loop : LoopWaiter, std::enable_shared_from_this<Loop> {
  std::shared_ptr<Routes> shared;
  event_base* base = nullptr;
  evhttp* http = nullptr;
  evhttp_bound_socket* socket = nullptr;
  event* wake_event = nullptr;  // answers from other threads, stop, LoopWaiter::wake
  event* finish_event =
      nullptr;  // frees evhttp from the loop's top level, never from its callbacks
  event* backstop_event = nullptr;  // gives up on replies still being written
  event* timeout_event = nullptr;   // bounds wait()
  event* accept_again = nullptr;    // re-enables the listener on the next pass
  bool own_thread = true;

  // Shared with responders on other threads.
  std::mutex mutex;
  std::vector<std::pair<evhttp_request*, ServerReply>> answers;
  bool stop_requested = false;
  bool closed = false;  // the server is gone: answers are dropped
  std::atomic<std::thread::id> loop_thread{};

  // Loop thread only.
  size_t unanswered = 0;  // handed to a handler, no answer yet
  size_t unwritten = 0;   // answered, reply not yet written out
  bool stopping = false;
  bool finishing = false;

  Loop(std::shared_ptr<Routes> routes, const EventHttpServerOptions& options)
      : shared(std::move(routes)) {
    base = event_base_new();
    http = evhttp_new(base);
    evhttp_set_max_body_size(http, static_cast<ev_ssize_t>(options.max_body_bytes));
    evhttp_set_timeout(http, options.idle_timeout_seconds);
    // libevent's default lets a request's headers grow without bound.
    evhttp_set_max_headers_size(http, 64 * 1024);
    evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
                                         EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH |
                                         EVHTTP_REQ_OPTIONS);
    evhttp_set_gencb(http, &Loop::on_request, this);
    wake_event = event_new(base, -1, 0, &Loop::on_wake, this);
    finish_event = event_new(base, -1, 0, &Loop::on_finish, this);
    backstop_event = evtimer_new(base, &Loop::on_finish, this);
    timeout_event = evtimer_new(
        base, [](evutil_socket_t, short, void*) {}, nullptr);
    accept_again = evtimer_new(base, &Loop::on_accept_again, this);
    evhttp_set_bevcb(http, &Loop::on_accepted, this);
  }
  ~Loop() override {
    if (http) evhttp_free(http);
    for (event* e : {wake_event, finish_event, backstop_event, timeout_event, accept_again}) {
      event_free(e);
    }
    event_base_free(base);
  }

  static void on_request(evhttp_request* req, void* arg) { static_cast<Loop*>(arg)->handle(req); }
  static void on_wake(evutil_socket_t, short, void* arg) { static_cast<Loop*>(arg)->drain(); }
  static void on_finish(evutil_socket_t, short, void* arg) { static_cast<Loop*>(arg)->finish(); }
  // Every loop accepts from one socket, and libevent's listener would take every connection
  // waiting at once: a burst of connections (a client opening its pool) would all land on the
  // loop that woke first. One connection per pass instead, so idle loops share a burst and a
  // busy one (running JavaScript, not polling) leaves new connections to the others.
  static bufferevent* on_accepted(event_base* base, void* arg) {
    Loop* loop = static_cast<Loop*>(arg);
    if (loop->socket) {
      evconnlistener_disable(evhttp_bound_socket_get_listener(loop->socket));
      timeval now{0, 0};
      evtimer_add(loop->accept_again, &now);
    }
    return bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);  // evhttp's own default
  }
  static void on_accept_again(evutil_socket_t, short, void* arg) {
    Loop* loop = static_cast<Loop*>(arg);
    if (loop->socket) evconnlistener_enable(evhttp_bound_socket_get_listener(loop->socket));
  }
  static void on_written(evhttp_request*, void* arg) {
    Loop* loop = static_cast<Loop*>(arg);
    loop->unwritten--;
    loop->maybe_finish();
  }

  // --- LoopWaiter: an adopter's thread runs the base here ---
  void wait(std::optional<std::chrono::steady_clock::time_point> until) override {
    loop_thread = std::this_thread::get_id();
    auto now = std::chrono::steady_clock::now();
    if (until && *until <= now) {
      event_base_loop(base, EVLOOP_NONBLOCK);
      return;
    }
    if (until) {
      auto micros = std::chrono::duration_cast<std::chrono::microseconds>(*until - now).count();
      timeval delay{static_cast<time_t>(micros / 1000000),
                    static_cast<suseconds_t>(micros % 1000000)};
      evtimer_add(timeout_event, &delay);
    }
    // Returns once the callbacks of at least one event have run (a request, a wake, the timer).
    event_base_loop(base, EVLOOP_ONCE | EVLOOP_NO_EXIT_ON_EMPTY);
    if (until) evtimer_del(timeout_event);
  }
  void wake() override { event_active(wake_event, EV_READ, 0); }

  void run_on_own_thread() {
    loop_thread = std::this_thread::get_id();
    {
      // A stop() before the loop ran is seen on its first pass.
      std::lock_guard<std::mutex> lock(mutex);
      if (stop_requested) event_active(wake_event, EV_READ, 0);
    }
    // Answers from other threads arrive through the wake event: keep looping with nothing to
    // watch.
    event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY);
    loop_thread = std::thread::id();
  }

  void request_stop() {
    std::lock_guard<std::mutex> lock(mutex);
    if (stop_requested) return;
    stop_requested = true;
    event_active(wake_event, EV_READ, 0);
  }

  void close() {
    std::lock_guard<std::mutex> lock(mutex);
    closed = true;
    answers.clear();
  }

  void handle(evhttp_request* req) {
    ServerRequest request;
    request.method = method_name(evhttp_request_get_command(req));
    const evhttp_uri* uri = evhttp_request_get_evhttp_uri(req);
    const char* path = uri ? evhttp_uri_get_path(uri) : nullptr;
    request.path = path && *path ? path : "/";
    evkeyvalq* headers = evhttp_request_get_input_headers(req);
    for (evkeyval* h = headers->tqh_first; h; h = h->next.tqe_next) {
      request.headers.emplace_back(h->key, h->value);
    }
    evbuffer* input = evhttp_request_get_input_buffer(req);
    size_t length = evbuffer_get_length(input);
    request.body.resize(length);
    if (length > 0) evbuffer_copyout(input, request.body.data(), length);
    unanswered++;
    unwritten++;
    evhttp_request_set_on_complete_cb(req, &Loop::on_written, this);
    auto found = shared->routes.find({request.method, request.path});
    const RouteHandler& handler = found != shared->routes.end() ? found->second : shared->fallback;
    handler(request, responder(req));
  }

  Responder responder(evhttp_request* req) {
    return [self = shared_from_this(), req](ServerReply reply) {
      if (std::this_thread::get_id() == self->loop_thread.load()) {
        return self->send(req, std::move(reply));
      }
      std::lock_guard<std::mutex> lock(self->mutex);
      if (self->closed) return;
      bool was_empty = self->answers.empty();
      self->answers.emplace_back(req, std::move(reply));
      if (was_empty) event_active(self->wake_event, EV_READ, 0);
    };
  }

  void send(evhttp_request* req, ServerReply reply) {
    unanswered--;
    // A client that went away leaves the request without a connection: libevent frees it here
    // and never reports it written.
    if (evhttp_request_get_connection(req) == nullptr) unwritten--;
    evkeyvalq* headers = evhttp_request_get_output_headers(req);
    evhttp_add_header(headers, "Content-Type", reply.content_type.c_str());
    evbuffer* body = evbuffer_new();
    evbuffer_add(body, reply.body.data(), reply.body.size());
    evhttp_send_reply(req, reply.status, nullptr, body);
    evbuffer_free(body);
    maybe_finish();
  }

  void drain() {
    std::vector<std::pair<evhttp_request*, ServerReply>> batch;
    bool stop_now;
    {
      std::lock_guard<std::mutex> lock(mutex);
      batch.swap(answers);
      stop_now = stop_requested && !stopping;
    }
    for (auto& [req, reply] : batch) send(req, std::move(reply));
    if (stop_now) {
      stopping = true;
      if (socket) evhttp_del_accept_socket(http, socket);
      socket = nullptr;
      maybe_finish();
    }
  }

  void maybe_finish() {
    if (!stopping || finishing || unanswered > 0) return;
    if (unwritten == 0) {
      finishing = true;
      event_active(finish_event, EV_READ, 0);
    } else if (!evtimer_pending(backstop_event, nullptr)) {
      // A connection that breaks while its reply is being written is freed by libevent without
      // a word: do not wait for it longer than a second.
      timeval second{1, 0};
      evtimer_add(backstop_event, &second);
    }
  }

  // Every request answered and written (or the backstop passed): close the connections that
  // are left, so that no new request arrives, and tell serve().
  void finish() {
    finishing = true;
    evtimer_del(backstop_event);
    if (http) evhttp_free(http);
    http = nullptr;
    if (own_thread) event_base_loopexit(base, nullptr);
    std::lock_guard<std::mutex> lock(shared->mutex);
    shared->finished++;
    shared->finished_changed.notify_all();
  }
};

EventHttpServer::EventHttpServer(EventHttpServerOptions options)
    : options_(std::move(options)), routes_(std::make_shared<Routes>()) {
  prepare_process_for_libevent();
  options_.loops = std::max<size_t>(1, options_.loops);
  for (size_t i = 0; i < options_.loops; ++i) {
    loops_.push_back(std::make_shared<Loop>(routes_, options_));
  }
  adopted_.assign(loops_.size(), false);
  routes_->fallback = [](const ServerRequest& request, Responder respond) {
    respond(
        {404, "{\n  \"error\": \"no route for " + request.method + " " + request.path + "\"\n}\n"});
  };
}

EventHttpServer::~EventHttpServer() {
  for (const auto& loop : loops_) loop->close();
}

void EventHttpServer::route(const std::string& method, const std::string& path,
                            RouteHandler handler) {
  routes_->routes[{method, path}] = std::move(handler);
}

void EventHttpServer::set_fallback(RouteHandler handler) { routes_->fallback = std::move(handler); }

Status EventHttpServer::bind() {
  Loop& first = *loops_.front();
  first.socket = evhttp_bind_socket_with_handle(first.http, options_.host.c_str(),
                                                static_cast<ev_uint16_t>(options_.port));
  if (!first.socket) {
    return Status(StatusCode::kUnavailable,
                  "cannot listen on " + options_.host + ":" + std::to_string(options_.port));
  }
  evutil_socket_t fd = evhttp_bound_socket_get_fd(first.socket);
  sockaddr_storage address{};
  socklen_t size = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  port_ = address.ss_family == AF_INET6
              ? ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port)
              : ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  // The other loops accept from the same socket (each through a descriptor of its own, which it
  // closes when it stops): an idle loop takes the next connection.
  for (size_t i = 1; i < loops_.size(); ++i) {
    evutil_socket_t copy = dup(fd);
    if (copy < 0 || evutil_make_socket_nonblocking(copy) != 0 ||
        !(loops_[i]->socket = evhttp_accept_socket_with_handle(loops_[i]->http, copy))) {
      if (copy >= 0) ::close(copy);
      return Status(StatusCode::kUnavailable, "cannot share the listening socket on " +
                                                  options_.host + ":" + std::to_string(port_) +
                                                  " between event loops");
    }
  }
  return Status();
}

int EventHttpServer::port() const { return port_; }

std::shared_ptr<LoopWaiter> EventHttpServer::adopt_loop(size_t index) {
  adopted_.at(index) = true;
  loops_[index]->own_thread = false;
  return loops_[index];
}

void EventHttpServer::serve() {
  std::vector<std::thread> threads;
  std::shared_ptr<Loop> on_this_thread;
  for (size_t i = 0; i < loops_.size(); ++i) {
    if (adopted_[i]) continue;
    if (!on_this_thread) {
      on_this_thread = loops_[i];
    } else {
      threads.emplace_back([loop = loops_[i]] {
        name_this_thread("pd-http");
        loop->run_on_own_thread();
      });
    }
  }
  if (on_this_thread) on_this_thread->run_on_own_thread();
  for (std::thread& thread : threads) thread.join();
  std::unique_lock<std::mutex> lock(routes_->mutex);
  routes_->finished_changed.wait(lock, [this] { return routes_->finished == loops_.size(); });
}

void EventHttpServer::stop() {
  for (const auto& loop : loops_) loop->request_stop();
}

}  // namespace pd::server
