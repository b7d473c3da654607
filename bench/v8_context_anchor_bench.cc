// Anchor for js_runtime_bench: what V8 10.2 from libnode needs for an empty Context::New (its
// built-in snapshot, no Web APIs), and for calling a function in a warm context. Raw V8 on
// purpose: this is the floor the runtime's own figures are compared with.
#include <benchmark/benchmark.h>
#include <libplatform/libplatform.h>
#include <v8.h>

namespace {

struct V8 {
  V8() : platform(v8::platform::NewDefaultPlatform()) {
    v8::V8::InitializePlatform(platform.get());
    v8::V8::Initialize();
    params.array_buffer_allocator = v8::ArrayBuffer::Allocator::NewDefaultAllocator();
    isolate = v8::Isolate::New(params);
  }
  std::unique_ptr<v8::Platform> platform;
  v8::Isolate::CreateParams params;
  v8::Isolate* isolate;
};

V8& v8_instance() {
  static V8* instance = new V8();
  return *instance;
}

void BM_EmptyContextNew(benchmark::State& state) {
  v8::Isolate* isolate = v8_instance().isolate;
  v8::Isolate::Scope scope(isolate);
  for (auto _ : state) {
    v8::HandleScope handles(isolate);
    benchmark::DoNotOptimize(v8::Context::New(isolate));
  }
}
BENCHMARK(BM_EmptyContextNew)->Unit(benchmark::kMicrosecond);

void BM_CallFunctionInWarmContext(benchmark::State& state) {
  v8::Isolate* isolate = v8_instance().isolate;
  v8::Isolate::Scope scope(isolate);
  v8::HandleScope handles(isolate);
  v8::Local<v8::Context> context = v8::Context::New(isolate);
  v8::Context::Scope context_scope(context);
  v8::Local<v8::String> source =
      v8::String::NewFromUtf8Literal(isolate, "(function (x) { return x + 1; })");
  v8::Local<v8::Function> fn = v8::Script::Compile(context, source)
                                   .ToLocalChecked()
                                   ->Run(context)
                                   .ToLocalChecked()
                                   .As<v8::Function>();
  v8::Local<v8::Value> args[] = {v8::Integer::New(isolate, 1)};
  for (auto _ : state) {
    benchmark::DoNotOptimize(fn->Call(context, context->Global(), 1, args));
  }
}
BENCHMARK(BM_CallFunctionInWarmContext)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
