// The V8 that `make deps` unpacks (Debian's libnode108, V8 10.2) links, initializes and runs
// code with full ICU, from the build-local prefix via rpath. Guards the set-up, not our code.
#include <gtest/gtest.h>
#include <libplatform/libplatform.h>
#include <v8.h>

#include <memory>

namespace {

TEST(V8Toolchain, InitializesAndEvaluatesWithIcuTimeZones) {
  std::unique_ptr<v8::Platform> platform = v8::platform::NewDefaultPlatform();
  v8::V8::InitializePlatform(platform.get());
  ASSERT_TRUE(v8::V8::Initialize());
  {
    v8::Isolate::CreateParams params;
    params.array_buffer_allocator = v8::ArrayBuffer::Allocator::NewDefaultAllocator();
    v8::Isolate* isolate = v8::Isolate::New(params);
    {
      v8::Isolate::Scope isolate_scope(isolate);
      v8::HandleScope handle_scope(isolate);
      v8::Local<v8::Context> context = v8::Context::New(isolate);
      v8::Context::Scope context_scope(context);
      const char* code =
          "new Date(Date.UTC(2026,0,1,12)).toLocaleString('en-US', "
          "{timeZone: 'America/Los_Angeles'}) + ' ' + (6 * 7)";
      v8::Local<v8::String> source = v8::String::NewFromUtf8(isolate, code).ToLocalChecked();
      v8::Local<v8::Script> script = v8::Script::Compile(context, source).ToLocalChecked();
      v8::Local<v8::Value> result = script->Run(context).ToLocalChecked();
      v8::String::Utf8Value text(isolate, result);
      EXPECT_STREQ(*text, "1/1/2026, 4:00:00 AM 42");
      EXPECT_EQ(std::string(v8::V8::GetVersion()).substr(0, 4), "10.2");
    }
    isolate->Dispose();
    delete params.array_buffer_allocator;
  }
  v8::V8::Dispose();
  v8::V8::DisposePlatform();
}

}  // namespace
