#include "engine/cli/serve_command.h"

#include <pthread.h>

#include <atomic>
#include <csignal>
#include <mutex>
#include <thread>

#include "engine/server/cron_scheduler.h"
#include "engine/server/engine_server.h"
#include "engine/server/nats_triggers.h"
#include "engine/util/clock.h"
#include "engine/util/delay_scheduler.h"
#include "engine/util/environment.h"
#include "engine/util/http_transport.h"

namespace pd::engine {
namespace {

// Where `--http-loop auto` serves HTTP. One isolate serves it on its own thread: no hand-off
// (in a core of its own, 1.3-1.7x the old engine's throughput against 1.2x behind a loop). Several
// share one loop, which hands each execution to the least busy: a connection then does not wait
// for the one isolate it was given, which may be running a long node or be off its core. Under
// wrk on the same 2 cores that kept the throughput (40-50k/s, 1.5-1.8x the old engine) and cut
// the p99 from 1.8-2.8 ms to 0.6-1.3 ms, below the old engine's 1.0-2.5 ms.
bool http_on_isolates(const std::string& mode, size_t isolates) {
  return mode == "isolates" || (mode == "auto" && isolates == 1);
}

// Waits up to `limit` for one of `signals` (blocked in every thread); true when one came.
bool wait_for_signal(const sigset_t& signals, std::chrono::nanoseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto left = until - std::chrono::steady_clock::now();
    if (left <= std::chrono::nanoseconds::zero()) return false;
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(left);
    const timespec wait{static_cast<time_t>(seconds.count()),
                        static_cast<long>((left - seconds).count())};
    if (sigtimedwait(&signals, nullptr, &wait) > 0) return true;
    // EAGAIN: the time is up; EINTR (a stop and continue, say): wait on for what is left.
  }
}

void log_line(std::ostream& out, std::mutex& mutex, nlohmann::json record) {
  record["time"] = format_rfc3339(std::chrono::system_clock::now());
  std::lock_guard<std::mutex> lock(mutex);
  out << record.dump() << std::endl;
}

}  // namespace

int serve_workflow(const ServeOptions& options, std::ostream& out, std::ostream& err) {
  // Signals are taken by one thread with sigwait: block them before any other thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::mutex log_mutex;
  // The end of the grace period, armed by SIGTERM/SIGINT. Made before everything it outlasts:
  // destroyed last, it also bounds the teardown after the stop. `finished_in_time`: what was in
  // hand finished (exit 0 even if tearing down runs past the deadline).
  std::atomic<bool> finished_in_time{false};
  ThreadDelayScheduler grace_timer;
  // Until it serves, a signal ends start-up (a NATS server that is down can hold it for
  // seconds): this thread takes it, and start-up looks at `stop_signal` between its steps.
  std::atomic<int> stop_signal{0};
  // A jthread: every return during start-up asks it to stop and joins it.
  std::jthread start_watch([&](std::stop_token serving) {
    const timespec tick{0, 50'000'000};
    while (!serving.stop_requested()) {
      int signal = sigtimedwait(&signals, nullptr, &tick);
      if (signal > 0) {
        stop_signal = signal;
        return;
      }
    }
  });
  auto stopped_while_starting = [&] {
    if (stop_signal == 0) return false;
    log_line(out, log_mutex,
             {{"level", "info"},
              {"message", "stopped before serving"},
              {"signal", stop_signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
    return true;
  };
  js::V8Platform platform;
  exec::WorkflowRuntimeOptions runtime_options;
  runtime_options.workflow_dir = options.workflow_dir;
  if (options.secrets) runtime_options.secrets_path = *options.secrets;
  runtime_options.mounted_secrets = options.mounted_secrets;
  runtime_options.config_dir = options.config_dir;
  runtime_options.allow_net = options.allow_net;
  runtime_options.outputs_as_text = true;  // results are only written out
  runtime_options.scratch_dir = options.scratch_dir;
  runtime_options.cache_dir = options.cache_dir;
  runtime_options.isolates = options.isolates;
  runtime_options.env = process_environment();
  runtime_options.log_sink = [&out, &log_mutex](const std::string& node,
                                                const js::ConsoleLine& line) {
    nlohmann::json record =
        line.record.is_object()
            ? line.record
            : nlohmann::json{{"level", line.level}, {"node", node}, {"message", line.text}};
    std::lock_guard<std::mutex> lock(log_mutex);
    out << record.dump() << std::endl;
  };
  auto started = std::chrono::steady_clock::now();
  Result<std::unique_ptr<exec::WorkflowRuntime>> runtime =
      exec::WorkflowRuntime::open(platform, runtime_options);
  if (!runtime.is_ok()) {
    err << "error: " << runtime.status().message();
    if (!runtime.status().message().ends_with("\n")) err << "\n";
    return 1;
  }
  server::ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  server_options.max_body_bytes = options.max_body_bytes;
  server_options.http_on_isolates = http_on_isolates(options.http_loop, runtime.value()->lanes());
  server::EngineServer server(*runtime.value(), server_options);
  std::unique_ptr<server::NatsTriggers> nats;
  if (server::NatsTriggers::needed(runtime.value()->workflow())) {
    server::NatsTriggerOptions nats_options;
    nats_options.nats_url = options.nats_url;
    nats_options.log = [&out, &log_mutex](const nlohmann::json& record) {
      log_line(out, log_mutex, record);
    };
    nats_options.cancelled = [&stop_signal] { return stop_signal != 0; };
    Result<std::unique_ptr<server::NatsTriggers>> started =
        server::NatsTriggers::start(*runtime.value(), server.metrics(), nats_options);
    if (stopped_while_starting()) {
      // What its consumers took is finished and acknowledged, as on any stop.
      if (started.is_ok()) started.value()->stop(std::chrono::seconds(options.grace_seconds));
      return 0;
    }
    if (!started.is_ok()) {
      err << "error: " << started.status().message() << "\n";
      return 1;
    }
    nats = std::move(started).value();
    server.set_publisher(&nats->publisher());
    server.set_readiness([&nats] { return nats->not_ready_reason(); });
  }
  if (Status bound = server.bind(); !bound.is_ok()) {
    err << "error: " << bound.message() << "\n";
    return 1;
  }
  std::unique_ptr<server::CronScheduler> cron;
  bool in_cluster = runtime_options.env.count("KUBERNETES_SERVICE_HOST") > 0;
  if (options.cron == "on" || (options.cron == "auto" && !in_cluster)) {
    server::CronSchedulerOptions cron_options;
    cron_options.log = [&out, &log_mutex](const nlohmann::json& record) {
      log_line(out, log_mutex, record);
    };
    Result<std::unique_ptr<server::CronScheduler>> started =
        server::CronScheduler::start(*runtime.value(), server.metrics(), cron_options);
    if (!started.is_ok()) {
      err << "error: " << started.status().message() << "\n";
      return 1;
    }
    cron = std::move(started).value();
  }
  // Cron and the queue triggers stop taking work together, then share one grace period: the
  // queue triggers do not go on fetching while cron runs finish. True when all finished.
  auto stop_taking = [&] {
    if (cron) cron->stop_taking();
    if (nats) nats->stop_taking();
  };
  auto triggers_finished = [&](std::chrono::steady_clock::time_point deadline) {
    bool finished = !cron || cron->wait_finished(deadline);
    return (!nats || nats->finish(deadline)) && finished;
  };
  auto grace_over = [&out, &log_mutex, &finished_in_time] {
    if (finished_in_time) {
      log_line(out, log_mutex,
               {{"level", "warn"}, {"message", "shutting down outlasted the grace period"}});
      std::_Exit(0);
    }
    log_line(out, log_mutex, {{"level", "error"}, {"message", "grace period over; exiting"}});
    std::_Exit(1);
  };
  // From here the waiter below takes signals (one that comes in between stays pending for it).
  start_watch.request_stop();
  start_watch.join();
  if (stopped_while_starting()) {
    stop_taking();
    if (!triggers_finished(std::chrono::steady_clock::now() +
                           std::chrono::seconds(options.grace_seconds))) {
      grace_over();
    }
    return 0;
  }
  log_line(out, log_mutex,
           {{"level", "info"},
            {"message", "serving"},
            {"workflow", runtime.value()->workflow().name},
            {"port", server.port()},
            {"isolates", runtime.value()->lanes()},
            {"httpLoop", server_options.http_on_isolates ? "isolates" : "single"},
            {"startupMs", std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - started)
                              .count()}});
  std::thread waiter([&] {
    int signal = 0;
    sigwait(&signals, &signal);
    log_line(out, log_mutex,
             {{"level", "info"},
              {"message", "stopping: finishing executions in flight"},
              {"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
    // One grace period for everything, then give up on what is still running: the timer
    // covers HTTP requests in hand, the triggers say whether theirs finished.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options.grace_seconds);
    grace_timer.after(std::chrono::seconds(options.grace_seconds), grace_over);
    stop_taking();
    if (options.shutdown_delay_seconds > 0) {
      // Kubernetes takes the pod out of its Service's endpoints only after sending SIGTERM:
      // requests routed here meanwhile are still served, and /ready fails. A second signal
      // ends the delay.
      server.announce_stop();
      log_line(out, log_mutex,
               {{"level", "info"},
                {"message", "still serving HTTP during the shutdown delay"},
                {"seconds", options.shutdown_delay_seconds}});
      if (wait_for_signal(signals, std::chrono::seconds(options.shutdown_delay_seconds))) {
        log_line(out, log_mutex,
                 {{"level", "info"}, {"message", "a second signal ended the shutdown delay"}});
      }
    }
    // Then HTTP refuses new work (503, then the listener closes) while the queue executions
    // finish; requests in hand are answered before serve() returns.
    server.stop();
    if (!triggers_finished(deadline)) grace_over();
  });
  server.serve();
  waiter.join();
  finished_in_time = true;
  log_line(out, log_mutex, {{"level", "info"}, {"message", "stopped"}});
  return 0;
}

int post_request(const std::string& url, const std::string& data, std::ostream& out,
                 std::ostream& err) {
  NetworkHttpTransport transport(ProxySettings::from_env(process_environment()));
  HttpRequest request{.method = "POST",
                      .url = url,
                      .headers = {{"Content-Type", "application/json"}},
                      .body = data,
                      .timeout = std::chrono::minutes(30)};
  Result<HttpResponse> response = transport.send(request);
  if (!response.is_ok()) {
    err << "error: " << response.status().message() << "\n";
    return 1;
  }
  out << response.value().body;
  if (!response.value().body.ends_with("\n")) out << "\n";
  return response.value().status >= 200 && response.value().status < 300 ? 0 : 1;
}

}  // namespace pd::engine
