#include "engine/js/deno_apis.h"

#include <algorithm>
#include <optional>

#include "engine/js/v8_strings.h"

namespace pd::js {
namespace {

std::string arg_string(const v8::FunctionCallbackInfo<v8::Value>& info, int index) {
  v8::String::Utf8Value utf8(info.GetIsolate(), info[index]);
  return *utf8 ? *utf8 : "";
}

const DenoHost& host_of(const v8::FunctionCallbackInfo<v8::Value>& info) {
  return *static_cast<const DenoHost*>(info.Data().As<v8::External>()->Value());
}

// Throws {code, message}; the prelude turns it into the matching Deno.errors class.
void throw_coded(v8::Isolate* isolate, const std::string& code, const std::string& message) {
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::Local<v8::Object> error = v8::Exception::Error(v8_string(isolate, message)).As<v8::Object>();
  error->Set(context, v8_string(isolate, "code"), v8_string(isolate, code)).Check();
  isolate->ThrowException(error);
}

void throw_status(v8::Isolate* isolate, const Status& status) {
  const char* code = status.code() == StatusCode::kNotFound           ? "NotFound"
                     : status.code() == StatusCode::kPermissionDenied ? "PermissionDenied"
                     : status.code() == StatusCode::kInvalidArgument  ? "IsADirectory"
                                                                      : "Other";
  throw_coded(isolate, code, status.message());
}

// The absolute path for `requested`, if reading it is granted; throws PermissionDenied otherwise.
std::optional<std::filesystem::path> readable(const v8::FunctionCallbackInfo<v8::Value>& info,
                                              bool follow_symlinks) {
  const DenoHost& host = host_of(info);
  std::filesystem::path requested = arg_string(info, 0);
  std::filesystem::path absolute =
      (requested.is_absolute() ? requested : host.cwd / requested).lexically_normal();
  std::error_code ec;
  // lstat must judge the link itself, so only its folder is resolved.
  std::filesystem::path resolved =
      follow_symlinks
          ? std::filesystem::weakly_canonical(absolute, ec)
          : std::filesystem::weakly_canonical(absolute.parent_path(), ec) / absolute.filename();
  for (const std::filesystem::path& root : host.read_roots) {
    auto mismatch = std::mismatch(root.begin(), root.end(), resolved.begin(), resolved.end());
    if (mismatch.first == root.end()) return absolute;
  }
  throw_coded(info.GetIsolate(), "PermissionDenied",
              "Requires read access to \"" + requested.string() +
                  "\": nodes may read the workflow folder and the paths the engine grants "
                  "(/app, /var/run/secrets)");
  return std::nullopt;
}

void read_file(const v8::FunctionCallbackInfo<v8::Value>& info) {
  std::optional<std::filesystem::path> path = readable(info, true);
  if (!path) return;
  Result<std::string> text = host_of(info).file_system->read_file(*path);
  if (!text.is_ok()) return throw_status(info.GetIsolate(), text.status());
  v8::Isolate* isolate = info.GetIsolate();
  if (info[1]->IsTrue()) {  // bytes
    const std::string& data = text.value();
    v8::Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(isolate, data.size());
    std::copy(data.begin(), data.end(), static_cast<char*>(buffer->Data()));
    info.GetReturnValue().Set(v8::Uint8Array::New(buffer, 0, data.size()));
  } else {
    info.GetReturnValue().Set(v8_string(isolate, text.value()));
  }
}

void stat(const v8::FunctionCallbackInfo<v8::Value>& info) {
  bool follow = info[1]->IsTrue();
  std::optional<std::filesystem::path> path = readable(info, follow);
  if (!path) return;
  Result<FileInfo> result = host_of(info).file_system->stat(*path, follow);
  if (!result.is_ok()) return throw_status(info.GetIsolate(), result.status());
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  const FileInfo& fi = result.value();
  v8::Local<v8::Object> out = v8::Object::New(isolate);
  out->Set(context, v8_string(isolate, "isFile"), v8::Boolean::New(isolate, fi.is_file)).Check();
  out->Set(context, v8_string(isolate, "isDirectory"), v8::Boolean::New(isolate, fi.is_directory))
      .Check();
  out->Set(context, v8_string(isolate, "isSymlink"), v8::Boolean::New(isolate, fi.is_symlink))
      .Check();
  out->Set(context, v8_string(isolate, "size"),
           v8::Number::New(isolate, static_cast<double>(fi.size)))
      .Check();
  out->Set(context, v8_string(isolate, "mtime"), v8::Number::New(isolate, fi.mtime_ms)).Check();
  info.GetReturnValue().Set(out);
}

void read_dir(const v8::FunctionCallbackInfo<v8::Value>& info) {
  std::optional<std::filesystem::path> path = readable(info, true);
  if (!path) return;
  Result<std::vector<DirEntry>> entries = host_of(info).file_system->read_dir(*path);
  if (!entries.is_ok()) return throw_status(info.GetIsolate(), entries.status());
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::Local<v8::Array> out = v8::Array::New(isolate, static_cast<int>(entries.value().size()));
  uint32_t i = 0;
  for (const DirEntry& entry : entries.value()) {
    v8::Local<v8::Object> e = v8::Object::New(isolate);
    e->Set(context, v8_string(isolate, "name"), v8_string(isolate, entry.name)).Check();
    e->Set(context, v8_string(isolate, "isFile"), v8::Boolean::New(isolate, entry.is_file)).Check();
    e->Set(context, v8_string(isolate, "isDirectory"),
           v8::Boolean::New(isolate, entry.is_directory))
        .Check();
    e->Set(context, v8_string(isolate, "isSymlink"), v8::Boolean::New(isolate, entry.is_symlink))
        .Check();
    out->Set(context, i++, e).Check();
  }
  info.GetReturnValue().Set(out);
}

void env_object(const v8::FunctionCallbackInfo<v8::Value>& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::Local<v8::Object> out = v8::Object::New(isolate);
  for (const auto& [key, value] : host_of(info).env) {
    out->Set(context, v8_string(isolate, key), v8_string(isolate, value)).Check();
  }
  info.GetReturnValue().Set(out);
}

void cwd(const v8::FunctionCallbackInfo<v8::Value>& info) {
  info.GetReturnValue().Set(v8_string(info.GetIsolate(), host_of(info).cwd.string()));
}

}  // namespace

void add_deno_natives(v8::Isolate* isolate, v8::Local<v8::Context> context,
                      v8::Local<v8::Object> host, const DenoHost* deno) {
  v8::Local<v8::External> data = v8::External::New(isolate, const_cast<DenoHost*>(deno));
  auto add = [&](const char* name, v8::FunctionCallback callback) {
    host->Set(context, v8_string(isolate, name),
              v8::Function::New(context, callback, data).ToLocalChecked())
        .Check();
  };
  add("readFile", read_file);
  add("stat", stat);
  add("readDir", read_dir);
  add("env", env_object);
  add("cwd", cwd);
}

}  // namespace pd::js
