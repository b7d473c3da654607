// One V8 isolate, driven by an event loop on its own thread, that loads workflow node modules
// (TypeScript stripped by sucrase inside V8, line numbers kept) and calls their default export.
// Two context modes: a fresh context per call (the harness: no module state leaks between
// fixtures) or a long-lived context per node with its modules loaded once (the engine: module
// state persists between runs, as in the old engine). Contexts start from the startup snapshot
// with every Web and Deno API installed. Calls may come from any thread; several calls run
// interleaved on the loop (await points), each with its own deadline.
//
// Everything the harness controls is an interface in RuntimeOptions: filesystem (also module
// sources), HTTP transport, clock (virtual time), randomness, environment. Only engine/js
// includes <v8.h>.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/js/net_policy.h"
#include "engine/js/transform_cache.h"
#include "engine/js/v8_platform.h"
#include "engine/util/clock.h"
#include "engine/util/file_system.h"
#include "engine/util/http_transport.h"
#include "engine/util/loop_waiter.h"
#include "engine/util/random_source.h"
#include "engine/util/status.h"

namespace pd::js {

enum class ContextMode { kFreshPerCall, kLongLived };

// A line written with console.* or ctx.log (level: log, info, warn, error, debug).
struct ConsoleLine {
  std::string level;
  std::string text;
  nlohmann::json record;  // a ctx.log record, null for console.*
};

struct RuntimeOptions {
  std::filesystem::path workflow_dir;
  size_t heap_limit_mb = 128;
  ContextMode mode = ContextMode::kFreshPerCall;
  // Besides the workflow folder, what nodes may read (e.g. /app, /var/run/secrets).
  std::vector<std::filesystem::path> read_paths;
  // The only place nodes may write (Deno.writeTextFile …); none when empty.
  std::filesystem::path scratch_dir;
  // What Deno.env shows (not the process environment, unless the caller passes it).
  std::map<std::string, std::string> env;
  // Hosts fetch may reach when a call names none (a node's capabilities.net overrides it).
  NetPolicy default_net;
  std::chrono::milliseconds fetch_timeout{30000};
  size_t fetch_max_response_bytes = 64u << 20;
  // Collaborators; nullptr means the real one (filesystem, network, OS randomness, wall clock).
  const FileSystem* file_system = nullptr;
  const HttpTransport* transport = nullptr;
  RandomSource* random = nullptr;
  // When set, time is virtual: Date.now() reads this clock, and timers fire as soon as nothing
  // else is pending, advancing it (a node that sleeps a minute finishes at once).
  ManualClock* manual_clock = nullptr;
  // Shared TypeScript/code cache (a pool passes one); nullptr gives this runtime its own.
  std::shared_ptr<TransformCache> transform_cache;
  // Every console line as it is written, with the node path (the engine's log output).
  std::function<void(const std::string& node, const ConsoleLine& line)> console_sink;
  // JavaScript source of a function expression `(api) => (data, triggerText) => ctx`, run once
  // per context; the function it returns turns the ctx given to call_node into the node's ctx
  // (engine/exec's ctx.fetch, ctx.log, ctx.k8s). `triggerText` is CallOptions::ctx_trigger_json
  // (undefined without one), for ctx.trigger to parse when first read. `api` has
  // log(level, message, record), fetchAllowing(host, url, init) — fetch that may also reach that
  // one host — and inspect. Empty: nodes get the ctx JSON as it is, trigger parsed into it.
  std::string context_script;
  // Imports replaced by mock modules: specifier → TypeScript source (harness fixtures).
  std::map<std::string, std::string> module_overrides;
};

struct CallOptions {
  std::chrono::milliseconds timeout{30000};
  // The node's capabilities.net; nullopt uses RuntimeOptions::default_net.
  std::optional<NetPolicy> net;
  // The input as JSON text, used instead of `input` when set: parsed in V8, its objects keep the
  // key order of the text (nlohmann::json sorts keys, and Object.entries order is observable).
  std::string input_json;
  // The ctx as JSON text, used instead of `ctx` when set and ctx_shared_json is not.
  std::string ctx_json;
  // Instead of ctx_json: the call's own members `node` and `executionId`, handed to V8 as
  // strings, followed by members many calls share (the workflow's config and secrets) as a
  // JSON object. Each call gets its own copy of those, made from the text compiled once per
  // context as an object literal, which is much cheaper than parsing it every call. The shared
  // members must not be named node or executionId.
  std::shared_ptr<const std::string> ctx_shared_json;
  std::string ctx_node;
  std::string ctx_execution_id;
  // ctx.trigger as JSON text, parsed only when the node first reads it: a queue message's
  // metadata is a few hundred bytes that most nodes never look at. Null: ctx_json/ctx decide.
  std::shared_ptr<const std::string> ctx_trigger_json;
  // Who is calling (e.g. the workflow's node name), handed to the transport as
  // HttpRequest::caller for the requests this call makes; default: the node's file.
  std::string caller;
  // The output's JSON text is all the caller needs: NodeCall::output stays null.
  bool output_text_only = false;
};

struct NodeCall {
  nlohmann::json output;    // null when the node returned undefined (or output_text_only)
  std::string output_json;  // the same as JSON.stringify wrote it (object keys in their order)
  std::vector<ConsoleLine> console;
  // Fresh-context calls: timers and asynchronous operations (requests, file I/O) the node left
  // pending when its promise settled — leaks, as Deno's test sanitizers call them.
  size_t pending_timers = 0;
  int pending_operations = 0;
};

class Runtime {
 public:
  Runtime(V8Platform& platform, RuntimeOptions options);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Loads `node_path` (relative to the workflow folder) and awaits `default(ctx, input)`.
  // Errors: InvalidArgument for code problems (syntax, a default export that is not a function,
  // a thrown error or unhandled rejection — with file:line:col and the stack), DeadlineExceeded
  // when the timeout passes (a busy loop is terminated), Unavailable when the heap limit is hit.
  // Blocks; must not be called from inside a node (the loop thread).
  Result<NodeCall> call_node(const std::string& node_path, const nlohmann::json& ctx,
                             const nlohmann::json& input, const CallOptions& options);
  Result<NodeCall> call_node(const std::string& node_path, const nlohmann::json& ctx,
                             const nlohmann::json& input, std::chrono::milliseconds timeout) {
    return call_node(node_path, ctx, input, CallOptions{timeout, std::nullopt});
  }
  // The same without blocking: `done` runs on the runtime's loop thread; keep it short.
  void call_node_async(const std::string& node_path, nlohmann::json ctx, nlohmann::json input,
                       CallOptions options, std::function<void(Result<NodeCall>)> done);

  // Long-lived mode: loads and evaluates the nodes' modules now (the engine's readiness check).
  Status preload(const std::vector<std::string>& node_paths);

  // TypeScript → JavaScript with the same line numbers (cached by content hash).
  Result<std::string> strip_types(const std::string& source, const std::string& file_name);

  // Runs `task` on the runtime's loop thread, among its calls (C++ only: no V8 from it). Calls
  // the task makes go on the loop without a hand-off between threads. Dropped once stopping.
  void post_task(std::function<void()> task);

  // From now on the loop sleeps in `waiter` (nullptr: on its own again), so the waiter's I/O
  // runs on this runtime's thread. Returns once the loop no longer uses the previous waiter, so
  // that may then be destroyed. Not from the loop thread.
  void set_waiter(std::shared_ptr<LoopWaiter> waiter);
  // Whether the caller is this runtime's loop thread.
  bool on_loop_thread() const;

  // Calls accepted and not yet finished (for a pool's load balancing).
  size_t in_flight() const;
  // Those calls plus the posted tasks not yet run: work this runtime's thread has yet to do.
  size_t load() const;
  // How long the JavaScript it runs now (a node's synchronous part, a timer or fetch callback)
  // has been running; 0 when none runs. Anything posted now waits at least until it returns.
  std::chrono::nanoseconds running_js_for() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace pd::js
