#include "engine/js/runtime.h"

#include <v8.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "engine/js/call_deadlines.h"
#include "engine/js/fetch_client.h"
#include "engine/js/isolate_host.h"
#include "engine/js/module_graph.h"
#include "engine/js/natives.h"
#include "engine/js/startup_snapshot.h"
#include "engine/js/timer_queue.h"
#include "engine/js/v8_strings.h"
#include "engine/util/paths.h"
#include "engine/util/thread_name.h"
#include "engine/util/worker_pool.h"

namespace pd::js {
namespace {

// A node's input: JSON, except bytes (a binary queue payload) which arrive as a Uint8Array.
v8::MaybeLocal<v8::Value> input_to_v8(v8::Isolate* isolate, v8::Local<v8::Context> context,
                                      const nlohmann::json& input) {
  if (input.is_binary()) {
    const auto& bytes = input.get_binary();
    v8::Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(isolate, bytes.size());
    if (!bytes.empty()) std::memcpy(buffer->GetBackingStore()->Data(), bytes.data(), bytes.size());
    return v8::Uint8Array::New(buffer, 0, bytes.size());
  }
  return v8::JSON::Parse(context, v8_string(isolate, input.dump()));
}

using Json = nlohmann::json;
using SteadyTime = std::chrono::steady_clock::time_point;

// Embedder data slot holding the context's ContextState (slot 2 is the ModuleGraph's).
constexpr int kStateSlot = 1;
// How long JavaScript may run with no call waiting on it (a timer in a long-lived context).
constexpr std::chrono::seconds kIdleRunLimit{30};

double to_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(t.time_since_epoch()).count();
}

// Stops JavaScript that runs past its deadline: TerminateExecution from its own thread, which
// lives as long as the runtime (a thread per call would cost more than a trivial call). JS is
// entered tens of thousands of times a second with deadlines seconds away, so arm() wakes the
// thread only when the new deadline is earlier than the one it already sleeps toward; a thread
// that wakes at a stale deadline just sleeps on toward the current one.
class Watchdog {
 public:
  explicit Watchdog(v8::Isolate* isolate) : isolate_(isolate), thread_([this] { loop(); }) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }
  void arm(SteadyTime deadline) {
    bool wake;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      deadline_ = deadline;
      armed_ = true;
      fired_ = false;
      wake = deadline < sleeping_until_;
    }
    if (wake) changed_.notify_one();
  }
  // Returns whether it fired since arm().
  bool disarm() {
    std::lock_guard<std::mutex> lock(mutex_);
    armed_ = false;
    return fired_;
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
      if (armed_ && std::chrono::steady_clock::now() >= deadline_) {
        fired_ = true;
        armed_ = false;
        isolate_->TerminateExecution();
        continue;
      }
      if (!armed_) {
        sleeping_until_ = SteadyTime::max();
        changed_.wait(lock);
      } else {
        sleeping_until_ = deadline_;
        changed_.wait_until(lock, sleeping_until_);
      }
    }
  }

  v8::Isolate* isolate_;
  std::mutex mutex_;
  std::condition_variable changed_;
  SteadyTime deadline_;
  SteadyTime sleeping_until_ = SteadyTime::max();
  bool armed_ = false;
  bool fired_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

struct ContextState;

struct CallState {
  uint64_t id = 0;
  std::string node_path;
  std::string absolute;
  bool load_only = false;
  Json ctx;
  Json input;
  CallOptions options;
  SteadyTime deadline;
  std::function<void(Result<NodeCall>)> done;
  std::vector<ConsoleLine> console;
  ContextState* context = nullptr;
};

// One V8 context: its module graph, the prelude's hooks, and what keeps its calls alive.
struct ContextState {
  v8::Global<v8::Context> context;
  v8::Global<v8::Object> hooks;
  std::unique_ptr<ModuleGraph> graph;
  std::string node_path;
  NetPolicy net;
  double origin_ms = 0;       // loop clock when made (performance.now's zero)
  double wall_origin_ms = 0;  // performance.timeOrigin
  std::set<uint64_t> calls;
  std::set<int> timers;
  std::set<int> unref_timers;  // of `timers`: not counted as left pending
  int pending_ops = 0;
  bool queued_for_recheck = false;  // in Runtime::Impl::to_recheck
  bool long_lived = false;
  bool broken = false;  // its module failed to load: made again on the next call
  v8::Global<v8::Promise> evaluation;
  v8::Global<v8::Value> module_namespace;
  v8::Global<v8::Function> context_factory;  // the ctx builder from RuntimeOptions::context_script
  v8::Global<v8::Function> call_node;        // hooks.callNode, looked up once
  v8::Global<v8::Function> call_node_with;   // hooks.callNodeWith, looked up once
  // CallOptions::ctx_shared_json as last seen, and the function that makes a call's ctx data
  // with those members written in it as an object literal (empty: they are parsed instead).
  std::shared_ptr<const std::string> shared_members;
  v8::Global<v8::Function> members_maker;
  std::vector<std::pair<v8::Global<v8::Promise>, v8::Global<v8::Value>>> unhandled;
  // The strings every call passes in again (its node's path and name), made once when the
  // context lives on: it serves one module, and the few nodes that share it.
  std::vector<std::pair<std::string, v8::Global<v8::String>>> names;

  v8::Local<v8::String> name(v8::Isolate* isolate, const std::string& text) {
    for (const auto& [known, value] : names) {
      if (known == text) return value.Get(isolate);
    }
    v8::Local<v8::String> made = v8_string(isolate, text);
    // A context made for one call would only pay for keeping it.
    if (long_lived && names.size() < 16) {
      names.emplace_back(text, v8::Global<v8::String>(isolate, made));
    }
    return made;
  }

  ~ContextState() {
    unhandled.clear();
    evaluation.Reset();
    module_namespace.Reset();
    context_factory.Reset();
    call_node.Reset();
    call_node_with.Reset();
    members_maker.Reset();
    names.clear();
    hooks.Reset();
    graph.reset();
    context.Reset();
  }
};

size_t near_heap_limit(void* data, size_t current, size_t initial);

ContextState* state_of(v8::Local<v8::Context> context) {
  return static_cast<ContextState*>(context->GetAlignedPointerFromEmbedderData(kStateSlot));
}

}  // namespace

struct Runtime::Impl : IsolateHost {
  RuntimeOptions options;
  DenoHost deno_host;
  RealFileSystem real_file_system;
  std::unique_ptr<NetworkHttpTransport> network;
  SystemRandom system_random;
  std::shared_ptr<TransformCache> cache;
  const HttpTransport* transport = nullptr;
  RandomSource* random = nullptr;
  std::optional<Result<ImportMap>> import_map;  // read when the first context is made

  // Shared with other threads.
  mutable std::mutex mutex;
  std::condition_variable wake;
  // What the loop runs next, in order: tasks, and calls to start (kept apart from tasks so that
  // a call is not wrapped in a std::function: one allocation and one move less per call).
  struct LoopItem {
    std::function<void()> task;
    std::unique_ptr<CallState> call;
  };
  std::deque<LoopItem> tasks;
  bool stopping = false;
  // When set, the loop sleeps in it instead of on `wake` (set_waiter); `waiter_switched` is kept
  // once the loop is no longer inside the previous one.
  std::shared_ptr<LoopWaiter> waiter;
  std::vector<std::promise<void>> waiter_switched;
  std::atomic<size_t> in_flight{0};
  std::atomic<size_t> tasks_waiting{0};           // posted, not yet run
  // When the JavaScript running now was entered (steady clock ticks); 0 while none runs.
  std::atomic<SteadyTime::rep> js_entered{0};
  std::map<std::string, std::string> node_paths;  // as called → absolute, checked once
  std::thread loop_thread;

  // Loop thread only.
  v8::Isolate* isolate = nullptr;
  std::unique_ptr<v8::ArrayBuffer::Allocator> allocator;
  v8::StartupData snapshot{};
  std::unique_ptr<Watchdog> watchdog;
  v8::Global<v8::Context> stripper;
  bool heap_exhausted = false;
  struct Timer {
    v8::Global<v8::Function> function;
    std::vector<v8::Global<v8::Value>> args;
    ContextState* owner = nullptr;
  };
  TimerQueue timers;
  std::map<int, Timer> timer_callbacks;
  std::map<uint64_t, std::unique_ptr<CallState>> calls;
  CallDeadlines deadlines;  // of `calls`
  // Contexts whose calls may have lost the last timer or operation that could settle them
  // since the loop last looked (fail_unsettleable_calls), rather than looking at every call.
  std::vector<ContextState*> to_recheck;
  uint64_t next_call_id = 1;
  std::map<std::string, std::unique_ptr<ContextState>> long_lived;
  std::map<ContextState*, std::unique_ptr<ContextState>> fresh;
  std::unique_ptr<ContextState> spare;
  std::vector<ContextState*> to_dispose;
  struct PendingOp {
    v8::Global<v8::Promise::Resolver> resolver;
    ContextState* owner = nullptr;
  };
  std::map<uint64_t, PendingOp> ops;
  uint64_t next_op_id = 1;
  std::unique_ptr<WorkerPool> io;
  SteadyTime virtual_now;

  // --- cross-thread ---
  void post(std::function<void()> task) { enqueue({std::move(task), nullptr}); }
  void enqueue(LoopItem item) {
    std::shared_ptr<LoopWaiter> sleeper;
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (stopping) return;
      if (item.task) tasks_waiting++;
      tasks.push_back(std::move(item));
      sleeper = waiter;
    }
    // The loop looks at its queue again before it sleeps: no need to wake itself.
    if (std::this_thread::get_id() == loop_thread.get_id()) return;
    if (sleeper) {
      sleeper->wake();
    } else {
      wake.notify_one();
    }
  }
  void wake_loop() {
    std::shared_ptr<LoopWaiter> sleeper;
    {
      std::lock_guard<std::mutex> lock(mutex);
      sleeper = waiter;
    }
    wake.notify_all();
    if (sleeper) sleeper->wake();
  }

  // --- clocks ---
  SteadyTime loop_now() const {
    return options.manual_clock ? virtual_now : std::chrono::steady_clock::now();
  }
  double loop_ms() const {
    return std::chrono::duration<double, std::milli>(loop_now().time_since_epoch()).count();
  }

  // --- IsolateHost ---
  const DenoHost& deno() const override { return deno_host; }
  double now_ms(v8::Local<v8::Context> context) override {
    ContextState* state = state_of(context);
    return loop_ms() - (state ? state->origin_ms : 0);
  }
  double time_origin_ms(v8::Local<v8::Context> context) override {
    ContextState* state = state_of(context);
    return state ? state->wall_origin_ms : wall_ms();
  }
  double wall_ms() override {
    return to_ms(options.manual_clock ? options.manual_clock->now()
                                      : std::chrono::system_clock::now());
  }
  void fill_random(uint8_t* data, size_t size) override { random->fill(data, size); }
  void print(v8::Local<v8::Context> context, std::string_view level, std::string text,
             std::string record) override {
    ContextState* state = state_of(context);
    ConsoleLine line{std::string(level), std::move(text),
                     record.empty() ? Json() : Json::parse(record, nullptr, false)};
    if (options.console_sink) options.console_sink(state ? state->node_path : "", line);
    if (state && state->calls.size() == 1) {
      calls[*state->calls.begin()]->console.push_back(std::move(line));
    }
  }
  int add_timer(v8::Local<v8::Context> context, v8::Local<v8::Function> callback,
                std::vector<v8::Local<v8::Value>> args, double delay_ms, bool repeat) override {
    auto delay = std::chrono::milliseconds(static_cast<long long>(delay_ms));
    int id = timers.add(loop_now() + delay, repeat ? std::max(delay, std::chrono::milliseconds(1))
                                                   : std::chrono::milliseconds(0));
    Timer& timer = timer_callbacks[id];
    timer.function.Reset(isolate, callback);
    for (v8::Local<v8::Value> arg : args) timer.args.emplace_back(isolate, arg);
    timer.owner = state_of(context);
    if (timer.owner) timer.owner->timers.insert(id);
    return id;
  }
  void cancel_timer(int id) override {
    timers.cancel(id);
    auto found = timer_callbacks.find(id);
    if (found == timer_callbacks.end()) return;
    if (found->second.owner) {
      found->second.owner->timers.erase(id);
      found->second.owner->unref_timers.erase(id);
      recheck(found->second.owner);
    }
    timer_callbacks.erase(found);
  }
  void set_timer_ref(int id, bool ref) override {
    auto found = timer_callbacks.find(id);
    if (found == timer_callbacks.end() || !found->second.owner) return;
    if (ref) {
      found->second.owner->unref_timers.erase(id);
    } else {
      found->second.owner->unref_timers.insert(id);
    }
  }
  v8::Local<v8::Promise> fetch(v8::Local<v8::Context> context, HttpRequest request,
                               std::string redirect_mode, std::string extra_host) override;
  void settle(double id, bool ok, v8::Local<v8::Value> value) override;

  // --- loop ---
  void loop_main(std::promise<void>& started);
  void create_isolate();
  void run_loop();
  void release_all();  // every Global, while the isolate still exists
  void submit(std::unique_ptr<CallState> call);
  // The node's file inside the workflow folder (an escaping path is an error), remembered.
  Result<std::string> absolute_node_path(const std::string& node_path);
  void run_due_timers();
  void expire_deadlines();
  // Marks `state` for fail_unsettleable_calls' next look (null: nothing).
  void recheck(ContextState* state);
  void fail_unsettleable_calls();
  void dispose_pending_contexts();
  std::optional<SteadyTime> next_wake() const;

  // --- calls ---
  void start_call(std::unique_ptr<CallState> call);
  Result<ContextState*> context_for(CallState& call);
  Result<ContextState*> make_context(const std::string& node_path, const NetPolicy& net);
  Result<std::unique_ptr<ContextState>> new_context();
  // Fresh mode: makes the next call's context while the loop would otherwise sit idle.
  void prepare_spare_context();
  void finish(uint64_t call_id, Result<NodeCall> result);
  void fail_calls_of(ContextState* state, const Status& status);
  void request_dispose(ContextState* state);
  void run_js(ContextState* state, const std::function<void(v8::Local<v8::Context>)>& body);
  void after_termination(ContextState* state);
  void report_unhandled_rejections();
  std::string describe_exception(v8::Local<v8::Context> context, const v8::TryCatch& try_catch);
  std::string describe_rejection(v8::Local<v8::Context> context, v8::Local<v8::Value> reason,
                                 const std::string& node_path);
  Result<std::string> strip(const std::string& source, const std::string& file_name);
  // The data a call's ctx is built from: CallOptions::ctx_json parsed, or ctx_node and
  // ctx_execution_id followed by the members of ctx_shared_json.
  v8::MaybeLocal<v8::Value> ctx_data(ContextState* state, v8::Local<v8::Context> context,
                                     v8::Local<v8::Object> hooks, const CallState& call);
  // The function that makes a call's ctx data with ctx_shared_json's members written in it as
  // an object literal, compiled once per context and shared text; empty when the text cannot
  // be such a literal. False when execution was terminated meanwhile.
  bool prepare_members_maker(ContextState* state, v8::Local<v8::Context> context,
                             v8::Local<v8::Object> hooks, const CallOptions& options);
  // hooks[name], looked up on first use and kept in `slot`.
  v8::MaybeLocal<v8::Function> cached_hook(v8::Global<v8::Function>& slot,
                                           v8::Local<v8::Context> context,
                                           v8::Local<v8::Object> hooks, const char* name);
  // RuntimeOptions::context_script's ctx builder, made once per context (empty: it failed).
  v8::MaybeLocal<v8::Function> context_builder(ContextState* state, v8::Local<v8::Context> context,
                                               v8::Local<v8::Object> hooks);
  // The ctx a node receives: `data` passed through RuntimeOptions::context_script, if any,
  // with `trigger_json` (null: none) as its ctx.trigger.
  v8::MaybeLocal<v8::Value> make_node_context(ContextState* state, v8::Local<v8::Context> context,
                                              v8::Local<v8::Object> hooks,
                                              v8::Local<v8::Value> data,
                                              const std::string* trigger_json);
  // A call to an evaluated node whose ctx data has a members maker and a ctx builder: made in
  // one call into JavaScript (hooks.callNodeWith), which builds the ctx, parses the input and
  // calls the node, instead of one call for each. False when it was not such a call.
  bool call_with_built_ctx(ContextState* state, v8::Local<v8::Context> context,
                           v8::Local<v8::Object> hooks, CallState& call,
                           v8::Local<v8::Value> module_namespace, v8::Local<v8::Value> file,
                           v8::Local<v8::Value> call_id, v8::TryCatch& errors);
  void complete_fetch(uint64_t op_id, Result<FetchResult> result);
};

namespace {

// At the heap limit: stop the running JavaScript and give V8 room to unwind instead of aborting.
size_t near_heap_limit(void* data, size_t current, size_t /*initial*/) {
  auto* impl = static_cast<Runtime::Impl*>(data);
  impl->heap_exhausted = true;
  impl->isolate->TerminateExecution();
  return current + 64 * 1024 * 1024;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Loop

void Runtime::Impl::create_isolate() {
  allocator.reset(v8::ArrayBuffer::Allocator::NewDefaultAllocator());
  snapshot = embedded_startup_snapshot();
  v8::Isolate::CreateParams params;
  params.array_buffer_allocator = allocator.get();
  params.snapshot_blob = &snapshot;
  params.external_references = external_references();
  params.constraints.ConfigureDefaultsFromHeapSize(0, options.heap_limit_mb * 1024 * 1024);
  isolate = v8::Isolate::New(params);
  isolate->SetData(0, static_cast<IsolateHost*>(this));
  isolate->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
  watchdog = std::make_unique<Watchdog>(isolate);
  ModuleGraph::install_callbacks(isolate);
  isolate->AddNearHeapLimitCallback(near_heap_limit, this);
  isolate->SetPromiseRejectCallback([](v8::PromiseRejectMessage message) {
    v8::Local<v8::Promise> promise = message.GetPromise();
    v8::Isolate* iso = promise->GetIsolate();
    v8::Local<v8::Context> context;
    if (!promise->GetCreationContext().ToLocal(&context)) return;
    if (context->GetNumberOfEmbedderDataFields() <= kStateSlot) return;
    ContextState* state = state_of(context);
    if (!state) return;
    if (message.GetEvent() == v8::kPromiseRejectWithNoHandler) {
      state->unhandled.emplace_back(v8::Global<v8::Promise>(iso, promise),
                                    v8::Global<v8::Value>(iso, message.GetValue()));
    } else if (message.GetEvent() == v8::kPromiseHandlerAddedAfterReject) {
      std::erase_if(state->unhandled, [&](const auto& entry) { return entry.first == promise; });
    }
  });
  virtual_now = std::chrono::steady_clock::now();
}

void Runtime::Impl::release_all() {
  for (auto& [id, call] : calls) {
    in_flight--;
    call->done(Status(StatusCode::kUnavailable, call->node_path + ": the runtime stopped"));
  }
  calls.clear();
  deadlines.clear();
  to_recheck.clear();
  watchdog.reset();
  ops.clear();
  timer_callbacks.clear();
  long_lived.clear();
  fresh.clear();
  spare.reset();
  stripper.Reset();
}

std::optional<SteadyTime> Runtime::Impl::next_wake() const {
  std::optional<SteadyTime> wake_at;
  if (!options.manual_clock) {
    if (auto due = timers.next_due()) wake_at = *due;
  }
  if (auto deadline = deadlines.earliest(); deadline && (!wake_at || *deadline < *wake_at)) {
    wake_at = deadline;
  }
  return wake_at;
}

void Runtime::Impl::loop_main(std::promise<void>& started) {
  name_this_thread("pd-isolate");
  create_isolate();
  started.set_value();
  {
    v8::Isolate::Scope isolate_scope(isolate);
    run_loop();
    release_all();
  }
  isolate->Dispose();
  std::lock_guard<std::mutex> lock(mutex);
  for (std::promise<void>& switched : waiter_switched) switched.set_value();
  waiter_switched.clear();
}

void Runtime::Impl::run_loop() {
  for (;;) {
    std::deque<LoopItem> batch;
    std::shared_ptr<LoopWaiter> sleeper;
    std::optional<SteadyTime> sleep_until;
    {
      std::unique_lock<std::mutex> lock(mutex);
      for (;;) {
        sleeper = waiter;
        for (std::promise<void>& switched : waiter_switched) switched.set_value();
        waiter_switched.clear();
        if (stopping) break;
        bool ready = !tasks.empty();
        // Virtual time: with nothing else pending, jump to the next timer.
        if (!ready && options.manual_clock && ops.empty() && !timers.empty()) {
          SteadyTime due = *timers.next_due();
          if (due > virtual_now) {
            options.manual_clock->advance(
                std::chrono::duration_cast<std::chrono::milliseconds>(due - virtual_now));
            virtual_now = due;
          }
          ready = true;
        }
        std::optional<SteadyTime> wake_at = next_wake();
        if (wake_at && std::chrono::steady_clock::now() >= *wake_at) ready = true;
        if (sleeper) {
          // Sleep outside the lock; with work ready, only poll the waiter's I/O once so that it
          // is not starved by a loop that always has work.
          sleep_until = ready ? SteadyTime::min() : wake_at;
          break;
        }
        if (ready) break;
        if (wake_at) {
          wake.wait_until(lock, *wake_at);
        } else {
          wake.wait(lock);
        }
      }
      if (stopping) break;
      if (!sleeper) batch.swap(tasks);
    }
    if (sleeper) {
      sleeper->wait(sleep_until);
      std::lock_guard<std::mutex> lock(mutex);
      batch.swap(tasks);
    }
    for (LoopItem& item : batch) {
      if (item.call) {
        item.call->id = next_call_id++;
        start_call(std::move(item.call));
      } else {
        item.task();
        tasks_waiting--;
      }
    }
    run_due_timers();
    expire_deadlines();
    fail_unsettleable_calls();
    dispose_pending_contexts();
    prepare_spare_context();
  }
}

void Runtime::Impl::run_due_timers() {
  SteadyTime now = loop_now();
  for (int budget = 1000; budget > 0; --budget) {
    std::optional<int> id = timers.take_due(now);
    if (!id) return;
    auto found = timer_callbacks.find(*id);
    if (found == timer_callbacks.end()) continue;
    ContextState* owner = found->second.owner;
    bool repeats = timers.scheduled(*id);
    v8::HandleScope scope(isolate);
    v8::Local<v8::Function> fn = found->second.function.Get(isolate);
    std::vector<v8::Local<v8::Value>> args;
    for (auto& arg : found->second.args) args.push_back(arg.Get(isolate));
    if (!repeats) {
      timer_callbacks.erase(found);
      if (owner) {
        owner->timers.erase(*id);
        owner->unref_timers.erase(*id);
      }
    }
    if (!owner) continue;
    run_js(owner, [&](v8::Local<v8::Context> context) {
      v8::Local<v8::Value> ignored;
      if (!fn->Call(context, context->Global(), static_cast<int>(args.size()), args.data())
               .ToLocal(&ignored)) {
        return;  // run_js reports what was thrown
      }
    });
  }
}

void Runtime::Impl::expire_deadlines() {
  for (uint64_t id : deadlines.due(std::chrono::steady_clock::now())) {
    auto found = calls.find(id);
    if (found == calls.end()) continue;  // finished meanwhile, by an earlier one's callback
    CallState& call = *found->second;
    ContextState* state = call.context;
    finish(id, Status(StatusCode::kDeadlineExceeded,
                      call.node_path + ": timed out after " +
                          std::to_string(call.options.timeout.count()) + "ms"));
    // A timed-out node must not keep running: a long-lived context with nothing else in flight
    // is torn down (its timers and requests with it) and made again by the next call.
    if (state && state->long_lived && state->calls.empty()) {
      state->broken = true;
      request_dispose(state);
    }
  }
}

void Runtime::Impl::recheck(ContextState* state) {
  if (state && !state->queued_for_recheck) {
    state->queued_for_recheck = true;
    to_recheck.push_back(state);
  }
}

void Runtime::Impl::fail_unsettleable_calls() {
  std::vector<uint64_t> stuck;
  for (ContextState* state : to_recheck) {
    state->queued_for_recheck = false;
    if (state->timers.empty() && state->pending_ops == 0) {
      stuck.insert(stuck.end(), state->calls.begin(), state->calls.end());
    }
  }
  to_recheck.clear();
  for (uint64_t id : stuck) {
    auto found = calls.find(id);
    if (found == calls.end()) continue;  // finished meanwhile, by an earlier one's callback
    std::string node = found->second->node_path;
    finish(id,
           invalid_argument(node + ": the promise returned by the node never settled (no timers or "
                                   "I/O left that could settle it)"));
  }
}

void Runtime::Impl::request_dispose(ContextState* state) {
  if (std::find(to_dispose.begin(), to_dispose.end(), state) == to_dispose.end()) {
    to_dispose.push_back(state);
  }
}

void Runtime::Impl::dispose_pending_contexts() {
  std::vector<ContextState*> pending;
  pending.swap(to_dispose);
  bool after_heap_limit = heap_exhausted;
  for (ContextState* state : pending) {
    if (!state->calls.empty()) continue;  // a new call arrived meanwhile (long-lived)
    for (int id : std::set<int>(state->timers)) cancel_timer(id);
    for (auto& [id, op] : ops) {
      if (op.owner == state) op.owner = nullptr;
    }
    std::erase(to_recheck, state);  // it has no calls, and is freed now
    if (state->long_lived) {
      for (auto it = long_lived.begin(); it != long_lived.end(); ++it) {
        if (it->second.get() == state) {
          long_lived.erase(it);
          break;
        }
      }
    } else {
      fresh.erase(state);
    }
  }
  if (after_heap_limit) {
    // The context is gone: collect it and put the limit back where it was.
    heap_exhausted = false;
    isolate->LowMemoryNotification();
    isolate->RemoveNearHeapLimitCallback(near_heap_limit, options.heap_limit_mb * 1024 * 1024);
    isolate->AddNearHeapLimitCallback(near_heap_limit, this);
  }
}

// ---------------------------------------------------------------------------------------------
// Running JavaScript

void Runtime::Impl::run_js(ContextState* state,
                           const std::function<void(v8::Local<v8::Context>)>& body) {
  v8::HandleScope handle_scope(isolate);
  v8::Local<v8::Context> context = state->context.Get(isolate);
  v8::Context::Scope context_scope(context);
  SteadyTime entered = std::chrono::steady_clock::now();
  // Outermost entry only; cleared on every way out.
  bool outermost = js_entered.load(std::memory_order_relaxed) == 0;
  if (outermost) js_entered.store(entered.time_since_epoch().count(), std::memory_order_relaxed);
  struct Left {
    std::atomic<SteadyTime::rep>& entered;
    bool outermost;
    ~Left() {
      if (outermost) entered.store(0, std::memory_order_relaxed);
    }
  } left{js_entered, outermost};
  SteadyTime limit = entered + kIdleRunLimit;
  if (auto deadline = deadlines.earliest()) limit = std::min(limit, *deadline);
  watchdog->arm(limit);
  // Whatever brings JavaScript here (a new call, a timer that ran, a completed fetch) may
  // leave the context's calls with nothing that could settle them.
  recheck(state);
  bool terminated = false;
  {
    v8::TryCatch try_catch(isolate);
    body(context);
    if (!try_catch.HasTerminated()) isolate->PerformMicrotaskCheckpoint();
    bool fired = watchdog->disarm();
    terminated = try_catch.HasTerminated() || fired || heap_exhausted;
    if (!terminated && try_catch.HasCaught()) {
      fail_calls_of(state, invalid_argument("Uncaught " + describe_exception(context, try_catch)));
    }
  }
  if (terminated) {
    after_termination(state);
    return;
  }
  report_unhandled_rejections();
}

void Runtime::Impl::after_termination(ContextState* state) {
  isolate->CancelTerminateExecution();
  if (heap_exhausted) {
    fail_calls_of(state, Status(StatusCode::kUnavailable,
                                state->node_path + ": ran out of memory (heap limit " +
                                    std::to_string(options.heap_limit_mb) + " MB)"));
    request_dispose(state);
    return;
  }
  expire_deadlines();
  if (!state->long_lived) request_dispose(state);
}

void Runtime::Impl::fail_calls_of(ContextState* state, const Status& status) {
  for (uint64_t id : std::set<uint64_t>(state->calls)) finish(id, status);
}

void Runtime::Impl::report_unhandled_rejections() {
  auto report = [&](ContextState* state) {
    if (state->unhandled.empty()) return;
    v8::HandleScope scope(isolate);
    v8::Local<v8::Context> context = state->context.Get(isolate);
    v8::Context::Scope context_scope(context);
    v8::Local<v8::Value> reason = state->unhandled.front().second.Get(isolate);
    state->unhandled.clear();
    std::string message =
        "Uncaught (in promise) " + describe_rejection(context, reason, state->node_path);
    if (!state->calls.empty()) {
      fail_calls_of(state, invalid_argument(message));
    } else if (options.console_sink) {
      options.console_sink(state->node_path, {"error", message});
    }
  };
  for (auto& [node, state] : long_lived) report(state.get());
  for (auto& [ptr, state] : fresh) report(state.get());
}

std::string Runtime::Impl::describe_exception(v8::Local<v8::Context> context,
                                              const v8::TryCatch& try_catch) {
  v8::Local<v8::Value> exception = try_catch.Exception();
  std::string text = to_std(isolate, exception);
  if (exception->IsObject()) {
    v8::Local<v8::Value> stack;
    if (exception.As<v8::Object>()->Get(context, v8_string(isolate, "stack")).ToLocal(&stack) &&
        stack->IsString()) {
      text = to_std(isolate, stack);
    }
  }
  v8::Local<v8::Message> message = try_catch.Message();
  if (!message.IsEmpty() && message->GetScriptResourceName()->IsString() &&
      message->GetLineNumber(context).FromMaybe(0) > 0) {
    std::string where = to_std(isolate, message->GetScriptResourceName()) + ":" +
                        std::to_string(message->GetLineNumber(context).FromMaybe(0)) + ":" +
                        std::to_string(message->GetStartColumn(context).FromMaybe(0) + 1);
    if (text.find(where) == std::string::npos) text = where + ": " + text;
  }
  return text;
}

std::string Runtime::Impl::describe_rejection(v8::Local<v8::Context> context,
                                              v8::Local<v8::Value> reason,
                                              const std::string& node_path) {
  if (reason->IsObject()) {
    v8::Local<v8::Object> object = reason.As<v8::Object>();
    v8::Local<v8::Value> plain;
    v8::Local<v8::Value> stack;
    if (object->Get(context, v8_string(isolate, "pdPlain")).ToLocal(&plain) && plain->IsTrue()) {
      v8::Local<v8::Value> message;
      if (object->Get(context, v8_string(isolate, "message")).ToLocal(&message)) {
        return to_std(isolate, message);
      }
    }
    if (object->Get(context, v8_string(isolate, "stack")).ToLocal(&stack) && stack->IsString()) {
      return to_std(isolate, stack);
    }
  }
  return node_path + ": the node rejected with " + to_std(isolate, reason);
}

// ---------------------------------------------------------------------------------------------
// Calls

Result<ContextState*> Runtime::Impl::make_context(const std::string& node_path,
                                                  const NetPolicy& net) {
  if (!spare) {
    Result<std::unique_ptr<ContextState>> made = new_context();
    if (!made.is_ok()) return made.status();
    spare = std::move(made).value();
  }
  std::unique_ptr<ContextState> state = std::move(spare);
  state->node_path = node_path;
  state->net = net;
  state->origin_ms = loop_ms();
  state->wall_origin_ms = wall_ms();
  ContextState* raw = state.get();
  fresh[raw] = std::move(state);
  return raw;
}

void Runtime::Impl::prepare_spare_context() {
  if (options.mode != ContextMode::kFreshPerCall || spare) return;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (!tasks.empty() || stopping) return;
  }
  Result<std::unique_ptr<ContextState>> made = new_context();
  if (made.is_ok()) spare = std::move(made).value();
}

Result<std::unique_ptr<ContextState>> Runtime::Impl::new_context() {
  if (!import_map) import_map = ImportMap::load(options.workflow_dir, *deno_host.file_system);
  if (!import_map->is_ok()) return import_map->status();
  auto state = std::make_unique<ContextState>();
  state->graph = std::make_unique<ModuleGraph>(
      isolate,
      ModuleSources{options.workflow_dir, deno_host.file_system, import_map->value(), cache.get(),
                    [this](const std::string& source, const std::string& file) {
                      return strip(source, file);
                    },
                    options.module_overrides});
  v8::HandleScope scope(isolate);
  v8::Local<v8::Context> context = v8::Context::New(isolate);
  v8::Context::Scope context_scope(context);
  context->SetAlignedPointerInEmbedderData(kStateSlot, state.get());
  state->graph->attach(context);
  v8::Local<v8::Object> hooks;
  if (!context->GetDataFromSnapshotOnce<v8::Object>(kPreludeHooksIndex).ToLocal(&hooks)) {
    return internal_error("the startup snapshot has no prelude hooks");
  }
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::Object> init_options = v8::Object::New(isolate);
  init_options
      ->Set(context, v8_string(isolate, "virtualClock"),
            v8::Boolean::New(isolate, options.manual_clock != nullptr))
      .Check();
  init_options
      ->Set(context, v8_string(isolate, "seededRandom"),
            v8::Boolean::New(isolate, random->deterministic()))
      .Check();
  v8::Local<v8::Value> init;
  v8::Local<v8::Value> args[] = {init_options};
  if (!hooks->Get(context, v8_string(isolate, "init")).ToLocal(&init) || !init->IsFunction() ||
      init.As<v8::Function>()->Call(context, hooks, 1, args).IsEmpty()) {
    return internal_error("the runtime prelude failed: " + describe_exception(context, try_catch));
  }
  state->context.Reset(isolate, context);
  state->hooks.Reset(isolate, hooks);
  return state;
}

Result<ContextState*> Runtime::Impl::context_for(CallState& call) {
  const NetPolicy& net = call.options.net ? *call.options.net : options.default_net;
  if (options.mode == ContextMode::kFreshPerCall) return make_context(call.node_path, net);
  auto found = long_lived.find(call.absolute);
  if (found != long_lived.end() && !found->second->broken) {
    found->second->net = net;
    return found->second.get();
  }
  Result<ContextState*> made = make_context(call.node_path, net);
  if (!made.is_ok()) return made;
  ContextState* state = made.value();
  state->long_lived = true;
  auto owned = std::move(fresh[state]);
  fresh.erase(state);
  if (found != long_lived.end()) {
    // The broken context waits for dispose_pending_contexts like a finished fresh one; calls
    // still in it (a timed-out node's siblings) keep it alive until they end.
    ContextState* broken = found->second.get();
    broken->long_lived = false;
    fresh[broken] = std::move(found->second);
    long_lived.erase(found);
    request_dispose(broken);
  }
  long_lived[call.absolute] = std::move(owned);
  return state;
}

void Runtime::Impl::start_call(std::unique_ptr<CallState> call) {
  Result<ContextState*> made = context_for(*call);
  uint64_t id = call->id;
  if (!made.is_ok()) {
    in_flight--;
    call->done(made.status());
    return;
  }
  ContextState* state = made.value();
  call->context = state;
  state->calls.insert(id);
  CallState& c = *call;
  deadlines.add(id, call->deadline);
  calls[id] = std::move(call);
  run_js(state, [&](v8::Local<v8::Context> context) {
    v8::TryCatch load_errors(isolate);
    v8::Local<v8::Promise> evaluation;
    v8::Local<v8::Value> module_namespace;
    if (!state->evaluation.IsEmpty()) {
      evaluation = state->evaluation.Get(isolate);
      module_namespace = state->module_namespace.Get(isolate);
    } else {
      v8::Local<v8::Module> module;
      if (!state->graph->evaluate(context, c.absolute, &module).ToLocal(&evaluation)) {
        if (load_errors.HasTerminated()) {
          load_errors.ReThrow();
          return;
        }
        state->broken = true;
        std::string detail = load_errors.HasCaught() ? describe_exception(context, load_errors)
                                                     : c.node_path + ": cannot load the module";
        fail_calls_of(state, invalid_argument(detail));
        request_dispose(state);
        return;
      }
      module_namespace = module->GetModuleNamespace();
      state->evaluation.Reset(isolate, evaluation);
      state->module_namespace.Reset(isolate, module_namespace);
    }
    v8::Local<v8::Object> hooks = state->hooks.Get(isolate);
    v8::Local<v8::Value> driver;
    v8::Local<v8::String> file = state->name(isolate, c.node_path);
    v8::Local<v8::Number> call_id = v8::Number::New(isolate, static_cast<double>(id));
    if (c.load_only) {
      v8::Local<v8::Value> args[] = {evaluation, module_namespace, file, call_id};
      if (!hooks->Get(context, v8_string(isolate, "loadNode")).ToLocal(&driver) ||
          driver.As<v8::Function>()->Call(context, hooks, 4, args).IsEmpty()) {
        load_errors.ReThrow();
      }
      return;
    }
    if (evaluation->State() == v8::Promise::kFulfilled &&
        call_with_built_ctx(state, context, hooks, c, module_namespace, file, call_id,
                            load_errors)) {
      return;
    }
    v8::Local<v8::Value> ctx_value;
    v8::Local<v8::Value> input_value;
    if (!ctx_data(state, context, hooks, c).ToLocal(&ctx_value) ||
        !(c.options.input_json.empty()
              ? input_to_v8(isolate, context, c.input)
              : v8::JSON::Parse(context, v8_string(isolate, c.options.input_json)))
             .ToLocal(&input_value) ||
        !make_node_context(state, context, hooks, ctx_value, c.options.ctx_trigger_json.get())
             .ToLocal(&ctx_value)) {
      load_errors.ReThrow();
      return;
    }
    if (evaluation->State() == v8::Promise::kFulfilled) {
      // Evaluated (every call after a long-lived context's first): no promise to await.
      v8::Local<v8::Function> call_node;
      v8::Local<v8::Value> args[] = {module_namespace, ctx_value, input_value, file, call_id};
      if (!cached_hook(state->call_node, context, hooks, "callNode").ToLocal(&call_node) ||
          call_node->Call(context, hooks, 5, args).IsEmpty()) {
        load_errors.ReThrow();
      }
      return;
    }
    v8::Local<v8::Value> args[] = {evaluation, module_namespace, ctx_value, input_value,
                                   file,       call_id};
    if (!hooks->Get(context, v8_string(isolate, "runNode")).ToLocal(&driver) ||
        driver.As<v8::Function>()->Call(context, hooks, 6, args).IsEmpty()) {
      load_errors.ReThrow();
    }
  });
  if (!state->broken) state->graph->save_code_caches();
}

v8::MaybeLocal<v8::Function> Runtime::Impl::cached_hook(v8::Global<v8::Function>& slot,
                                                        v8::Local<v8::Context> context,
                                                        v8::Local<v8::Object> hooks,
                                                        const char* name) {
  if (slot.IsEmpty()) {
    v8::Local<v8::Value> hook;
    if (!hooks->Get(context, v8_string(isolate, name)).ToLocal(&hook) || !hook->IsFunction()) {
      return {};
    }
    slot.Reset(isolate, hook.As<v8::Function>());
  }
  return slot.Get(isolate);
}

bool Runtime::Impl::prepare_members_maker(ContextState* state, v8::Local<v8::Context> context,
                                          v8::Local<v8::Object> hooks,
                                          const CallOptions& options) {
  const std::string& shared = *options.ctx_shared_json;
  if (state->shared_members == options.ctx_shared_json ||
      (state->shared_members && *state->shared_members == shared)) {
    return true;
  }
  state->shared_members = options.ctx_shared_json;
  state->members_maker.Reset();
  // JSON text read as JavaScript is an object literal with the same value, except that a
  // "__proto__" member would set the prototype: such text is parsed every call instead. The
  // call's own members go first on a plain `{}`, which the literal's members are then
  // assigned onto. (Written into the literal itself, `{node, executionId, ...}`, the literal's
  // objects outlived the call and the saturated HTTP p99 rose from 0.5-1.0 ms to 1.2-1.4 ms,
  // likely V8 pretenuring that allocation site.)
  size_t open = shared.find_first_not_of(" \t\r\n");
  if (shared.find("__proto__") != std::string::npos || open == std::string::npos ||
      shared[open] != '{') {
    return true;
  }
  v8::TryCatch compile_errors(isolate);
  v8::ScriptOrigin origin(isolate, v8_string(isolate, "pd:ctx-members.js"));
  std::string source =
      "(function (withMembers) {\n  return function (node, executionId) {\n"
      "    return withMembers(node, executionId, " +
      shared.substr(open) + ");\n  };\n})";
  v8::Local<v8::Script> script;
  v8::Local<v8::Value> outer;
  v8::Local<v8::Value> with_members;
  v8::Local<v8::Value> maker;
  if (v8::Script::Compile(context, v8_string(isolate, source), &origin).ToLocal(&script) &&
      script->Run(context).ToLocal(&outer) && outer->IsFunction() &&
      hooks->Get(context, v8_string(isolate, "withMembers")).ToLocal(&with_members) &&
      outer.As<v8::Function>()->Call(context, v8::Undefined(isolate), 1, &with_members)
          .ToLocal(&maker) &&
      maker->IsFunction()) {
    state->members_maker.Reset(isolate, maker.As<v8::Function>());
  } else if (compile_errors.HasTerminated()) {
    compile_errors.ReThrow();
    return false;
  }
  // Otherwise (too deeply nested to compile, say) the text is parsed instead.
  return true;
}

v8::MaybeLocal<v8::Value> Runtime::Impl::ctx_data(ContextState* state,
                                                  v8::Local<v8::Context> context,
                                                  v8::Local<v8::Object> hooks,
                                                  const CallState& call) {
  const CallOptions& options = call.options;
  if (!options.ctx_shared_json) {
    return v8::JSON::Parse(
        context, v8_string(isolate, options.ctx_json.empty() ? call.ctx.dump() : options.ctx_json));
  }
  if (!prepare_members_maker(state, context, hooks, options)) return {};
  v8::Local<v8::Value> args[] = {v8_string(isolate, options.ctx_node),
                                 v8_string(isolate, options.ctx_execution_id), {}};
  if (!state->members_maker.IsEmpty()) {
    return state->members_maker.Get(isolate)->Call(context, v8::Undefined(isolate), 2, args);
  }
  args[2] = v8_string(isolate, *options.ctx_shared_json);
  v8::Local<v8::Value> merge;
  if (!hooks->Get(context, v8_string(isolate, "mergeMembers")).ToLocal(&merge)) return {};
  return merge.As<v8::Function>()->Call(context, hooks, 3, args);
}

v8::MaybeLocal<v8::Function> Runtime::Impl::context_builder(ContextState* state,
                                                            v8::Local<v8::Context> context,
                                                            v8::Local<v8::Object> hooks) {
  if (state->context_factory.IsEmpty()) {
    v8::TryCatch errors(isolate);
    v8::ScriptOrigin origin(isolate, v8_string(isolate, "pd:context.js"));
    v8::Local<v8::Script> script;
    v8::Local<v8::Value> factory;
    v8::Local<v8::Value> make;
    v8::Local<v8::Value> builder;
    if (!v8::Script::Compile(context, v8_string(isolate, options.context_script), &origin)
             .ToLocal(&script) ||
        !script->Run(context).ToLocal(&factory) || !factory->IsFunction() ||
        !hooks->Get(context, v8_string(isolate, "makeContextBuilder")).ToLocal(&make) ||
        !make.As<v8::Function>()->Call(context, hooks, 1, &factory).ToLocal(&builder) ||
        !builder->IsFunction()) {
      // Whatever threw fails the call; a script that gave no function throws nothing, so that
      // is said here (otherwise the call would only be found never to settle).
      if (errors.HasCaught() || errors.HasTerminated()) {
        errors.ReThrow();
      } else {
        isolate->ThrowError(v8_string(
            isolate, "pd:context.js: the ctx script must be (api) => ctx builder function"));
        errors.ReThrow();
      }
      return {};
    }
    state->context_factory.Reset(isolate, builder.As<v8::Function>());
  }
  return state->context_factory.Get(isolate);
}

bool Runtime::Impl::call_with_built_ctx(ContextState* state, v8::Local<v8::Context> context,
                                        v8::Local<v8::Object> hooks, CallState& call,
                                        v8::Local<v8::Value> module_namespace,
                                        v8::Local<v8::Value> file, v8::Local<v8::Value> call_id,
                                        v8::TryCatch& errors) {
  const CallOptions& options = call.options;
  if (!options.ctx_shared_json || this->options.context_script.empty()) return false;
  v8::Local<v8::Function> builder;
  if (!prepare_members_maker(state, context, hooks, options) ||
      !context_builder(state, context, hooks).ToLocal(&builder)) {
    errors.ReThrow();
    return true;
  }
  if (state->members_maker.IsEmpty()) return false;
  v8::Local<v8::Function> call_node_with;
  if (!cached_hook(state->call_node_with, context, hooks, "callNodeWith")
           .ToLocal(&call_node_with)) {
    errors.ReThrow();
    return true;
  }
  v8::Local<v8::Value> undefined = v8::Undefined(isolate);
  v8::Local<v8::Value> input_text = undefined;
  v8::Local<v8::Value> input = undefined;
  if (!options.input_json.empty()) {
    input_text = v8_string(isolate, options.input_json);
  } else if (!input_to_v8(isolate, context, call.input).ToLocal(&input)) {
    errors.ReThrow();
    return true;
  }
  const std::string* trigger_json = options.ctx_trigger_json.get();
  v8::Local<v8::Value> args[] = {module_namespace,
                                 state->members_maker.Get(isolate),
                                 builder,
                                 state->name(isolate, options.ctx_node),
                                 v8_string(isolate, options.ctx_execution_id),
                                 trigger_json ? v8_string(isolate, *trigger_json).As<v8::Value>()
                                              : undefined,
                                 input_text,
                                 input,
                                 file,
                                 call_id};
  if (call_node_with->Call(context, hooks, 10, args).IsEmpty()) {
    errors.ReThrow();
  }
  return true;
}

v8::MaybeLocal<v8::Value> Runtime::Impl::make_node_context(ContextState* state,
                                                           v8::Local<v8::Context> context,
                                                           v8::Local<v8::Object> hooks,
                                                           v8::Local<v8::Value> data,
                                                           const std::string* trigger_json) {
  if (options.context_script.empty()) {
    v8::Local<v8::Value> trigger;
    if (trigger_json && data->IsObject() &&
        (!v8::JSON::Parse(context, v8_string(isolate, *trigger_json)).ToLocal(&trigger) ||
         data.As<v8::Object>()
             ->CreateDataProperty(context, v8_string(isolate, "trigger"), trigger)
             .IsNothing())) {
      return {};
    }
    return data;
  }
  v8::Local<v8::Function> builder;
  if (!context_builder(state, context, hooks).ToLocal(&builder)) return {};
  v8::Local<v8::Value> trigger = v8::Undefined(isolate);
  if (trigger_json) trigger = v8_string(isolate, *trigger_json);
  v8::Local<v8::Value> args[] = {data, trigger};
  return builder->Call(context, context->Global(), 2, args);
}

void Runtime::Impl::settle(double id, bool ok, v8::Local<v8::Value> value) {
  auto call_id = static_cast<uint64_t>(id);
  auto found = calls.find(call_id);
  if (found == calls.end()) return;  // already timed out
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  if (!ok) {
    finish(call_id, invalid_argument(describe_rejection(context, value, found->second->node_path)));
    return;
  }
  NodeCall result;
  if (!value->IsUndefined()) {
    v8::TryCatch try_catch(isolate);
    v8::Local<v8::String> json;
    if (!v8::JSON::Stringify(context, value).ToLocal(&json)) {
      finish(call_id, invalid_argument(found->second->node_path +
                                       ": the node's result cannot be turned into JSON: " +
                                       to_std(isolate, try_catch.Exception())));
      return;
    }
    result.output_json = to_std(isolate, json);
    // A function or a symbol has no JSON (JSON.stringify gives undefined): as if none returned.
    if (result.output_json == "undefined") result.output_json.clear();
    if (!result.output_json.empty() && !found->second->options.output_text_only) {
      result.output = Json::parse(result.output_json, nullptr, false);
    }
  }
  finish(call_id, std::move(result));
}

void Runtime::Impl::finish(uint64_t call_id, Result<NodeCall> result) {
  auto found = calls.find(call_id);
  if (found == calls.end()) return;
  std::unique_ptr<CallState> call = std::move(found->second);
  calls.erase(found);
  deadlines.remove(call_id, call->deadline);
  ContextState* state = call->context;
  if (state && !state->long_lived && result.is_ok()) {
    result.value().pending_timers = state->timers.size() - state->unref_timers.size();
    result.value().pending_operations = state->pending_ops;
  }
  if (state) {
    state->calls.erase(call_id);
    if (!state->long_lived) request_dispose(state);
  }
  if (result.is_ok()) result.value().console = std::move(call->console);
  in_flight--;
  call->done(std::move(result));
}

// ---------------------------------------------------------------------------------------------
// TypeScript

Result<std::string> Runtime::Impl::strip(const std::string& source, const std::string& file_name) {
  v8::HandleScope handle_scope(isolate);
  if (stripper.IsEmpty()) {
    v8::Local<v8::Context> context;
    if (!v8::Context::FromSnapshot(isolate, kStripperContextIndex).ToLocal(&context)) {
      return internal_error("the startup snapshot has no TypeScript transformer");
    }
    stripper.Reset(isolate, context);
  }
  v8::Local<v8::Context> context = stripper.Get(isolate);
  v8::Context::Scope scope(context);
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::Value> api;
  v8::Local<v8::Value> fn;
  v8::Local<v8::Value> result;
  v8::Local<v8::Value> args[] = {v8_string(isolate, source), v8_string(isolate, file_name)};
  if (!context->Global()->Get(context, v8_string(isolate, "PdTypeScript")).ToLocal(&api) ||
      !api.As<v8::Object>()->Get(context, v8_string(isolate, "strip")).ToLocal(&fn) ||
      !fn.As<v8::Function>()->Call(context, api, 2, args).ToLocal(&result)) {
    if (try_catch.HasTerminated()) {
      try_catch.ReThrow();
      return internal_error(file_name + ": stopped while stripping types");
    }
    // sucrase reports syntax errors as "message (line:col)".
    return invalid_argument(file_name + ": " + to_std(isolate, try_catch.Exception()));
  }
  return to_std(isolate, result);
}

// ---------------------------------------------------------------------------------------------
// fetch

v8::Local<v8::Promise> Runtime::Impl::fetch(v8::Local<v8::Context> context, HttpRequest request,
                                            std::string redirect_mode, std::string extra_host) {
  v8::Local<v8::Promise::Resolver> resolver = v8::Promise::Resolver::New(context).ToLocalChecked();
  ContextState* state = state_of(context);
  Result<HttpUrl> url = parse_http_url(request.url);
  if (!url.is_ok()) {
    resolver->Reject(context, v8::Exception::TypeError(v8_string(isolate, url.status().message())))
        .Check();
    return resolver->GetPromise();
  }
  NetPolicy policy = state ? state->net : NetPolicy();
  if (state) {
    request.caller = state->node_path;
    // One call per fresh context: its caller says which node this is even when nodes share a file.
    if (state->calls.size() == 1) {
      auto call = calls.find(*state->calls.begin());
      if (call != calls.end() && !call->second->options.caller.empty())
        request.caller = call->second->options.caller;
    }
  }
  if (!extra_host.empty()) {
    std::vector<std::string> allowed = policy.allowed();
    allowed.push_back(extra_host);
    policy = NetPolicy(std::move(allowed));
  }
  if (Status allowed = policy.check(url.value()); !allowed.is_ok()) {
    resolver->Reject(context, coded_error(isolate, "PermissionDenied", allowed.message())).Check();
    return resolver->GetPromise();
  }
  RedirectMode mode = redirect_mode == "manual"  ? RedirectMode::kManual
                      : redirect_mode == "error" ? RedirectMode::kError
                                                 : RedirectMode::kFollow;
  request.timeout = options.fetch_timeout;
  request.max_response_bytes = options.fetch_max_response_bytes;
  uint64_t op_id = next_op_id++;
  PendingOp& op = ops[op_id];
  op.resolver.Reset(isolate, resolver);
  op.owner = state;
  if (state) state->pending_ops++;
  if (!io) io = std::make_unique<WorkerPool>(4);
  const HttpTransport* t = transport;
  io->post([this, op_id, request = std::move(request), mode, policy, t]() {
    auto result =
        std::make_shared<Result<FetchResult>>(fetch_with_redirects(*t, request, mode, policy));
    post([this, op_id, result] { complete_fetch(op_id, std::move(*result)); });
  });
  return resolver->GetPromise();
}

void Runtime::Impl::complete_fetch(uint64_t op_id, Result<FetchResult> result) {
  auto found = ops.find(op_id);
  if (found == ops.end()) return;
  PendingOp op = std::move(found->second);
  ops.erase(found);
  ContextState* state = op.owner;
  if (!state) return;  // its context is gone
  state->pending_ops--;  // run_js rechecks whether its calls can still settle
  run_js(state, [&](v8::Local<v8::Context> context) {
    v8::Local<v8::Promise::Resolver> resolver = op.resolver.Get(isolate);
    if (!result.is_ok()) {
      const Status& status = result.status();
      v8::Local<v8::Value> error =
          status.code() == StatusCode::kPermissionDenied
              ? coded_error(isolate, "PermissionDenied", status.message())
              : v8::Exception::TypeError(v8_string(isolate, status.message()));
      resolver->Reject(context, error).Check();
      return;
    }
    const FetchResult& fetched = result.value();
    v8::Local<v8::Object> out = v8::Object::New(isolate);
    auto set = [&](const char* key, v8::Local<v8::Value> value) {
      out->Set(context, v8_string(isolate, key), value).Check();
    };
    set("status", v8::Integer::New(isolate, fetched.response.status));
    set("statusText", v8_string(isolate, fetched.response.status_text));
    v8::Local<v8::Array> headers =
        v8::Array::New(isolate, static_cast<int>(fetched.response.headers.size()));
    uint32_t i = 0;
    for (const auto& [name, value] : fetched.response.headers) {
      v8::Local<v8::Array> pair = v8::Array::New(isolate, 2);
      pair->Set(context, 0, v8_string(isolate, name)).Check();
      pair->Set(context, 1, v8_string(isolate, value)).Check();
      headers->Set(context, i++, pair).Check();
    }
    set("headers", headers);
    const std::string& body = fetched.response.body;
    v8::Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(isolate, body.size());
    if (!body.empty()) std::copy(body.begin(), body.end(), static_cast<char*>(buffer->Data()));
    set("body", v8::Uint8Array::New(buffer, 0, body.size()));
    set("url", v8_string(isolate, fetched.url));
    set("redirected", v8::Boolean::New(isolate, fetched.redirected));
    resolver->Resolve(context, out).Check();
  });
}

// ---------------------------------------------------------------------------------------------
// Runtime

Runtime::Runtime(V8Platform& /*platform*/, RuntimeOptions options)
    : impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  impl.options = std::move(options);
  impl.options.workflow_dir = std::filesystem::weakly_canonical(impl.options.workflow_dir);
  DenoHost& deno = impl.deno_host;
  deno.file_system = impl.options.file_system ? impl.options.file_system : &impl.real_file_system;
  deno.read_roots.push_back(impl.options.workflow_dir);
  for (const std::filesystem::path& granted : impl.options.read_paths) {
    deno.read_roots.push_back(std::filesystem::weakly_canonical(granted));
  }
  if (!impl.options.scratch_dir.empty()) {
    deno.write_roots.push_back(std::filesystem::weakly_canonical(impl.options.scratch_dir));
    deno.read_roots.push_back(deno.write_roots.back());
  }
  deno.env = impl.options.env;
  deno.cwd = impl.options.workflow_dir;
  if (impl.options.transport) {
    impl.transport = impl.options.transport;
  } else {
    impl.network =
        std::make_unique<NetworkHttpTransport>(ProxySettings::from_env(impl.options.env));
    impl.transport = impl.network.get();
  }
  impl.random = impl.options.random ? impl.options.random : &impl.system_random;
  impl.cache = impl.options.transform_cache ? impl.options.transform_cache
                                            : std::make_shared<TransformCache>();
  std::promise<void> started;
  impl.loop_thread = std::thread([&impl, &started] { impl.loop_main(started); });
  started.get_future().wait();
}

Runtime::~Runtime() {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake_loop();
  impl_->loop_thread.join();
  impl_->io.reset();
}

void Runtime::Impl::submit(std::unique_ptr<CallState> call) {
  call->deadline = std::chrono::steady_clock::now() + call->options.timeout;
  in_flight++;
  enqueue({nullptr, std::move(call)});
}

Result<std::string> Runtime::Impl::absolute_node_path(const std::string& node_path) {
  std::lock_guard<std::mutex> lock(mutex);
  auto found = node_paths.find(node_path);
  if (found != node_paths.end()) return found->second;
  Result<std::filesystem::path> path = resolve_inside(options.workflow_dir, node_path);
  if (!path.is_ok()) return path.status();
  std::string absolute = path.value().lexically_normal().string();
  node_paths[node_path] = absolute;
  return absolute;
}

void Runtime::call_node_async(const std::string& node_path, Json ctx, Json input,
                              CallOptions options, std::function<void(Result<NodeCall>)> done) {
  Result<std::string> path = impl_->absolute_node_path(node_path);
  if (!path.is_ok()) return done(path.status());
  auto call = std::make_unique<CallState>();
  call->node_path = node_path;
  call->absolute = std::move(path).value();
  call->ctx = std::move(ctx);
  call->input = std::move(input);
  call->options = std::move(options);
  call->done = std::move(done);
  impl_->submit(std::move(call));
}

void Runtime::post_task(std::function<void()> task) { impl_->post(std::move(task)); }

void Runtime::set_waiter(std::shared_ptr<LoopWaiter> waiter) {
  std::future<void> switched;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    if (impl_->stopping) return;
    std::swap(impl_->waiter, waiter);
    impl_->waiter_switched.emplace_back();
    switched = impl_->waiter_switched.back().get_future();
  }
  // Wake the loop from wherever it sleeps now: the old waiter or the condition variable.
  impl_->wake.notify_all();
  if (waiter) waiter->wake();
  switched.wait();
}

bool Runtime::on_loop_thread() const {
  return std::this_thread::get_id() == impl_->loop_thread.get_id();
}

Result<NodeCall> Runtime::call_node(const std::string& node_path, const Json& ctx,
                                    const Json& input, const CallOptions& options) {
  std::promise<Result<NodeCall>> result;
  std::future<Result<NodeCall>> future = result.get_future();
  call_node_async(node_path, ctx, input, options,
                  [&result](Result<NodeCall> r) { result.set_value(std::move(r)); });
  return future.get();
}

Status Runtime::preload(const std::vector<std::string>& node_paths) {
  for (const std::string& node : node_paths) {
    Result<std::string> path = impl_->absolute_node_path(node);
    if (!path.is_ok()) return path.status();
    std::promise<Result<NodeCall>> result;
    std::future<Result<NodeCall>> future = result.get_future();
    auto call = std::make_unique<CallState>();
    call->node_path = node;
    call->absolute = std::move(path).value();
    call->load_only = true;
    call->done = [&result](Result<NodeCall> r) { result.set_value(std::move(r)); };
    impl_->submit(std::move(call));
    Result<NodeCall> loaded = future.get();
    if (!loaded.is_ok()) return loaded.status();
  }
  return Status();
}

Result<std::string> Runtime::strip_types(const std::string& source, const std::string& file_name) {
  std::promise<Result<std::string>> result;
  std::future<Result<std::string>> future = result.get_future();
  impl_->post(
      [this, &result, &source, &file_name] { result.set_value(impl_->strip(source, file_name)); });
  return future.get();
}

size_t Runtime::in_flight() const { return impl_->in_flight.load(); }

size_t Runtime::load() const { return impl_->in_flight.load() + impl_->tasks_waiting.load(); }

std::chrono::nanoseconds Runtime::running_js_for() const {
  SteadyTime::rep entered = impl_->js_entered.load(std::memory_order_relaxed);
  if (entered == 0) return std::chrono::nanoseconds(0);
  return std::chrono::steady_clock::now() - SteadyTime(SteadyTime::duration(entered));
}

}  // namespace pd::js
