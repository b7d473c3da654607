#include "engine/js/startup_snapshot.h"

#include "engine/js/embedded_scripts.h"
#include "engine/js/natives.h"
#include "engine/js/v8_strings.h"

namespace pd::js {
namespace {

// TypeScript exercising the transformer's main paths, so the snapshot keeps its compiled code.
constexpr const char* kWarmUpSource = R"ts(
import type { Context } from "pipedreamer";
import { helper } from "./shared.ts";
interface Item<T> { id: number; value?: T; readonly tags: string[] }
type Id = string | number;
enum Color { Red, Green = "green" }
abstract class Base<T> { constructor(protected readonly name: string, private count = 0) {} abstract run(x: T): Promise<T>; }
export default async function run(ctx: Context, input: { items: Item<string>[] }): Promise<unknown> {
  const ids = input.items.map((i) => i.id as number satisfies Id) as Id[];
  const first = <Item<string>>input.items[0];
  const n: number = ids.length!;
  for (const [k, v] of Object.entries({ a: 1 } as Record<string, number>)) console.log(k, v);
  return { ids, first, n, color: Color.Green, ok: await helper?.(`x${n}`) };
}
)ts";

Result<v8::Local<v8::Value>> run_script(v8::Isolate* isolate, v8::Local<v8::Context> context,
                                        std::string_view source, const char* name) {
  v8::TryCatch try_catch(isolate);
  v8::ScriptOrigin origin(isolate, v8_string(isolate, name));
  v8::Local<v8::Script> script;
  v8::Local<v8::Value> result;
  if (!v8::Script::Compile(context, v8_string(isolate, source), &origin).ToLocal(&script) ||
      !script->Run(context).ToLocal(&result)) {
    return internal_error(std::string(name) + ": " + to_std(isolate, try_catch.Exception()));
  }
  return result;
}

Result<v8::Local<v8::Value>> call_member(v8::Isolate* isolate, v8::Local<v8::Context> context,
                                         const char* object, const char* method,
                                         std::vector<v8::Local<v8::Value>> args) {
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::Value> holder;
  v8::Local<v8::Value> fn;
  v8::Local<v8::Value> result;
  if (!context->Global()->Get(context, v8_string(isolate, object)).ToLocal(&holder) ||
      !holder->IsObject() ||
      !holder.As<v8::Object>()->Get(context, v8_string(isolate, method)).ToLocal(&fn) ||
      !fn->IsFunction() ||
      !fn.As<v8::Function>()
           ->Call(context, holder, static_cast<int>(args.size()), args.data())
           .ToLocal(&result)) {
    return internal_error(std::string(object) + "." + method + ": " +
                          (try_catch.HasCaught() ? to_std(isolate, try_catch.Exception())
                                                 : std::string("missing")));
  }
  return result;
}

}  // namespace

Result<std::string> create_startup_snapshot() {
  v8::SnapshotCreator creator(external_references());
  v8::Isolate* isolate = creator.GetIsolate();
  {
    v8::HandleScope handle_scope(isolate);
    v8::Local<v8::Context> stripper = v8::Context::New(isolate);
    {
      v8::Context::Scope scope(stripper);
      Result<v8::Local<v8::Value>> loaded =
          run_script(isolate, stripper, sucrase_bundle(), "pd:sucrase_bundle.js");
      if (!loaded.is_ok()) return loaded.status();
      for (int i = 0; i < 5; ++i) {
        Result<v8::Local<v8::Value>> warm =
            call_member(isolate, stripper, "PdTypeScript", "strip",
                        {v8_string(isolate, kWarmUpSource), v8_string(isolate, "warm-up.ts")});
        if (!warm.is_ok()) return warm.status();
      }
    }
    v8::Local<v8::Context> context = v8::Context::New(isolate);
    {
      v8::Context::Scope scope(context);
      Result<v8::Local<v8::Value>> loaded =
          run_script(isolate, context, prelude_script(), "pd:prelude.js");
      if (!loaded.is_ok()) return loaded.status();
      Result<v8::Local<v8::Value>> hooks = call_member(isolate, context, "__pdPrelude", "install",
                                                       {make_host_object(isolate, context)});
      if (!hooks.is_ok()) return hooks.status();
      context->Global()->Delete(context, v8_string(isolate, "__pdPrelude")).Check();
      creator.AddData(context, hooks.value().As<v8::Object>());
    }
    creator.SetDefaultContext(context);
    creator.AddContext(stripper);
  }
  v8::StartupData blob = creator.CreateBlob(v8::SnapshotCreator::FunctionCodeHandling::kKeep);
  if (blob.data == nullptr) return internal_error("V8 could not create the startup snapshot");
  std::string out(blob.data, static_cast<size_t>(blob.raw_size));
  delete[] blob.data;
  return out;
}

}  // namespace pd::js
