#include "engine/js/deno_apis.h"

#include <algorithm>
#include <optional>

#include "engine/js/isolate_host.h"
#include "engine/js/v8_strings.h"

namespace pd::js {
namespace {

using Info = v8::FunctionCallbackInfo<v8::Value>;

const DenoHost& deno_of(const Info& info) { return isolate_host(info.GetIsolate()).deno(); }

void throw_status(v8::Isolate* isolate, const Status& status) {
  isolate->ThrowException(coded_error(isolate, error_code_of(status), status.message()));
}

bool under(const std::filesystem::path& root, const std::filesystem::path& path) {
  auto mismatch = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return mismatch.first == root.end();
}

enum class Access { kRead, kWrite };

// The absolute path for the first argument, if `access` to it is granted; throws
// PermissionDenied otherwise. `follow_symlinks` false judges a link itself (lstat, remove).
std::optional<std::filesystem::path> permitted(const Info& info, Access access,
                                               bool follow_symlinks) {
  const DenoHost& host = deno_of(info);
  std::filesystem::path requested = to_std(info.GetIsolate(), info[0]);
  std::filesystem::path absolute =
      (requested.is_absolute() ? requested : host.cwd / requested).lexically_normal();
  std::error_code ec;
  std::filesystem::path resolved =
      follow_symlinks
          ? std::filesystem::weakly_canonical(absolute, ec)
          : std::filesystem::weakly_canonical(absolute.parent_path(), ec) / absolute.filename();
  const auto& roots = access == Access::kRead ? host.read_roots : host.write_roots;
  for (const std::filesystem::path& root : roots) {
    if (under(root, resolved)) return absolute;
  }
  std::string message =
      access == Access::kRead
          ? "Requires read access to \"" + requested.string() +
                "\": nodes may read the workflow folder and the paths the engine grants "
                "(/app, /var/run/secrets)"
          : "Requires write access to \"" + requested.string() +
                "\": nodes may write only under their scratch folder" +
                (host.write_roots.empty() ? std::string(" (none is configured)")
                                          : " (" + host.write_roots.front().string() + ")");
  info.GetIsolate()->ThrowException(coded_error(info.GetIsolate(), "PermissionDenied", message));
  return std::nullopt;
}

void read_file(const Info& info) {
  std::optional<std::filesystem::path> path = permitted(info, Access::kRead, true);
  if (!path) return;
  Result<std::string> text = deno_of(info).file_system->read_file(*path);
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

// writeFile(path, string or bytes, append, create)
void write_file(const Info& info) {
  std::optional<std::filesystem::path> path = permitted(info, Access::kWrite, true);
  if (!path) return;
  std::string content;
  if (info[1]->IsArrayBufferView()) {
    v8::Local<v8::ArrayBufferView> view = info[1].As<v8::ArrayBufferView>();
    content.resize(view->ByteLength());
    view->CopyContents(content.data(), content.size());
  } else {
    content = to_std(info.GetIsolate(), info[1]);
  }
  Status status = deno_of(info).file_system->write_file(*path, content, info[2]->IsTrue(),
                                                        info[3]->IsTrue());
  if (!status.is_ok()) throw_status(info.GetIsolate(), status);
}

void make_dir(const Info& info) {
  std::optional<std::filesystem::path> path = permitted(info, Access::kWrite, true);
  if (!path) return;
  Status status = deno_of(info).file_system->make_dir(*path, info[1]->IsTrue());
  if (!status.is_ok()) throw_status(info.GetIsolate(), status);
}

void remove(const Info& info) {
  std::optional<std::filesystem::path> path = permitted(info, Access::kWrite, false);
  if (!path) return;
  Status status = deno_of(info).file_system->remove(*path, info[1]->IsTrue());
  if (!status.is_ok()) throw_status(info.GetIsolate(), status);
}

void set_flag(v8::Isolate* isolate, v8::Local<v8::Object> out, const char* name, bool value) {
  out->Set(isolate->GetCurrentContext(), v8_string(isolate, name), v8::Boolean::New(isolate, value))
      .Check();
}

void stat(const Info& info) {
  bool follow = info[1]->IsTrue();
  std::optional<std::filesystem::path> path = permitted(info, Access::kRead, follow);
  if (!path) return;
  Result<FileInfo> result = deno_of(info).file_system->stat(*path, follow);
  if (!result.is_ok()) return throw_status(info.GetIsolate(), result.status());
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  const FileInfo& fi = result.value();
  v8::Local<v8::Object> out = v8::Object::New(isolate);
  set_flag(isolate, out, "isFile", fi.is_file);
  set_flag(isolate, out, "isDirectory", fi.is_directory);
  set_flag(isolate, out, "isSymlink", fi.is_symlink);
  out->Set(context, v8_string(isolate, "size"),
           v8::Number::New(isolate, static_cast<double>(fi.size)))
      .Check();
  out->Set(context, v8_string(isolate, "mtime"), v8::Number::New(isolate, fi.mtime_ms)).Check();
  info.GetReturnValue().Set(out);
}

void read_dir(const Info& info) {
  std::optional<std::filesystem::path> path = permitted(info, Access::kRead, true);
  if (!path) return;
  Result<std::vector<DirEntry>> entries = deno_of(info).file_system->read_dir(*path);
  if (!entries.is_ok()) return throw_status(info.GetIsolate(), entries.status());
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::Local<v8::Array> out = v8::Array::New(isolate, static_cast<int>(entries.value().size()));
  uint32_t i = 0;
  for (const DirEntry& entry : entries.value()) {
    v8::Local<v8::Object> e = v8::Object::New(isolate);
    e->Set(context, v8_string(isolate, "name"), v8_string(isolate, entry.name)).Check();
    set_flag(isolate, e, "isFile", entry.is_file);
    set_flag(isolate, e, "isDirectory", entry.is_directory);
    set_flag(isolate, e, "isSymlink", entry.is_symlink);
    out->Set(context, i++, e).Check();
  }
  info.GetReturnValue().Set(out);
}

void env_object(const Info& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::Local<v8::Object> out = v8::Object::New(isolate);
  for (const auto& [key, value] : deno_of(info).env) {
    out->Set(context, v8_string(isolate, key), v8_string(isolate, value)).Check();
  }
  info.GetReturnValue().Set(out);
}

void cwd(const Info& info) {
  info.GetReturnValue().Set(v8_string(info.GetIsolate(), deno_of(info).cwd.string()));
}

}  // namespace

std::vector<NativeFunction> deno_natives() {
  return {
      {"readFile", read_file}, {"writeFile", write_file}, {"mkdir", make_dir},
      {"remove", remove},      {"stat", stat},            {"readDir", read_dir},
      {"env", env_object},     {"cwd", cwd},
  };
}

}  // namespace pd::js
