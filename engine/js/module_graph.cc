#include "engine/js/module_graph.h"

#include "engine/js/v8_strings.h"
#include "engine/util/crypto_hash.h"
#include "engine/util/paths.h"

namespace pd::js {
namespace {

// Embedder data slot holding the context's ModuleGraph.
constexpr int kGraphSlot = 2;

constexpr const char* kBuiltinPipedreamer =
    "export const version = \"0.1.0\";\n"
    "export function defineNode(run) { return run; }\n";

bool has_extension(const std::string& path, std::initializer_list<const char*> extensions) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (const char* e : extensions) {
    if (ext == e) return true;
  }
  return false;
}

void throw_error(v8::Isolate* isolate, const std::string& message) {
  isolate->ThrowException(v8::Exception::Error(v8_string(isolate, message)));
}

v8::MaybeLocal<v8::Module> resolve_static(v8::Local<v8::Context> context,
                                          v8::Local<v8::String> specifier,
                                          v8::Local<v8::FixedArray> /*import_assertions*/,
                                          v8::Local<v8::Module> referrer) {
  ModuleGraph* graph = ModuleGraph::of(context);
  v8::Isolate* isolate = context->GetIsolate();
  return graph->resolve(context, to_std(isolate, specifier), graph->path_of(referrer));
}

v8::MaybeLocal<v8::Value> json_module_steps(v8::Local<v8::Context> context,
                                            v8::Local<v8::Module> module) {
  v8::Isolate* isolate = context->GetIsolate();
  ModuleGraph* graph = ModuleGraph::of(context);
  if (module->SetSyntheticModuleExport(isolate, v8_string(isolate, "default"),
                                       graph->json_value_of(module))
          .IsNothing()) {
    return {};
  }
  v8::Local<v8::Promise::Resolver> done = v8::Promise::Resolver::New(context).ToLocalChecked();
  done->Resolve(context, v8::Undefined(isolate)).Check();
  return done->GetPromise();
}

// import(): resolve, link and evaluate, then settle with the namespace.
v8::MaybeLocal<v8::Promise> import_dynamically(v8::Local<v8::Context> context,
                                               v8::Local<v8::Data> /*host_defined_options*/,
                                               v8::Local<v8::Value> resource_name,
                                               v8::Local<v8::String> specifier,
                                               v8::Local<v8::FixedArray> /*import_assertions*/) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::Local<v8::Promise::Resolver> resolver;
  if (!v8::Promise::Resolver::New(context).ToLocal(&resolver)) return {};
  ModuleGraph* graph = ModuleGraph::of(context);
  std::string name = to_std(isolate, resource_name);
  std::string referrer = name.starts_with("pd:") || name.empty()
                             ? (graph->workflow_dir() / "_").string()
                             : (graph->workflow_dir() / name).lexically_normal().string();
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::Module> module;
  v8::Local<v8::Promise> evaluation;
  if (!graph->resolve(context, to_std(isolate, specifier), referrer).ToLocal(&module) ||
      !graph->evaluate(context, graph->path_of(module), &module).ToLocal(&evaluation)) {
    resolver->Reject(context, try_catch.Exception()).Check();
    return resolver->GetPromise();
  }
  v8::Local<v8::Array> data = v8::Array::New(isolate, 2);
  data->Set(context, 0, resolver).Check();
  data->Set(context, 1, module->GetModuleNamespace()).Check();
  auto on_done = [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    v8::Local<v8::Context> ctx = info.GetIsolate()->GetCurrentContext();
    v8::Local<v8::Array> pair = info.Data().As<v8::Array>();
    auto r = pair->Get(ctx, 0).ToLocalChecked().As<v8::Promise::Resolver>();
    r->Resolve(ctx, pair->Get(ctx, 1).ToLocalChecked()).Check();
  };
  auto on_error = [](const v8::FunctionCallbackInfo<v8::Value>& info) {
    v8::Local<v8::Context> ctx = info.GetIsolate()->GetCurrentContext();
    auto r = info.Data().As<v8::Array>()->Get(ctx, 0).ToLocalChecked().As<v8::Promise::Resolver>();
    r->Reject(ctx, info[0]).Check();
  };
  evaluation
      ->Then(context, v8::Function::New(context, on_done, data).ToLocalChecked(),
             v8::Function::New(context, on_error, data).ToLocalChecked())
      .ToLocalChecked();
  return resolver->GetPromise();
}

void initialize_import_meta(v8::Local<v8::Context> context, v8::Local<v8::Module> module,
                            v8::Local<v8::Object> meta) {
  v8::Isolate* isolate = context->GetIsolate();
  ModuleGraph* graph = ModuleGraph::of(context);
  std::string path = graph->path_of(module);
  meta->Set(context, v8_string(isolate, "url"), v8_string(isolate, "file://" + path)).Check();
  meta->Set(context, v8_string(isolate, "main"), v8::False(isolate)).Check();
}

}  // namespace

ModuleGraph::ModuleGraph(v8::Isolate* isolate, ModuleSources sources)
    : isolate_(isolate), sources_(std::move(sources)) {}

ModuleGraph::~ModuleGraph() {
  modules_.clear();
  json_values_.clear();
}

void ModuleGraph::attach(v8::Local<v8::Context> context) {
  context->SetAlignedPointerInEmbedderData(kGraphSlot, this);
}

ModuleGraph* ModuleGraph::of(v8::Local<v8::Context> context) {
  return static_cast<ModuleGraph*>(context->GetAlignedPointerFromEmbedderData(kGraphSlot));
}

void ModuleGraph::install_callbacks(v8::Isolate* isolate) {
  isolate->SetHostImportModuleDynamicallyCallback(import_dynamically);
  isolate->SetHostInitializeImportMetaObjectCallback(initialize_import_meta);
}

std::string ModuleGraph::display_name(const std::string& path) const {
  if (path == "pipedreamer") return "pd:pipedreamer";
  if (path.starts_with("mock:")) return path;
  return std::filesystem::path(path).lexically_relative(sources_.workflow_dir).string();
}

std::string ModuleGraph::path_of(v8::Local<v8::Module> module) const {
  auto range = paths_by_hash_.equal_range(module->GetIdentityHash());
  for (auto it = range.first; it != range.second; ++it) {
    auto found = modules_.find(it->second);
    if (found != modules_.end() && found->second.Get(isolate_) == module) return it->second;
  }
  return "";
}

v8::Local<v8::Value> ModuleGraph::json_value_of(v8::Local<v8::Module> module) const {
  auto found = json_values_.find(path_of(module));
  if (found == json_values_.end()) return v8::Undefined(isolate_);
  return found->second.Get(isolate_);
}

v8::MaybeLocal<v8::Module> ModuleGraph::resolve(v8::Local<v8::Context> context,
                                                const std::string& specifier,
                                                const std::string& referrer_path) {
  std::string spec = specifier;
  const std::filesystem::path& workflow_dir = sources_.workflow_dir;
  std::string referrer_rel =
      referrer_path.empty()
          ? ""
          : std::filesystem::path(referrer_path).lexically_relative(workflow_dir).string();
  auto fail = [&](const std::string& message) -> v8::MaybeLocal<v8::Module> {
    throw_error(isolate_, message);
    return {};
  };
  if (sources_.overrides.count(spec)) return load(context, "mock:" + spec);
  // The import map comes first; its addresses are relative to the workflow folder.
  std::filesystem::path base = std::filesystem::path(referrer_path).parent_path();
  if (std::optional<std::string> mapped = sources_.import_map.resolve(spec, referrer_rel)) {
    spec = *mapped;
    base = workflow_dir;
  }
  if (spec == "pipedreamer") return load(context, "pipedreamer");
  for (const char* scheme : {"npm:", "jsr:", "https:", "http:"}) {
    if (spec.starts_with(scheme)) {
      return fail("cannot import \"" + spec + "\" in " + referrer_rel + ": " + scheme +
                  " specifiers are never fetched at run time. Vendor it: put its files under "
                  "vendor/ in the workflow folder and map it in deno.json, e.g. \"imports\": { \"" +
                  spec + "\": \"./vendor/<name>/mod.ts\" }");
    }
  }
  if (spec.starts_with("file://")) spec = spec.substr(7);
  if (!(spec.starts_with("./") || spec.starts_with("../") || spec.starts_with("/"))) {
    return fail("cannot resolve \"" + spec + "\" in " + referrer_rel +
                ": add it to the import map in deno.json (\"imports\": { \"" + spec +
                "\": \"./vendor/" + spec + "/mod.ts\" }) or import a relative path");
  }
  std::filesystem::path joined = spec.starts_with("/") ? std::filesystem::path(spec) : base / spec;
  std::filesystem::path relative = joined.lexically_normal().lexically_relative(workflow_dir);
  Result<std::filesystem::path> inside = resolve_inside(workflow_dir, relative.string());
  if (!inside.is_ok() || relative.empty() || relative.string().starts_with("..")) {
    return fail("import \"" + specifier + "\" in " + referrer_rel +
                " points outside the workflow folder");
  }
  return load(context, inside.value().lexically_normal().string());
}

v8::MaybeLocal<v8::Module> ModuleGraph::load(v8::Local<v8::Context> context,
                                             const std::string& path) {
  auto existing = modules_.find(path);
  if (existing != modules_.end()) return existing->second.Get(isolate_);
  std::string display = display_name(path);
  std::string code = kBuiltinPipedreamer;
  bool mock = path.starts_with("mock:");
  if (mock) {
    code = sources_.overrides.at(path.substr(5));
  } else if (path != "pipedreamer") {
    Result<std::string> text = sources_.file_system->read_file(path);
    if (!text.is_ok()) {
      throw_error(isolate_, "cannot load module " + display + ": " + text.status().message());
      return {};
    }
    code = std::move(text).value();
  }
  v8::Local<v8::Module> module;
  if (has_extension(path, {".json"})) {
    v8::Local<v8::Value> value;
    {
      v8::TryCatch try_catch(isolate_);
      if (!v8::JSON::Parse(context, v8_string(isolate_, code)).ToLocal(&value)) {
        isolate_->ThrowException(v8::Exception::SyntaxError(v8_string(
            isolate_, display + ": invalid JSON: " + to_std(isolate_, try_catch.Exception()))));
        return {};
      }
    }
    module = v8::Module::CreateSyntheticModule(isolate_, v8_string(isolate_, display),
                                               {v8_string(isolate_, "default")}, json_module_steps);
    json_values_[path].Reset(isolate_, value);
  } else {
    if (mock || has_extension(path, {".ts", ".mts", ".tsx"})) {
      std::string key = sha256_hex(code);
      std::optional<std::string> cached = sources_.cache->get("js", key);
      if (cached) {
        code = std::move(*cached);
      } else {
        Result<std::string> js = sources_.strip(code, display);
        if (!js.is_ok()) {
          isolate_->ThrowException(
              v8::Exception::SyntaxError(v8_string(isolate_, js.status().message())));
          return {};
        }
        sources_.cache->put("js", key, js.value());
        code = std::move(js).value();
      }
    }
    std::string cache_key = sha256_hex(code + v8::V8::GetVersion());
    std::optional<std::string> code_cache = sources_.cache->get("v8", cache_key);
    v8::ScriptOrigin origin(isolate_, v8_string(isolate_, display), 0, 0, false, -1,
                            v8::Local<v8::Value>(), false, false, /*is_module=*/true);
    auto* cached_data =
        code_cache ? new v8::ScriptCompiler::CachedData(
                         reinterpret_cast<const uint8_t*>(code_cache->data()),
                         static_cast<int>(code_cache->size()))
                   : nullptr;
    v8::ScriptCompiler::Source source(v8_string(isolate_, code), origin, cached_data);
    if (!v8::ScriptCompiler::CompileModule(isolate_, &source,
                                           cached_data ? v8::ScriptCompiler::kConsumeCodeCache
                                                       : v8::ScriptCompiler::kNoCompileOptions)
             .ToLocal(&module)) {
      return {};
    }
    if (!cached_data || source.GetCachedData()->rejected) pending_code_caches_[path] = cache_key;
  }
  modules_[path].Reset(isolate_, module);
  paths_by_hash_.emplace(module->GetIdentityHash(), path);
  return module;
}

v8::MaybeLocal<v8::Promise> ModuleGraph::evaluate(v8::Local<v8::Context> context,
                                                  const std::string& absolute,
                                                  v8::Local<v8::Module>* module) {
  if (!load(context, absolute).ToLocal(module)) return {};
  if (!(*module)->InstantiateModule(context, resolve_static).FromMaybe(false)) return {};
  v8::Local<v8::Value> result;
  if (!(*module)->Evaluate(context).ToLocal(&result)) return {};
  return result.As<v8::Promise>();
}

void ModuleGraph::save_code_caches() {
  if (pending_code_caches_.empty()) return;
  v8::HandleScope scope(isolate_);
  for (const auto& [path, key] : pending_code_caches_) {
    auto found = modules_.find(path);
    if (found == modules_.end()) continue;
    v8::Local<v8::Module> module = found->second.Get(isolate_);
    if (module->IsSyntheticModule()) continue;
    std::unique_ptr<v8::ScriptCompiler::CachedData> data(
        v8::ScriptCompiler::CreateCodeCache(module->GetUnboundModuleScript()));
    if (data) {
      sources_.cache->put("v8", key,
                          std::string(reinterpret_cast<const char*>(data->data),
                                      static_cast<size_t>(data->length)));
    }
  }
  pending_code_caches_.clear();
}

}  // namespace pd::js
