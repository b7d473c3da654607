#include "engine/js/runtime.h"

#include <v8.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "engine/js/embedded_scripts.h"
#include "engine/js/import_map.h"
#include "engine/js/timer_queue.h"
#include "engine/js/v8_strings.h"
#include "engine/js/web_apis.h"
#include "engine/util/file_io.h"
#include "engine/util/paths.h"

namespace pd::js {
namespace {

using Json = nlohmann::json;

constexpr const char* kBuiltinPipedreamer =
    "export const version = \"0.1.0\";\n"
    "export function defineNode(run) { return run; }\n";

bool is_typescript(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  return ext == ".ts" || ext == ".mts" || ext == ".tsx";
}

// Stops a call that runs past its deadline: TerminateExecution from its own thread, which lives
// as long as the runtime (a thread per call would cost more than a trivial call).
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
  void arm(std::chrono::steady_clock::time_point deadline) {
    std::lock_guard<std::mutex> lock(mutex_);
    deadline_ = deadline;
    armed_ = true;
    fired_ = false;
    changed_.notify_all();
  }
  void disarm() {
    std::lock_guard<std::mutex> lock(mutex_);
    armed_ = false;
    changed_.notify_all();
  }
  bool fired() {
    std::lock_guard<std::mutex> lock(mutex_);
    return fired_;
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
      if (!armed_) {
        changed_.wait(lock);
        continue;
      }
      auto deadline = deadline_;
      if (changed_.wait_until(lock, deadline) == std::cv_status::timeout && armed_ &&
          deadline_ == deadline) {
        fired_ = true;
        armed_ = false;
        isolate_->TerminateExecution();
      }
    }
  }

  v8::Isolate* isolate_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::chrono::steady_clock::time_point deadline_;
  bool armed_ = false;
  bool fired_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace

struct Runtime::Impl {
  RuntimeOptions options;
  RealFileSystem real_file_system;
  DenoHost deno;
  std::unique_ptr<Watchdog> watchdog;
  ImportMap import_map;  // read at the start of every call, so edits are picked up
  std::unique_ptr<v8::ArrayBuffer::Allocator> allocator;
  v8::Isolate* isolate = nullptr;
  v8::Global<v8::Context> stripper_context;
  std::unordered_map<size_t, std::string> stripped_cache;  // source hash → JavaScript
  bool heap_exhausted = false;

  // Per call: modules by absolute path, and module identity hash → path (for resolving).
  std::map<std::string, v8::Global<v8::Module>> modules;
  std::unordered_multimap<int, std::string> module_paths;
  std::vector<ConsoleLine> console;
  std::string load_error;

  // Per call: the event loop's timers and their callbacks.
  struct TimerCallback {
    v8::Global<v8::Function> function;
    std::vector<v8::Global<v8::Value>> args;
  };
  TimerQueue timers;
  std::map<int, TimerCallback> timer_callbacks;

  Result<std::string> strip(const std::string& source, const std::string& file_name);
  v8::MaybeLocal<v8::Module> load_module(v8::Local<v8::Context> context, const std::string& path);
  std::string describe_exception(v8::Local<v8::Context> context, const v8::TryCatch& try_catch);
  void install_console(v8::Local<v8::Context> context);
  void install_timers(v8::Local<v8::Context> context);
};

namespace {

v8::MaybeLocal<v8::Module> resolve_module(v8::Local<v8::Context> context,
                                          v8::Local<v8::String> specifier,
                                          v8::Local<v8::FixedArray> /*import_assertions*/,
                                          v8::Local<v8::Module> referrer) {
  v8::Isolate* isolate = context->GetIsolate();
  auto* impl = static_cast<Runtime::Impl*>(isolate->GetData(0));
  std::string spec = to_std(isolate, specifier);
  std::string referrer_path;
  auto range = impl->module_paths.equal_range(referrer->GetIdentityHash());
  for (auto it = range.first; it != range.second; ++it) {
    auto found = impl->modules.find(it->second);
    if (found != impl->modules.end() && found->second.Get(isolate) == referrer) {
      referrer_path = it->second;
    }
  }
  std::filesystem::path workflow_dir = impl->options.workflow_dir.lexically_normal();
  std::string referrer_rel =
      referrer_path.empty()
          ? ""
          : std::filesystem::path(referrer_path).lexically_relative(workflow_dir).string();
  auto fail = [&](const std::string& message) -> v8::MaybeLocal<v8::Module> {
    isolate->ThrowException(v8::Exception::Error(v8_string(isolate, message)));
    return {};
  };
  // The import map comes first; its addresses are relative to the workflow folder.
  std::filesystem::path base = std::filesystem::path(referrer_path).parent_path();
  if (std::optional<std::string> mapped = impl->import_map.resolve(spec, referrer_rel)) {
    spec = *mapped;
    base = workflow_dir;
  }
  if (spec == "pipedreamer") return impl->load_module(context, "pipedreamer");
  for (const char* scheme : {"npm:", "jsr:", "https:", "http:"}) {
    if (spec.starts_with(scheme)) {
      return fail("cannot import \"" + spec + "\" in " + referrer_rel + ": " + scheme +
                  " specifiers are never fetched at run time. Vendor it: put its files under "
                  "vendor/ in the workflow folder and map it in deno.json, e.g. \"imports\": { \"" +
                  spec + "\": \"./vendor/<name>/mod.ts\" }");
    }
  }
  if (!(spec.starts_with("./") || spec.starts_with("../") || spec.starts_with("/"))) {
    return fail("cannot resolve \"" + spec + "\" in " + referrer_rel +
                ": add it to the import map in deno.json (\"imports\": { \"" + spec +
                "\": \"./vendor/" + spec + "/mod.ts\" }) or import a relative path");
  }
  std::filesystem::path joined = spec.starts_with("/") ? std::filesystem::path(spec) : base / spec;
  std::filesystem::path relative = joined.lexically_normal().lexically_relative(workflow_dir);
  Result<std::filesystem::path> inside =
      resolve_inside(impl->options.workflow_dir, relative.string());
  if (!inside.is_ok() || relative.empty() || relative.string().starts_with("..")) {
    return fail("import \"" + spec + "\" in " + referrer_rel +
                " points outside the workflow folder");
  }
  std::string target = inside.value().lexically_normal().string();
  return impl->load_module(context, target);
}

}  // namespace

Result<std::string> Runtime::Impl::strip(const std::string& source, const std::string& file_name) {
  size_t key = std::hash<std::string>{}(source);
  auto cached = stripped_cache.find(key);
  if (cached != stripped_cache.end()) return cached->second;
  v8::HandleScope handle_scope(isolate);
  if (stripper_context.IsEmpty()) {
    v8::Local<v8::Context> context = v8::Context::New(isolate);
    v8::Context::Scope scope(context);
    v8::TryCatch try_catch(isolate);
    std::string_view bundle = sucrase_bundle();
    v8::ScriptOrigin origin(isolate, v8_string(isolate, "pd:sucrase_bundle.js"));
    v8::Local<v8::Script> script;
    if (!v8::Script::Compile(context, v8_string(isolate, bundle), &origin).ToLocal(&script) ||
        script->Run(context).IsEmpty()) {
      return internal_error("cannot load the TypeScript transformer: " +
                            to_std(isolate, try_catch.Exception()));
    }
    stripper_context.Reset(isolate, context);
  }
  v8::Local<v8::Context> context = stripper_context.Get(isolate);
  v8::Context::Scope scope(context);
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::Object> global = context->Global();
  v8::Local<v8::Object> api =
      global->Get(context, v8_string(isolate, "PdTypeScript")).ToLocalChecked().As<v8::Object>();
  v8::Local<v8::Function> fn =
      api->Get(context, v8_string(isolate, "strip")).ToLocalChecked().As<v8::Function>();
  v8::Local<v8::Value> args[] = {v8_string(isolate, source), v8_string(isolate, file_name)};
  v8::Local<v8::Value> result;
  if (!fn->Call(context, api, 2, args).ToLocal(&result)) {
    // sucrase reports syntax errors as "message (line:col)".
    return invalid_argument(file_name + ": " + to_std(isolate, try_catch.Exception()));
  }
  std::string code = to_std(isolate, result);
  stripped_cache[key] = code;
  return code;
}

v8::MaybeLocal<v8::Module> Runtime::Impl::load_module(v8::Local<v8::Context> /*context*/,
                                                      const std::string& path) {
  auto existing = modules.find(path);
  if (existing != modules.end()) return existing->second.Get(isolate);
  std::string code;
  std::string display = path;
  if (path == "pipedreamer") {
    code = kBuiltinPipedreamer;
    display = "pd:pipedreamer";
  } else {
    Result<std::string> text = read_text_file(path);
    if (!text.is_ok()) {
      isolate->ThrowException(v8::Exception::Error(v8_string(isolate, text.status().message())));
      return {};
    }
    code = text.value();
    if (is_typescript(path)) {
      std::filesystem::path relative =
          std::filesystem::path(path).lexically_relative(options.workflow_dir);
      Result<std::string> js = strip(code, relative.string());
      if (!js.is_ok()) {
        isolate->ThrowException(
            v8::Exception::SyntaxError(v8_string(isolate, js.status().message())));
        return {};
      }
      code = js.value();
    }
    display = std::filesystem::path(path).lexically_relative(options.workflow_dir).string();
  }
  v8::ScriptOrigin origin(isolate, v8_string(isolate, display), 0, 0, false, -1,
                          v8::Local<v8::Value>(), false, false, /*is_module=*/true);
  v8::ScriptCompiler::Source source(v8_string(isolate, code), origin);
  v8::Local<v8::Module> module;
  if (!v8::ScriptCompiler::CompileModule(isolate, &source).ToLocal(&module)) return {};
  modules[path].Reset(isolate, module);
  module_paths.emplace(module->GetIdentityHash(), path);
  return module;
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

void Runtime::Impl::install_console(v8::Local<v8::Context> context) {
  v8::Local<v8::Object> console_object = v8::Object::New(isolate);
  for (const char* level : {"log", "info", "warn", "error", "debug"}) {
    auto callback = [](const v8::FunctionCallbackInfo<v8::Value>& info) {
      v8::Isolate* isolate = info.GetIsolate();
      auto* impl = static_cast<Runtime::Impl*>(isolate->GetData(0));
      v8::Local<v8::Context> ctx = isolate->GetCurrentContext();
      std::string line;
      for (int i = 0; i < info.Length(); ++i) {
        if (i > 0) line += " ";
        v8::Local<v8::Value> arg = info[i];
        if (arg->IsString() || !arg->IsObject()) {
          line += to_std(isolate, arg);
        } else {
          v8::Local<v8::String> json;
          line += v8::JSON::Stringify(ctx, arg).ToLocal(&json) ? to_std(isolate, json)
                                                               : to_std(isolate, arg);
        }
      }
      impl->console.push_back({to_std(isolate, info.Data()), line});
    };
    v8::Local<v8::Function> fn =
        v8::Function::New(context, callback, v8_string(isolate, level)).ToLocalChecked();
    console_object->Set(context, v8_string(isolate, level), fn).Check();
  }
  context->Global()->Set(context, v8_string(isolate, "console"), console_object).Check();
}

void Runtime::Impl::install_timers(v8::Local<v8::Context> context) {
  // setTimeout/setInterval(fn, ms, ...args) → id; the Data value says whether it repeats.
  auto schedule = [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    v8::Isolate* isolate = info.GetIsolate();
    auto* impl = static_cast<Runtime::Impl*>(isolate->GetData(0));
    if (info.Length() < 1 || !info[0]->IsFunction()) {
      isolate->ThrowException(v8::Exception::TypeError(
          v8_string(isolate, "The callback of setTimeout/setInterval must be a function")));
      return;
    }
    v8::Local<v8::Context> ctx = isolate->GetCurrentContext();
    double ms = info.Length() > 1 ? info[1]->NumberValue(ctx).FromMaybe(0) : 0;
    if (!(ms >= 0)) ms = 0;
    bool repeat = info.Data()->IsTrue();
    auto delay = std::chrono::milliseconds(static_cast<long long>(ms));
    int id = impl->timers.add(
        std::chrono::steady_clock::now() + delay,
        repeat ? std::max(delay, std::chrono::milliseconds(1)) : std::chrono::milliseconds(0));
    TimerCallback& callback = impl->timer_callbacks[id];
    callback.function.Reset(isolate, info[0].As<v8::Function>());
    for (int i = 2; i < info.Length(); ++i) callback.args.emplace_back(isolate, info[i]);
    info.GetReturnValue().Set(id);
  };
  auto cancel = [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    v8::Isolate* isolate = info.GetIsolate();
    auto* impl = static_cast<Runtime::Impl*>(isolate->GetData(0));
    if (info.Length() < 1 || !info[0]->IsNumber()) return;
    int id = static_cast<int>(info[0]->NumberValue(isolate->GetCurrentContext()).FromMaybe(0));
    impl->timers.cancel(id);
    impl->timer_callbacks.erase(id);
  };
  auto queue_microtask = [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    v8::Isolate* isolate = info.GetIsolate();
    if (info.Length() < 1 || !info[0]->IsFunction()) {
      isolate->ThrowException(v8::Exception::TypeError(
          v8_string(isolate, "The callback of queueMicrotask must be a function")));
      return;
    }
    isolate->EnqueueMicrotask(info[0].As<v8::Function>());
  };
  v8::Local<v8::Object> global = context->Global();
  auto define = [&](const char* name, v8::FunctionCallback callback, v8::Local<v8::Value> data) {
    global
        ->Set(context, v8_string(isolate, name),
              v8::Function::New(context, callback, data).ToLocalChecked())
        .Check();
  };
  define("setTimeout", schedule, v8::False(isolate));
  define("setInterval", schedule, v8::True(isolate));
  define("clearTimeout", cancel, v8::Undefined(isolate));
  define("clearInterval", cancel, v8::Undefined(isolate));
  define("queueMicrotask", queue_microtask, v8::Undefined(isolate));
}

Runtime::Runtime(V8Platform& /*platform*/, RuntimeOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->options.workflow_dir = std::filesystem::weakly_canonical(impl_->options.workflow_dir);
  DenoHost& deno = impl_->deno;
  deno.file_system =
      impl_->options.file_system ? impl_->options.file_system : &impl_->real_file_system;
  deno.read_roots.push_back(impl_->options.workflow_dir);
  for (const std::filesystem::path& granted : impl_->options.read_paths) {
    deno.read_roots.push_back(std::filesystem::weakly_canonical(granted));
  }
  deno.env = impl_->options.env;
  deno.cwd = impl_->options.workflow_dir;

  impl_->allocator.reset(v8::ArrayBuffer::Allocator::NewDefaultAllocator());
  v8::Isolate::CreateParams params;
  params.array_buffer_allocator = impl_->allocator.get();
  params.constraints.ConfigureDefaultsFromHeapSize(0, impl_->options.heap_limit_mb * 1024 * 1024);
  impl_->isolate = v8::Isolate::New(params);
  impl_->isolate->SetData(0, impl_.get());
  impl_->watchdog = std::make_unique<Watchdog>(impl_->isolate);
  // At the heap limit: stop the running call and give V8 room to unwind instead of aborting.
  impl_->isolate->AddNearHeapLimitCallback(
      [](void* data, size_t current, size_t) -> size_t {
        auto* impl = static_cast<Impl*>(data);
        impl->heap_exhausted = true;
        impl->isolate->TerminateExecution();
        return current + 64 * 1024 * 1024;
      },
      impl_.get());
}

Runtime::~Runtime() {
  impl_->watchdog.reset();
  // Every Global must be released while its isolate still exists.
  impl_->stripper_context.Reset();
  impl_->modules.clear();
  impl_->timer_callbacks.clear();
  impl_->isolate->Dispose();
}

Result<std::string> Runtime::strip_types(const std::string& source, const std::string& file_name) {
  v8::Isolate::Scope isolate_scope(impl_->isolate);
  return impl_->strip(source, file_name);
}

Result<NodeCall> Runtime::call_node(const std::string& node_path, const Json& ctx,
                                    const Json& input, std::chrono::milliseconds timeout) {
  Impl& impl = *impl_;
  v8::Isolate* isolate = impl.isolate;
  v8::Isolate::Scope isolate_scope(isolate);
  v8::HandleScope handle_scope(isolate);
  impl.modules.clear();
  impl.module_paths.clear();
  impl.console.clear();
  impl.heap_exhausted = false;
  impl.timers = TimerQueue();
  impl.timer_callbacks.clear();

  Result<ImportMap> import_map = ImportMap::load(impl.options.workflow_dir, *impl.deno.file_system);
  if (!import_map.is_ok()) return import_map.status();
  impl.import_map = std::move(import_map).value();
  Result<std::filesystem::path> path = resolve_inside(impl.options.workflow_dir, node_path);
  if (!path.is_ok()) return path.status();
  std::string absolute = path.value().lexically_normal().string();

  // The transformer is loaded before the clock starts: it is the runtime's cost, not the node's.
  if (is_typescript(absolute)) {
    Result<std::string> warm = impl.strip("", "warm-up.ts");
    if (!warm.is_ok()) return warm.status();
  }

  v8::Local<v8::Context> context = v8::Context::New(isolate);
  v8::Context::Scope context_scope(context);
  impl.install_console(context);
  impl.install_timers(context);
  {
    v8::TryCatch prelude_errors(isolate);
    if (!install_web_apis(isolate, context, &impl.deno)) {
      return internal_error("the runtime prelude failed: " +
                            impl.describe_exception(context, prelude_errors));
    }
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  Watchdog& watchdog = *impl.watchdog;
  // A deadline that fired just after the previous call finished must not hit this one.
  isolate->CancelTerminateExecution();
  watchdog.arm(deadline);
  struct Disarm {
    Watchdog& w;
    ~Disarm() { w.disarm(); }
  } disarm{watchdog};
  v8::TryCatch try_catch(isolate);

  auto failure = [&](const std::string& what) -> Status {
    if (watchdog.fired() || impl.heap_exhausted) {
      isolate->CancelTerminateExecution();
      if (impl.heap_exhausted) {
        return Status(StatusCode::kUnavailable, node_path + ": ran out of memory (heap limit " +
                                                    std::to_string(impl.options.heap_limit_mb) +
                                                    " MB)");
      }
      return Status(StatusCode::kDeadlineExceeded,
                    node_path + ": timed out after " + std::to_string(timeout.count()) + "ms");
    }
    std::string detail = try_catch.HasCaught() ? impl.describe_exception(context, try_catch) : what;
    return invalid_argument(detail);
  };

  v8::Local<v8::Module> module;
  if (!impl.load_module(context, absolute).ToLocal(&module)) return failure("cannot load");
  if (!module->InstantiateModule(context, resolve_module).FromMaybe(false)) {
    return failure("cannot link");
  }
  v8::Local<v8::Value> evaluated;
  if (!module->Evaluate(context).ToLocal(&evaluated)) return failure("cannot evaluate");
  isolate->PerformMicrotaskCheckpoint();
  if (module->GetStatus() == v8::Module::kErrored) {
    v8::Local<v8::Value> error = module->GetException();
    isolate->ThrowException(error);
    return failure("module evaluation failed");
  }

  v8::Local<v8::Object> exports = module->GetModuleNamespace().As<v8::Object>();
  v8::Local<v8::Value> run;
  if (!exports->Get(context, v8_string(isolate, "default")).ToLocal(&run) || !run->IsFunction()) {
    std::string got = run.IsEmpty() || run->IsUndefined()
                          ? "no default export"
                          : "a default export that is not a function";
    return invalid_argument(node_path +
                            ": expected `export default async function run(ctx, "
                            "input)`, found " +
                            got);
  }
  v8::Local<v8::Value> args[2];
  if (!v8::JSON::Parse(context, v8_string(isolate, ctx.dump())).ToLocal(&args[0]) ||
      !v8::JSON::Parse(context, v8_string(isolate, input.dump())).ToLocal(&args[1])) {
    return failure("cannot pass ctx and input");
  }
  v8::Local<v8::Value> returned;
  if (!run.As<v8::Function>()->Call(context, context->Global(), 2, args).ToLocal(&returned)) {
    return failure("the node threw");
  }
  isolate->PerformMicrotaskCheckpoint();
  if (try_catch.HasTerminated()) return failure("terminated");
  if (returned->IsPromise()) {
    v8::Local<v8::Promise> promise = returned.As<v8::Promise>();
    // The event loop: run due timers (then microtasks) until the node's promise settles.
    while (promise->State() == v8::Promise::kPending) {
      std::optional<TimerQueue::TimePoint> next = impl.timers.next_due();
      if (!next) {
        return invalid_argument(node_path +
                                ": the promise returned by the node never settled (no timers "
                                "or I/O left that could settle it)");
      }
      if (*next > deadline) {
        std::this_thread::sleep_until(deadline);
        return Status(StatusCode::kDeadlineExceeded,
                      node_path + ": timed out after " + std::to_string(timeout.count()) + "ms");
      }
      std::this_thread::sleep_until(*next);
      std::optional<int> id = impl.timers.take_due(std::chrono::steady_clock::now());
      if (!id) continue;
      v8::HandleScope timer_scope(isolate);
      auto& callback = impl.timer_callbacks[*id];
      v8::Local<v8::Function> fn = callback.function.Get(isolate);
      std::vector<v8::Local<v8::Value>> timer_args;
      for (auto& arg : callback.args) timer_args.push_back(arg.Get(isolate));
      if (!impl.timers.scheduled(*id)) impl.timer_callbacks.erase(*id);
      if (fn->Call(context, context->Global(), static_cast<int>(timer_args.size()),
                   timer_args.data())
              .IsEmpty()) {
        return failure("a timer callback threw");
      }
      isolate->PerformMicrotaskCheckpoint();
      if (try_catch.HasTerminated()) return failure("terminated");
    }
    if (promise->State() == v8::Promise::kRejected) {
      // The error's own stack says where it was made; there is no throw site to add.
      v8::Local<v8::Value> reason = promise->Result();
      v8::Local<v8::Value> stack;
      if (reason->IsObject() &&
          reason.As<v8::Object>()->Get(context, v8_string(isolate, "stack")).ToLocal(&stack) &&
          stack->IsString()) {
        return invalid_argument(to_std(isolate, stack));
      }
      return invalid_argument(node_path + ": the node rejected with " + to_std(isolate, reason));
    }
    returned = promise->Result();
  }
  NodeCall call;
  if (!returned->IsUndefined()) {
    v8::Local<v8::String> json;
    if (!v8::JSON::Stringify(context, returned).ToLocal(&json)) {
      return failure("the node's result cannot be turned into JSON");
    }
    call.output = Json::parse(to_std(isolate, json), nullptr, false);
  }
  call.console = std::move(impl.console);
  return call;
}

}  // namespace pd::js
