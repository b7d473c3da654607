#include "engine/js/natives.h"

#include "engine/js/isolate_host.h"
#include "engine/js/v8_strings.h"

namespace pd::js {

const std::vector<NativeFunction>& all_natives() {
  static const std::vector<NativeFunction> natives = [] {
    std::vector<NativeFunction> out = web_natives();
    for (const NativeFunction& native : deno_natives()) out.push_back(native);
    return out;
  }();
  return natives;
}

const intptr_t* external_references() {
  static const std::vector<intptr_t> references = [] {
    std::vector<intptr_t> out;
    for (const NativeFunction& native : all_natives()) {
      out.push_back(reinterpret_cast<intptr_t>(native.callback));
    }
    out.push_back(0);
    return out;
  }();
  return references.data();
}

v8::Local<v8::Object> make_host_object(v8::Isolate* isolate, v8::Local<v8::Context> context) {
  v8::Local<v8::Object> host = v8::Object::New(isolate);
  for (const NativeFunction& native : all_natives()) {
    v8::Local<v8::FunctionTemplate> tmpl = v8::FunctionTemplate::New(
        isolate, native.callback, v8::Local<v8::Value>(), v8::Local<v8::Signature>(), 0,
        v8::ConstructorBehavior::kThrow);
    host->Set(context, v8_string(isolate, native.name), tmpl->GetFunction(context).ToLocalChecked())
        .Check();
  }
  return host;
}

v8::Local<v8::Value> coded_error(v8::Isolate* isolate, const std::string& code,
                                 const std::string& message) {
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::Local<v8::Object> error = v8::Exception::Error(v8_string(isolate, message)).As<v8::Object>();
  error->Set(context, v8_string(isolate, "code"), v8_string(isolate, code)).Check();
  return error;
}

std::string error_code_of(const Status& status) {
  switch (status.code()) {
    case StatusCode::kNotFound:
      return "NotFound";
    case StatusCode::kPermissionDenied:
      return "PermissionDenied";
    case StatusCode::kAlreadyExists:
      return "AlreadyExists";
    case StatusCode::kInvalidArgument:
      return "IsADirectory";
    case StatusCode::kDeadlineExceeded:
      return "TimedOut";
    case StatusCode::kUnavailable:
      return "ConnectionRefused";
    default:
      return "Other";
  }
}

}  // namespace pd::js
