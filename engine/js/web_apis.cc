#include "engine/js/web_apis.h"

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "engine/js/isolate_host.h"
#include "engine/js/v8_strings.h"
#include "engine/util/base64.h"
#include "engine/util/crypto_hash.h"
#include "engine/util/random_source.h"

namespace pd::js {
namespace {

using Info = v8::FunctionCallbackInfo<v8::Value>;

void throw_error(v8::Isolate* isolate, const std::string& message) {
  isolate->ThrowException(v8::Exception::Error(v8_string(isolate, message)));
}
void throw_type_error(v8::Isolate* isolate, const std::string& message) {
  isolate->ThrowException(v8::Exception::TypeError(v8_string(isolate, message)));
}

// The string's code units as Latin-1 bytes; false when one is above 0xFF.
bool latin1_bytes(v8::Isolate* isolate, v8::Local<v8::Value> value, std::string& out) {
  v8::Local<v8::String> s = value.As<v8::String>();
  std::vector<uint16_t> units(static_cast<size_t>(s->Length()));
  s->Write(isolate, units.data(), 0, s->Length(), v8::String::NO_NULL_TERMINATION);
  out.clear();
  for (uint16_t unit : units) {
    if (unit > 0xff) return false;
    out += static_cast<char>(unit);
  }
  return true;
}

// The bytes of a Uint8Array (or any view / ArrayBuffer).
std::string bytes_of(v8::Local<v8::Value> value) {
  if (value->IsArrayBufferView()) {
    v8::Local<v8::ArrayBufferView> view = value.As<v8::ArrayBufferView>();
    std::string out(view->ByteLength(), '\0');
    view->CopyContents(out.data(), out.size());
    return out;
  }
  if (value->IsArrayBuffer()) {
    auto store = value.As<v8::ArrayBuffer>()->GetBackingStore();
    return std::string(static_cast<const char*>(store->Data()), store->ByteLength());
  }
  return "";
}

v8::Local<v8::ArrayBuffer> array_buffer(v8::Isolate* isolate, const std::string& bytes) {
  v8::Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(isolate, bytes.size());
  if (!bytes.empty()) std::copy(bytes.begin(), bytes.end(), static_cast<char*>(buffer->Data()));
  return buffer;
}

v8::Local<v8::Uint8Array> uint8_array(v8::Isolate* isolate, const std::string& bytes) {
  return v8::Uint8Array::New(array_buffer(isolate, bytes), 0, bytes.size());
}

void btoa(const Info& info) {
  v8::Isolate* isolate = info.GetIsolate();
  std::string bytes;
  if (!latin1_bytes(isolate, info[0], bytes)) {
    return throw_error(isolate, "btoa: the string to be encoded contains characters outside of the "
                                "Latin1 range");
  }
  info.GetReturnValue().Set(v8_string(isolate, base64_encode(bytes)));
}

void atob(const Info& info) {
  v8::Isolate* isolate = info.GetIsolate();
  std::string text;
  if (!latin1_bytes(isolate, info[0], text)) {
    return throw_error(isolate, "atob: the string to be decoded is not correctly encoded");
  }
  std::string compact;
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\f' && c != '\r') compact += c;
  }
  while (compact.size() % 4 != 0 && compact.size() % 4 != 1) compact += '=';  // unpadded input
  std::optional<std::string> decoded = base64_decode(compact);
  if (!decoded) return throw_error(isolate, "atob: the string to be decoded is not correctly encoded");
  info.GetReturnValue().Set(
      v8::String::NewFromOneByte(isolate, reinterpret_cast<const uint8_t*>(decoded->data()),
                                 v8::NewStringType::kNormal, static_cast<int>(decoded->size()))
          .ToLocalChecked());
}

void utf8_encode(const Info& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::String> s = info[0].As<v8::String>();
  std::string out(static_cast<size_t>(s->Utf8Length(isolate)), '\0');
  s->WriteUtf8(isolate, out.data(), static_cast<int>(out.size()), nullptr,
               v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8);
  info.GetReturnValue().Set(uint8_array(isolate, out));
}

// Whether `bytes` is well-formed UTF-8 (no overlongs, surrogates or values above U+10FFFF).
bool valid_utf8(const std::string& bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    auto b = static_cast<unsigned char>(bytes[i]);
    size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > bytes.size()) return false;
    uint32_t c = n == 1 ? b : b & (0x7f >> n);
    for (size_t k = 1; k < n; ++k) {
      auto cont = static_cast<unsigned char>(bytes[i + k]);
      if ((cont & 0xc0) != 0x80) return false;
      c = (c << 6) | (cont & 0x3f);
    }
    if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
        c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
      return false;
    }
    i += n;
  }
  return true;
}

void utf8_decode(const Info& info) {
  v8::Isolate* isolate = info.GetIsolate();
  std::string bytes = bytes_of(info[0]);
  if (info[1]->IsTrue() && !valid_utf8(bytes)) return info.GetReturnValue().SetNull();
  info.GetReturnValue().Set(v8_string(isolate, bytes));  // V8 replaces bad sequences by U+FFFD
}

void now(const Info& info) {
  v8::Isolate* isolate = info.GetIsolate();
  info.GetReturnValue().Set(isolate_host(isolate).now_ms(isolate->GetCurrentContext()));
}

void time_origin(const Info& info) {
  v8::Isolate* isolate = info.GetIsolate();
  info.GetReturnValue().Set(isolate_host(isolate).time_origin_ms(isolate->GetCurrentContext()));
}

void wall_now(const Info& info) {
  info.GetReturnValue().Set(isolate_host(info.GetIsolate()).wall_ms());
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

void structured_clone(const Info& info) {
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

void fill_random(const Info& info) {
  v8::Local<v8::Uint8Array> array = info[0].As<v8::Uint8Array>();
  auto* data = static_cast<uint8_t*>(array->Buffer()->Data()) + array->ByteOffset();
  isolate_host(info.GetIsolate()).fill_random(data, array->ByteLength());
}

void random_number(const Info& info) {
  uint64_t bits = 0;
  isolate_host(info.GetIsolate()).fill_random(reinterpret_cast<uint8_t*>(&bits), sizeof(bits));
  info.GetReturnValue().Set(static_cast<double>(bits >> 11) / static_cast<double>(1ull << 53));
}

void random_uuid(const Info& info) {
  uint8_t bytes[16];
  isolate_host(info.GetIsolate()).fill_random(bytes, sizeof(bytes));
  info.GetReturnValue().Set(v8_string(info.GetIsolate(), uuid_v4(bytes)));
}

std::optional<HashAlgorithm> algorithm_arg(const Info& info) {
  std::optional<HashAlgorithm> algorithm =
      parse_hash_algorithm(to_std(info.GetIsolate(), info[0]));
  if (!algorithm) throw_type_error(info.GetIsolate(), "unsupported hash algorithm");
  return algorithm;
}

void digest_native(const Info& info) {
  std::optional<HashAlgorithm> algorithm = algorithm_arg(info);
  if (!algorithm) return;
  info.GetReturnValue().Set(array_buffer(info.GetIsolate(), digest(*algorithm, bytes_of(info[1]))));
}

void hmac_native(const Info& info) {
  std::optional<HashAlgorithm> algorithm = algorithm_arg(info);
  if (!algorithm) return;
  info.GetReturnValue().Set(
      array_buffer(info.GetIsolate(), hmac(*algorithm, bytes_of(info[1]), bytes_of(info[2]))));
}

void timing_safe_equal(const Info& info) {
  info.GetReturnValue().Set(constant_time_equal(bytes_of(info[0]), bytes_of(info[1])));
}

void print(const Info& info) {
  v8::Isolate* isolate = info.GetIsolate();
  isolate_host(isolate).print(isolate->GetCurrentContext(), to_std(isolate, info[0]),
                              to_std(isolate, info[1]),
                              info[2]->IsString() ? to_std(isolate, info[2]) : std::string());
}

void set_timer(const Info& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  std::vector<v8::Local<v8::Value>> args;
  if (info[3]->IsArray()) {
    v8::Local<v8::Array> array = info[3].As<v8::Array>();
    for (uint32_t i = 0; i < array->Length(); ++i) {
      args.push_back(array->Get(context, i).ToLocalChecked());
    }
  }
  double ms = info[1]->NumberValue(context).FromMaybe(0);
  int id = isolate_host(isolate).add_timer(context, info[0].As<v8::Function>(), std::move(args),
                                           ms >= 0 ? ms : 0, info[2]->IsTrue());
  info.GetReturnValue().Set(id);
}

void clear_timer(const Info& info) {
  v8::Isolate* isolate = info.GetIsolate();
  isolate_host(isolate).cancel_timer(
      static_cast<int>(info[0]->NumberValue(isolate->GetCurrentContext()).FromMaybe(0)));
}

void ref_timer(const Info& info, bool ref) {
  v8::Isolate* isolate = info.GetIsolate();
  isolate_host(isolate).set_timer_ref(
      static_cast<int>(info[0]->NumberValue(isolate->GetCurrentContext()).FromMaybe(0)), ref);
}

void queue_microtask(const Info& info) {
  info.GetIsolate()->EnqueueMicrotask(info[0].As<v8::Function>());
}

void settle(const Info& info) {
  v8::Isolate* isolate = info.GetIsolate();
  isolate_host(isolate).settle(info[0].As<v8::Number>()->Value(), info[1]->IsTrue(), info[2]);
}

// defineAccessor(object, name, getter, setter): an enumerable, configurable accessor property
// on an object the caller just made (the ctx), without the descriptor object Object.defineProperty
// reads and validates (a third of what that costs per ctx). Unlike defineProperty it looks
// neither at the object's extensibility nor at a property of that name already there (V8's
// JSObject::DefineAccessor), and checking for one would cost as much as it saves: for new
// properties of objects the runtime's own code made, never for a node's objects.
void define_accessor(const Info& info) {
  if (!info[0]->IsObject() || info[0]->IsProxy() || !info[1]->IsName() ||
      !info[2]->IsFunction() || !info[3]->IsFunction()) {
    info.GetIsolate()->ThrowError(
        v8_string(info.GetIsolate(), "defineAccessor(object, name, getter, setter)"));
    return;
  }
  info[0].As<v8::Object>()->SetAccessorProperty(info[1].As<v8::Name>(),
                                                info[2].As<v8::Function>(),
                                                info[3].As<v8::Function>(), v8::None);
}

void v8_version(const Info& info) {
  info.GetReturnValue().Set(v8_string(info.GetIsolate(), v8::V8::GetVersion()));
}

// fetch(method, url, [[name, value]], body bytes or null, [caCert PEM], redirect, extraHost)
// → Promise.
void fetch(const Info& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  HttpRequest request;
  request.method = to_std(isolate, info[0]);
  request.url = to_std(isolate, info[1]);
  if (info[2]->IsArray()) {
    v8::Local<v8::Array> headers = info[2].As<v8::Array>();
    for (uint32_t i = 0; i < headers->Length(); ++i) {
      v8::Local<v8::Array> pair = headers->Get(context, i).ToLocalChecked().As<v8::Array>();
      request.headers.emplace_back(to_std(isolate, pair->Get(context, 0).ToLocalChecked()),
                                   to_std(isolate, pair->Get(context, 1).ToLocalChecked()));
    }
  }
  if (!info[3]->IsNullOrUndefined()) request.body = bytes_of(info[3]);
  if (info[4]->IsArray()) {
    v8::Local<v8::Array> certs = info[4].As<v8::Array>();
    for (uint32_t i = 0; i < certs->Length(); ++i) {
      request.ca_certs_pem.push_back(to_std(isolate, certs->Get(context, i).ToLocalChecked()));
    }
  }
  info.GetReturnValue().Set(
      isolate_host(isolate).fetch(context, std::move(request), to_std(isolate, info[5]),
                                  info[6]->IsString() ? to_std(isolate, info[6]) : ""));
}

}  // namespace

std::vector<NativeFunction> web_natives() {
  return {
      {"btoa", btoa},
      {"atob", atob},
      {"utf8Encode", utf8_encode},
      {"utf8Decode", utf8_decode},
      {"now", now},
      {"timeOrigin", time_origin},
      {"wallNow", wall_now},
      {"clone", structured_clone},
      {"fillRandom", fill_random},
      {"random", random_number},
      {"randomUUID", random_uuid},
      {"digest", digest_native},
      {"hmac", hmac_native},
      {"timingSafeEqual", timing_safe_equal},
      {"print", print},
      {"setTimer", set_timer},
      {"unrefTimer", [](const Info& info) { ref_timer(info, false); }},
      {"refTimer", [](const Info& info) { ref_timer(info, true); }},
      {"clearTimer", clear_timer},
      {"queueMicrotask", queue_microtask},
      {"settle", settle},
      {"defineAccessor", define_accessor},
      {"v8Version", v8_version},
      {"fetch", fetch},
  };
}

}  // namespace pd::js
