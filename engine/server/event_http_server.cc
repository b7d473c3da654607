#include "engine/server/event_http_server.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <ctime>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "engine/util/thread_name.h"

namespace pd::server {
namespace {

// Process-wide, once: libevent's locking must be on before the first event base exists (it is
// what lets responders on other threads wake the loop), and a write to a client that hung up
// must fail with EPIPE instead of killing the process.
void prepare_process_for_libevent() {
  static std::once_flag once;
  std::call_once(once, [] {
    evthread_use_pthreads();
    std::signal(SIGPIPE, SIG_IGN);
  });
}

// A non-blocking listening socket on host:port (port 0: any free one).
Result<int> listen_on(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string where = host + ":" + std::to_string(port);
  int resolved = getaddrinfo(host.empty() ? nullptr : host.c_str(), std::to_string(port).c_str(),
                             &hints, &found);
  if (resolved != 0) {
    return Status(StatusCode::kUnavailable,
                  "cannot listen on " + where + ": " + gai_strerror(resolved));
  }
  std::string why = "no address";
  for (addrinfo* a = found; a; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      why = std::strerror(errno);
      continue;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, SOMAXCONN) == 0) {
      freeaddrinfo(found);
      return fd;
    }
    why = std::strerror(errno);
    ::close(fd);
  }
  freeaddrinfo(found);
  return Status(StatusCode::kUnavailable, "cannot listen on " + where + ": " + why);
}

// While a request is with its handler, reading stops once this much more has arrived: a client
// pipelining without pause waits in the kernel, not in our memory.
constexpr size_t kMaxBufferedWhileBusy = 256u << 10;

constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace

// What every loop serves, and how serve() learns that a loop is done.
struct EventHttpServer::Routes {
  std::map<std::pair<std::string, std::string>, RouteHandler> routes;
  RouteHandler fallback;
  std::mutex mutex;
  std::condition_variable finished_changed;
  // Loops done. Never reset: an adopted loop serves (and may finish, on an early stop()) before
  // serve() is even called, and a reset there lost that finish and left serve() waiting forever.
  size_t finished = 0;
  std::vector<Loop*> loops;  // every loop of the server, for handing connections over

  // The route for a request; HEAD falls back to GET (answered without the body).
  const RouteHandler& handler_for(const ServerRequest& request) const {
    auto found = routes.find({request.method, request.path});
    if (found == routes.end() && request.method == "HEAD")
      found = routes.find({"GET", request.path});
    return found != routes.end() ? found->second : fallback;
  }
};

// One event base, its share of the listening socket and its connections. Loop-thread state is
// touched only by the thread that runs the base (its own, or the adopter calling wait()).
struct EventHttpServer::Loop : LoopWaiter, std::enable_shared_from_this<Loop> {
  struct Connection {
    Connection(Loop& owner, uint64_t connection_id, int socket, const HttpLimits& limits)
        : loop(owner), id(connection_id), fd(socket), stream(limits) {}
    Loop& loop;
    uint64_t id;
    int fd;
    event* readable = nullptr;  // edge-triggered, added once: no epoll_ctl per request
    event* writable = nullptr;  // added only while a reply waits for room in the socket
    bool writable_added = false;
    HttpRequestStream stream;
    ReplyFraming framing;  // of the request with its handler
    std::string output;    // reply bytes not yet written
    size_t written = 0;
    size_t answers_in_output = 0;  // handlers' answers among them
    bool handed = false;           // a request is with its handler
    bool read_closed = false;      // the client sent EOF
    bool read_paused = false;      // kMaxBufferedWhileBusy reached
    bool close_after_write = false;
    bool advancing = false;
    bool dead = false;
    // The last answer written (or the accept), or the first byte of the request since.
    std::chrono::steady_clock::time_point last_active;
  };

  std::shared_ptr<Routes> shared;
  HttpLimits limits;
  std::chrono::seconds idle_timeout;
  event_base* base = nullptr;
  int listen_fd = -1;
  event* accept_event = nullptr;
  event* accept_again = nullptr;    // resumes accepting after the process ran out of descriptors
  event* wake_event = nullptr;      // answers from other threads, stop, LoopWaiter::wake
  event* finish_event = nullptr;    // finishes from the loop's top level, never from a callback
  event* backstop_event = nullptr;  // gives up on replies still being written
  event* timeout_event = nullptr;   // bounds wait()
  event* idle_sweep = nullptr;      // closes connections idle, or mid-request, for idle_timeout
  event* watch_event = nullptr;     // standby: looks whether another loop is responsive
  event* reap_event = nullptr;      // frees closed connections from the top level
  // Read by the other loops (responsive()) while adopters may already drive their loops.
  std::atomic<bool> own_thread{true};
  // EventHttpServerOptions::standby_loop; set before any loop runs. It watches the listener
  // only while no other loop is responsive, so that otherwise it never wakes.
  bool standby = false;
  bool watching = false;  // loop thread

  // Shared with responders and the other loops.
  std::mutex mutex;
  std::vector<std::pair<uint64_t, ServerReply>> answers;
  std::vector<int> handed_over;  // connections another loop accepted for this one
  // Connections this loop has or is being handed; whether it is accepting, and whether it is
  // responsive: polling now, or stopped polling less than kResponsive ago (an adopter running
  // a long node is not, and gets no new connections meanwhile).
  std::atomic<int> assigned{0};
  std::atomic<bool> accepting{true};
  std::atomic<bool> polling{false};
  std::atomic<std::chrono::steady_clock::rep> polled_until{0};  // time_since_epoch()
  bool stop_requested = false;
  bool closed = false;  // the server is gone: answers are dropped
  std::atomic<std::thread::id> loop_thread{};

  // Loop thread only.
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections;
  std::vector<std::unique_ptr<Connection>> dead;
  uint64_t next_connection = 1;
  size_t unanswered = 0;  // handed to a handler, no answer yet
  size_t unwritten = 0;   // handed to a handler, its answer not yet written out
  bool stopping = false;
  bool finishing = false;
  time_t date_second = 0;
  std::string date_text;

  Loop(std::shared_ptr<Routes> routes, const EventHttpServerOptions& options)
      : shared(std::move(routes)),
        limits{options.max_body_bytes, 64u << 10},
        idle_timeout(std::max(1, options.idle_timeout_seconds)) {
    base = event_base_new();
    wake_event = event_new(base, -1, 0, &Loop::on_wake, this);
    finish_event = event_new(base, -1, 0, &Loop::on_finish, this);
    backstop_event = evtimer_new(base, &Loop::on_finish, this);
    timeout_event = evtimer_new(
        base, [](evutil_socket_t, short, void*) {}, nullptr);
    accept_again = evtimer_new(base, &Loop::on_accept_again, this);
    reap_event = event_new(base, -1, 0, &Loop::on_reap, this);
    idle_sweep = event_new(base, -1, EV_PERSIST, &Loop::on_idle_sweep, this);
    timeval every{static_cast<time_t>(idle_timeout.count()), 0};
    evtimer_add(idle_sweep, &every);
  }
  ~Loop() override {
    for (auto& [id, connection] : connections) release(*connection);
    for (int fd : handed_over) ::close(fd);
    if (accept_event) event_free(accept_event);
    if (listen_fd >= 0) ::close(listen_fd);
    for (event* e : {wake_event, finish_event, backstop_event, timeout_event, accept_again,
                     reap_event, idle_sweep}) {
      event_free(e);
    }
    if (watch_event) event_free(watch_event);
    event_base_free(base);
  }

  void listen(int fd) {
    listen_fd = fd;
    // Level-triggered, one connection per callback; accept() then picks the loop to serve it.
    accept_event = event_new(base, fd, EV_READ | EV_PERSIST, &Loop::on_acceptable, this);
    if (!standby) {
      event_add(accept_event, nullptr);
      return;
    }
    // A connection that arrives while every isolate is busy waits in the backlog for at most
    // this long before the standby loop takes it.
    watch_event = event_new(base, -1, EV_PERSIST, &Loop::on_watch, this);
    timeval every{0, 50000};
    evtimer_add(watch_event, &every);
  }

  static void on_wake(evutil_socket_t, short, void* arg) { static_cast<Loop*>(arg)->drain(); }
  static void on_finish(evutil_socket_t, short, void* arg) { static_cast<Loop*>(arg)->finish(); }
  static void on_reap(evutil_socket_t, short, void* arg) { static_cast<Loop*>(arg)->dead.clear(); }
  static void on_accept_again(evutil_socket_t, short, void* arg) {
    Loop* loop = static_cast<Loop*>(arg);
    if (loop->accept_event && !loop->stopping && (!loop->standby || loop->watching)) {
      event_add(loop->accept_event, nullptr);
    }
  }
  static void on_watch(evutil_socket_t, short, void* arg) { static_cast<Loop*>(arg)->watch(); }
  static void on_acceptable(evutil_socket_t, short, void* arg) {
    static_cast<Loop*>(arg)->accept();
  }
  static void on_readable(evutil_socket_t, short, void* arg) {
    Connection* c = static_cast<Connection*>(arg);
    c->loop.read_input(*c);
    c->loop.advance(*c);
  }
  static void on_writable(evutil_socket_t, short, void* arg) {
    Connection* c = static_cast<Connection*>(arg);
    c->loop.flush(*c);
  }
  static void on_idle_sweep(evutil_socket_t, short, void* arg) {
    Loop* loop = static_cast<Loop*>(arg);
    auto now = std::chrono::steady_clock::now();
    std::vector<Connection*> idle;
    for (auto& [id, c] : loop->connections) {
      if (!c->handed && c->output.empty() && now - c->last_active >= loop->idle_timeout) {
        idle.push_back(c.get());
      }
    }
    for (Connection* c : idle) loop->close_connection(*c);
  }

  // --- LoopWaiter: an adopter's thread runs the base here ---
  void wait(std::optional<std::chrono::steady_clock::time_point> until) override {
    loop_thread = std::this_thread::get_id();
    auto now = std::chrono::steady_clock::now();
    polling = true;
    if (until && *until <= now) {
      event_base_loop(base, EVLOOP_NONBLOCK);
    } else {
      if (until) {
        auto micros = std::chrono::duration_cast<std::chrono::microseconds>(*until - now).count();
        timeval delay{static_cast<time_t>(micros / 1000000),
                      static_cast<suseconds_t>(micros % 1000000)};
        evtimer_add(timeout_event, &delay);
      }
      // Returns once the callbacks of at least one event have run (a request, a wake, the
      // timer).
      event_base_loop(base, EVLOOP_ONCE | EVLOOP_NO_EXIT_ON_EMPTY);
      if (until) evtimer_del(timeout_event);
    }
    polled_until = std::chrono::steady_clock::now().time_since_epoch().count();
    polling = false;
  }
  // Standby: accepts while no other loop can.
  void watch() {
    if (stopping || !accept_event) return;
    auto now = std::chrono::steady_clock::now();
    bool needed = true;
    for (Loop* other : shared->loops) {
      if (other->takes_connections(now)) needed = false;
    }
    if (needed == watching) return;
    watching = needed;
    if (needed) {
      event_add(accept_event, nullptr);
    } else {
      event_del(accept_event);
    }
  }
  // Whether a new connection may go to this loop: accepting and responsive, and not the standby
  // loop (which takes one only when no loop does).
  bool takes_connections(std::chrono::steady_clock::time_point now) const {
    return !standby && accepting.load() && responsive(now);
  }
  bool responsive(std::chrono::steady_clock::time_point now) const {
    constexpr auto kResponsive = std::chrono::milliseconds(5);
    std::chrono::steady_clock::time_point last(
        std::chrono::steady_clock::duration(polled_until.load()));
    return own_thread || polling || now - last < kResponsive;
  }
  void wake() override { event_active(wake_event, EV_READ, 0); }

  void run_on_own_thread() {
    loop_thread = std::this_thread::get_id();
    {
      // A stop() before the loop ran is seen on its first pass.
      std::lock_guard<std::mutex> lock(mutex);
      if (stop_requested) event_active(wake_event, EV_READ, 0);
    }
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

  // --- connections ---
  void accept() {
    int fd = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Out of descriptors: the connection waits in the backlog; try again shortly instead
        // of spinning on a listener that stays readable.
        event_del(accept_event);
        timeval later{0, 100000};
        evtimer_add(accept_again, &later);
      }
      return;  // EAGAIN: another loop took it
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // Whichever loop woke first accepted it; the loop with the fewest connections serves it
    // (among those accepting and responsive), so that a client's pool is split evenly and no
    // isolate queues more requests than the others. The standby loop serves it only when no
    // other loop can.
    auto now = std::chrono::steady_clock::now();
    Loop* target = takes_connections(now) ? this : nullptr;
    for (Loop* other : shared->loops) {
      if (other != this && other->takes_connections(now) &&
          (!target || other->assigned.load() < target->assigned.load())) {
        target = other;
      }
    }
    if (!target) target = this;  // the standby loop
    target->assigned++;
    if (target == this) return serve_connection(fd);
    std::lock_guard<std::mutex> lock(target->mutex);
    target->handed_over.push_back(fd);
    event_active(target->wake_event, EV_READ, 0);
  }

  void serve_connection(int fd) {
    uint64_t id = next_connection++;
    auto connection = std::make_unique<Connection>(*this, id, fd, limits);
    Connection* c = connection.get();
    c->last_active = std::chrono::steady_clock::now();
    c->readable = event_new(base, fd, EV_READ | EV_PERSIST | EV_ET, &Loop::on_readable, c);
    c->writable = event_new(base, fd, EV_WRITE | EV_PERSIST | EV_ET, &Loop::on_writable, c);
    event_add(c->readable, nullptr);  // edge-triggered: reports data already there, too
    connections.emplace(id, std::move(connection));
  }

  // Reads what has arrived (edge-triggered: until the socket is drained, or while a request is
  // with its handler, until kMaxBufferedWhileBusy).
  void read_input(Connection& c) {
    if (c.dead || c.read_closed) return;
    // The idle timeout runs from the answer until a request's first byte, and then on until
    // the request is complete: a request trickled in a byte at a time (slowloris) does not
    // keep its connection forever.
    if (!c.handed && !c.stream.mid_request()) c.last_active = std::chrono::steady_clock::now();
    char chunk[16384];
    for (;;) {
      if (c.handed && c.stream.buffered() >= kMaxBufferedWhileBusy) {
        c.read_paused = true;
        return;
      }
      ssize_t n = ::read(c.fd, chunk, sizeof chunk);
      if (n > 0) {
        c.stream.append(chunk, static_cast<size_t>(n));
        // A short read drained the socket; what arrives later is a new edge.
        if (static_cast<size_t>(n) < sizeof chunk) return;
        continue;
      }
      if (n == 0) {
        c.read_closed = true;
        return;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) close_connection(c);  // reset by the peer
      return;
    }
  }

  // Hands the connection's next complete request to its handler, answers what the stream
  // answers itself (100 Continue, 400, 413), and closes a connection that has nothing left.
  void advance(Connection& c) {
    if (c.advancing) return;  // an answer given synchronously: the caller's loop goes on
    c.advancing = true;
    while (!c.dead && !c.handed && !c.close_after_write) {
      if (stopping) {
        if (c.output.empty()) close_connection(c);
        break;
      }
      if (c.read_paused) {
        c.read_paused = false;
        read_input(c);
        continue;
      }
      HttpRequestStream::Step step = c.stream.next();
      if (step == HttpRequestStream::Step::kNeedMore) {
        if (c.read_closed && c.output.empty()) close_connection(c);
        break;
      }
      if (step == HttpRequestStream::Step::kContinue) {
        c.output += kContinue;
        flush(c);
        continue;
      }
      if (step == HttpRequestStream::Step::kError) {
        c.close_after_write = true;
        append_http_reply(c.output, c.stream.error_reply(),
                          ReplyFraming{1, false, false, http_date()});
        flush(c);
        break;
      }
      c.handed = true;
      c.framing = ReplyFraming{c.stream.http_minor(), c.stream.keep_alive(), c.stream.is_head()};
      unanswered++;
      unwritten++;
      const ServerRequest& request = c.stream.request();
      shared->handler_for(request)(request, responder(c.id));
    }
    c.advancing = false;
  }

  Responder responder(uint64_t connection) {
    return [self = shared_from_this(), connection](ServerReply reply) {
      if (std::this_thread::get_id() == self->loop_thread.load()) {
        return self->answer(connection, reply);
      }
      std::lock_guard<std::mutex> lock(self->mutex);
      if (self->closed) return;
      bool was_empty = self->answers.empty();
      self->answers.emplace_back(connection, std::move(reply));
      if (was_empty) event_active(self->wake_event, EV_READ, 0);
    };
  }

  void answer(uint64_t connection, const ServerReply& reply) {
    unanswered--;
    auto found = connections.find(connection);
    if (found == connections.end()) {  // the client went away: nobody to tell
      unwritten--;
      maybe_finish();
      return;
    }
    Connection& c = *found->second;
    c.handed = false;
    ReplyFraming framing = c.framing;
    // The standby loop closes its connections after one answer: the client's next request then
    // comes on a new connection, which an isolate takes once one is responsive again.
    framing.keep_alive = framing.keep_alive && !stopping && !c.read_closed && !standby;
    framing.date = http_date();
    if (!framing.keep_alive) c.close_after_write = true;
    append_http_reply(c.output, reply, framing);
    c.answers_in_output++;
    flush(c);
    maybe_finish();
    if (!c.dead) advance(c);
  }

  // Writes what the socket takes; the rest waits for it to become writable.
  void flush(Connection& c) {
    while (!c.dead && c.written < c.output.size()) {
      ssize_t n =
          send(c.fd, c.output.data() + c.written, c.output.size() - c.written, MSG_NOSIGNAL);
      if (n >= 0) {
        c.written += static_cast<size_t>(n);
        continue;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        if (!c.writable_added) {
          event_add(c.writable, nullptr);
          c.writable_added = true;
        }
        return;
      }
      close_connection(c);  // the client hung up
      return;
    }
    if (c.dead) return;
    c.output.clear();
    c.written = 0;
    if (c.writable_added) {
      event_del(c.writable);
      c.writable_added = false;
    }
    c.last_active = std::chrono::steady_clock::now();
    if (c.answers_in_output > 0) {
      unwritten -= c.answers_in_output;
      c.answers_in_output = 0;
      maybe_finish();
    }
    if (c.close_after_write) {
      shutdown(c.fd, SHUT_WR);
      close_connection(c);
    } else if (stopping && !c.handed) {
      close_connection(c);
    }
  }

  void release(Connection& c) {
    event_free(c.readable);
    event_free(c.writable);
    ::close(c.fd);
  }

  // Closes now; the object lives until the loop's top level (callbacks may still hold it).
  void close_connection(Connection& c) {
    if (c.dead) return;
    c.dead = true;
    assigned--;
    unwritten -= c.answers_in_output;
    c.answers_in_output = 0;
    release(c);
    auto found = connections.find(c.id);
    dead.push_back(std::move(found->second));
    connections.erase(found);
    event_active(reap_event, EV_READ, 0);
    maybe_finish();
  }

  // The Date header's value, formatted once a second.
  std::string_view http_date() {
    time_t now = std::time(nullptr);
    if (now != date_second) {
      date_second = now;
      tm utc{};
      gmtime_r(&now, &utc);
      char text[64];
      size_t size = strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
      date_text.assign(text, size);
    }
    return date_text;
  }

  void drain() {
    std::vector<std::pair<uint64_t, ServerReply>> batch;
    std::vector<int> arrived;
    bool stop_now;
    {
      std::lock_guard<std::mutex> lock(mutex);
      batch.swap(answers);
      arrived.swap(handed_over);
      stop_now = stop_requested && !stopping;
    }
    for (auto& [connection, reply] : batch) answer(connection, reply);
    for (int fd : arrived) {
      if (stopping || stop_now) {
        ::close(fd);
        assigned--;
      } else {
        serve_connection(fd);
      }
    }
    if (stop_now) {
      stopping = true;
      accepting = false;
      if (accept_event) event_del(accept_event);
      if (watch_event) event_del(watch_event);
      evtimer_del(accept_again);
      if (listen_fd >= 0) ::close(listen_fd);
      listen_fd = -1;
      // Idle keep-alive connections close now; the others once their answers are written.
      std::vector<Connection*> idle;
      for (auto& [id, c] : connections) {
        if (!c->handed && c->output.empty()) idle.push_back(c.get());
      }
      for (Connection* c : idle) close_connection(*c);
      maybe_finish();
    }
  }

  void maybe_finish() {
    if (!stopping || finishing || unanswered > 0) return;
    if (unwritten == 0) {
      finishing = true;
      event_active(finish_event, EV_READ, 0);
    } else if (!evtimer_pending(backstop_event, nullptr)) {
      // A client that stops reading would keep its reply unwritten forever: do not wait for it
      // longer than a second.
      timeval second{1, 0};
      evtimer_add(backstop_event, &second);
    }
  }

  // Every request answered and written (or the backstop passed): close the connections that
  // are left, so that no new request arrives, and tell serve().
  void finish() {
    finishing = true;
    evtimer_del(backstop_event);
    evtimer_del(idle_sweep);
    std::vector<Connection*> left;
    for (auto& [id, c] : connections) left.push_back(c.get());
    for (Connection* c : left) close_connection(*c);
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
  for (size_t i = 0; i < options_.loops + (options_.standby_loop ? 1 : 0); ++i) {
    loops_.push_back(std::make_shared<Loop>(routes_, options_));
    loops_.back()->standby = i == options_.loops;
    routes_->loops.push_back(loops_.back().get());
  }
  adopted_.assign(loops_.size(), false);
  routes_->fallback = [](const ServerRequest& request, const Responder& respond) {
    respond(
        {404, "{\n  \"error\": \"no route for " + request.method + " " + request.path + "\"\n}\n"});
  };
}

EventHttpServer::~EventHttpServer() {
  routes_->loops.clear();  // loops kept alive by a late responder hand nothing over
  for (const auto& loop : loops_) loop->close();
}

void EventHttpServer::route(const std::string& method, const std::string& path,
                            RouteHandler handler) {
  routes_->routes[{method, path}] = std::move(handler);
}

void EventHttpServer::set_fallback(RouteHandler handler) { routes_->fallback = std::move(handler); }

Status EventHttpServer::bind() {
  Result<int> listening = listen_on(options_.host, options_.port);
  if (!listening.is_ok()) return listening.status();
  int fd = listening.value();
  sockaddr_storage address{};
  socklen_t size = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  port_ = address.ss_family == AF_INET6
              ? ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port)
              : ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  loops_.front()->listen(fd);
  // The other loops accept from the same socket (each through a descriptor of its own, which it
  // closes when it stops): an idle loop takes the next connection.
  for (size_t i = 1; i < loops_.size(); ++i) {
    int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (copy < 0) {
      return Status(StatusCode::kUnavailable, "cannot share the listening socket on " +
                                                  options_.host + ":" + std::to_string(port_) +
                                                  " between event loops: " + std::strerror(errno));
    }
    loops_[i]->listen(copy);
  }
  return Status();
}

int EventHttpServer::port() const { return port_; }

std::shared_ptr<LoopWaiter> EventHttpServer::adopt_loop(size_t index) {
  // The standby loop (the last) runs on serve()'s thread, never an adopter's.
  if (index >= options_.loops) {
    throw std::out_of_range("EventHttpServer::adopt_loop: no loop " + std::to_string(index));
  }
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
