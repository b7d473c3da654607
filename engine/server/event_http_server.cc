#include "engine/server/event_http_server.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>

#include <csignal>
#include <map>
#include <mutex>
#include <thread>

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

struct EventHttpServer::Impl : std::enable_shared_from_this<Impl> {
  EventHttpServerOptions options;
  event_base* base = nullptr;
  evhttp* http = nullptr;
  evhttp_bound_socket* socket = nullptr;
  event* wake = nullptr;
  int port = 0;
  std::map<std::pair<std::string, std::string>, RouteHandler> routes;
  RouteHandler fallback;

  // Shared with responders on other threads.
  std::mutex mutex;
  std::vector<std::pair<evhttp_request*, ServerReply>> answers;
  bool stop_requested = false;
  bool closed = false;  // the server is gone: answers are dropped

  // Loop thread only.
  std::thread::id loop_thread;
  size_t unanswered = 0;  // handed to a handler, no answer yet
  size_t unwritten = 0;   // answered, reply not yet written out
  bool stopping = false;
  bool backstop_armed = false;

  static void on_request(evhttp_request* req, void* arg) { static_cast<Impl*>(arg)->handle(req); }
  static void on_wake(evutil_socket_t, short, void* arg) { static_cast<Impl*>(arg)->drain(); }
  static void on_written(evhttp_request*, void* arg) {
    Impl* impl = static_cast<Impl*>(arg);
    impl->unwritten--;
    impl->maybe_exit();
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
    evhttp_request_set_on_complete_cb(req, &Impl::on_written, this);
    auto found = routes.find({request.method, request.path});
    const RouteHandler& handler = found != routes.end() ? found->second : fallback;
    handler(request, responder(req));
  }

  Responder responder(evhttp_request* req) {
    return [self = shared_from_this(), req](ServerReply reply) {
      if (std::this_thread::get_id() == self->loop_thread) return self->send(req, std::move(reply));
      bool was_empty;
      {
        std::lock_guard<std::mutex> lock(self->mutex);
        if (self->closed) return;
        was_empty = self->answers.empty();
        self->answers.emplace_back(req, std::move(reply));
        if (was_empty) event_active(self->wake, EV_READ, 0);
      }
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
    maybe_exit();
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
      maybe_exit();
    }
  }

  void maybe_exit() {
    if (!stopping || unanswered > 0) return;
    if (unwritten == 0) {
      event_base_loopexit(base, nullptr);
    } else if (!backstop_armed) {
      // A connection that breaks while its reply is being written is freed by libevent without
      // a word: do not wait for it longer than a second.
      backstop_armed = true;
      timeval second{1, 0};
      event_base_loopexit(base, &second);
    }
  }
};

EventHttpServer::EventHttpServer(EventHttpServerOptions options) : impl_(std::make_shared<Impl>()) {
  prepare_process_for_libevent();
  impl_->options = std::move(options);
  impl_->base = event_base_new();
  impl_->http = evhttp_new(impl_->base);
  evhttp_set_max_body_size(impl_->http, static_cast<ev_ssize_t>(impl_->options.max_body_bytes));
  evhttp_set_timeout(impl_->http, impl_->options.idle_timeout_seconds);
  // libevent's default lets a request's headers grow without bound.
  evhttp_set_max_headers_size(impl_->http, 64 * 1024);
  evhttp_set_allowed_methods(impl_->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
                                              EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
                                              EVHTTP_REQ_PATCH | EVHTTP_REQ_OPTIONS);
  evhttp_set_gencb(impl_->http, &Impl::on_request, impl_.get());
  impl_->wake = event_new(impl_->base, -1, 0, &Impl::on_wake, impl_.get());
  impl_->fallback = [](const ServerRequest& request, Responder respond) {
    respond(
        {404, "{\n  \"error\": \"no route for " + request.method + " " + request.path + "\"\n}\n"});
  };
}

EventHttpServer::~EventHttpServer() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->closed = true;
  impl_->answers.clear();
  evhttp_free(impl_->http);
  event_free(impl_->wake);
  event_base_free(impl_->base);
}

void EventHttpServer::route(const std::string& method, const std::string& path,
                            RouteHandler handler) {
  impl_->routes[{method, path}] = std::move(handler);
}

void EventHttpServer::set_fallback(RouteHandler handler) { impl_->fallback = std::move(handler); }

Status EventHttpServer::bind() {
  const EventHttpServerOptions& o = impl_->options;
  impl_->socket =
      evhttp_bind_socket_with_handle(impl_->http, o.host.c_str(), static_cast<ev_uint16_t>(o.port));
  if (!impl_->socket) {
    return Status(StatusCode::kUnavailable,
                  "cannot listen on " + o.host + ":" + std::to_string(o.port));
  }
  sockaddr_storage address{};
  socklen_t size = sizeof(address);
  getsockname(evhttp_bound_socket_get_fd(impl_->socket), reinterpret_cast<sockaddr*>(&address),
              &size);
  impl_->port = address.ss_family == AF_INET6
                    ? ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port)
                    : ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  return Status();
}

int EventHttpServer::port() const { return impl_->port; }

void EventHttpServer::serve() {
  impl_->loop_thread = std::this_thread::get_id();
  {
    // A stop() before the loop ran is seen on its first pass.
    std::lock_guard<std::mutex> lock(impl_->mutex);
    if (impl_->stop_requested) event_active(impl_->wake, EV_READ, 0);
  }
  // Answers from other threads arrive through `wake`: keep looping even with nothing to watch.
  event_base_loop(impl_->base, EVLOOP_NO_EXIT_ON_EMPTY);
  impl_->loop_thread = std::thread::id();
}

void EventHttpServer::stop() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  if (impl_->stop_requested) return;
  impl_->stop_requested = true;
  event_active(impl_->wake, EV_READ, 0);
}

}  // namespace pd::server
