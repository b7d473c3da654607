#include "engine/js/web_apis.h"

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "engine/js/embedded_scripts.h"
#include "engine/js/v8_strings.h"
#include "engine/util/base64.h"

namespace pd::js {
namespace {

void throw_error(v8::Isolate* isolate, const char* message) {
  isolate->ThrowException(v8::Exception::Error(v8_string(isolate, message)));
}

// The string's code units as Latin-1 bytes; false when one is above 0xFF.
bool latin1_bytes(v8::Isolate* isolate, v8::Local<v8::String> s, std::string& out) {
  std::vector<uint16_t> units(static_cast<size_t>(s->Length()));
  s->Write(isolate, units.data(), 0, s->Length(), v8::String::NO_NULL_TERMINATION);
  out.clear();
  for (uint16_t unit : units) {
    if (unit > 0xff) return false;
    out += static_cast<char>(unit);
  }
  return true;
}

void btoa(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  std::string bytes;
  if (!latin1_bytes(isolate, info[0].As<v8::String>(), bytes)) {
    return throw_error(isolate,
                       "btoa: the string to be encoded contains characters outside of the "
                       "Latin1 range");
  }
  info.GetReturnValue().Set(v8_string(isolate, base64_encode(bytes)));
}

void atob(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  std::string text;
  if (!latin1_bytes(isolate, info[0].As<v8::String>(), text)) {
    return throw_error(isolate, "atob: the string to be decoded is not correctly encoded");
  }
  std::string compact;
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\f' && c != '\r') compact += c;
  }
  while (compact.size() % 4 != 0 && compact.size() % 4 != 1) compact += '=';  // unpadded input
  std::optional<std::string> decoded = base64_decode(compact);
  if (!decoded)
    return throw_error(isolate, "atob: the string to be decoded is not correctly encoded");
  info.GetReturnValue().Set(
      v8::String::NewFromOneByte(isolate, reinterpret_cast<const uint8_t*>(decoded->data()),
                                 v8::NewStringType::kNormal, static_cast<int>(decoded->size()))
          .ToLocalChecked());
}

double now_ms() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

void now(const v8::FunctionCallbackInfo<v8::Value>& info) {
  double origin = info.Data().As<v8::Number>()->Value();
  info.GetReturnValue().Set(now_ms() - origin);
}

class CloneDelegate : public v8::ValueSerializer::Delegate {
 public:
  explicit CloneDelegate(v8::Isolate* isolate) : isolate_(isolate) {}
  void ThrowDataCloneError(v8::Local<v8::String> message) override {
    isolate_->ThrowException(v8::Exception::Error(message));
  }

 private:
  v8::Isolate* isolate_;
};

void structured_clone(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  CloneDelegate delegate(isolate);
  v8::ValueSerializer serializer(isolate, &delegate);
  serializer.WriteHeader();
  if (!serializer.WriteValue(context, info[0]).FromMaybe(false)) return;
  std::pair<uint8_t*, size_t> buffer = serializer.Release();
  v8::ValueDeserializer deserializer(isolate, buffer.first, buffer.second);
  v8::Local<v8::Value> copy;
  if (deserializer.ReadHeader(context).FromMaybe(false) &&
      deserializer.ReadValue(context).ToLocal(&copy)) {
    info.GetReturnValue().Set(copy);
  }
  free(buffer.first);
}

void fill_random(const v8::FunctionCallbackInfo<v8::Value>& info) {
  static thread_local std::random_device device;
  v8::Local<v8::Uint8Array> array = info[0].As<v8::Uint8Array>();
  std::vector<uint8_t> bytes(array->ByteLength());
  for (uint8_t& b : bytes) b = static_cast<uint8_t>(device());
  auto* data = static_cast<uint8_t*>(array->Buffer()->Data()) + array->ByteOffset();
  std::copy(bytes.begin(), bytes.end(), data);
}

void random_uuid(const v8::FunctionCallbackInfo<v8::Value>& info) {
  static thread_local std::random_device device;
  uint8_t b[16];
  for (uint8_t& x : b) x = static_cast<uint8_t>(device());
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  char out[37];
  std::snprintf(out, sizeof(out),
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  info.GetReturnValue().Set(v8_string(info.GetIsolate(), out));
}

}  // namespace

bool install_web_apis(v8::Isolate* isolate, v8::Local<v8::Context> context, const DenoHost* deno) {
  v8::Local<v8::Object> host = v8::Object::New(isolate);
  double origin = now_ms();
  auto add = [&](const char* name, v8::FunctionCallback callback,
                 v8::Local<v8::Value> data = v8::Local<v8::Value>()) {
    host->Set(context, v8_string(isolate, name),
              v8::Function::New(context, callback, data).ToLocalChecked())
        .Check();
  };
  add("btoa", btoa);
  add("atob", atob);
  add("now", now, v8::Number::New(isolate, origin));
  add("clone", structured_clone);
  add("fillRandom", fill_random);
  add("randomUUID", random_uuid);
  add_deno_natives(isolate, context, host, deno);
  host->Set(context, v8_string(isolate, "timeOrigin"),
            v8::Number::New(isolate, static_cast<double>(
                                         std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count())))
      .Check();
  v8::ScriptOrigin script_origin(isolate, v8_string(isolate, "pd:prelude.js"));
  v8::Local<v8::Script> script;
  v8::Local<v8::Value> installer;
  if (!v8::Script::Compile(context, v8_string(isolate, prelude_script()), &script_origin)
           .ToLocal(&script) ||
      !script->Run(context).ToLocal(&installer) || !installer->IsFunction()) {
    return false;
  }
  v8::Local<v8::Value> args[] = {host};
  return !installer.As<v8::Function>()->Call(context, context->Global(), 1, args).IsEmpty();
}

}  // namespace pd::js
