// What the V8 natives (web_apis, deno_apis) reach at run time: the runtime that owns the isolate,
// stored in isolate slot 0. Natives convert between V8 values and C++ and ask the host; the host
// owns the event loop, permissions and I/O. Nothing here exists while the startup snapshot is
// made, so natives must not run then.
#pragma once

#include <v8.h>

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/file_system.h"
#include "engine/util/http_transport.h"
#include "engine/util/status.h"

namespace pd::js {

// Files and environment as nodes see them: deny by default; reads under `read_roots`, writes
// under `write_roots` (canonical paths).
struct DenoHost {
  const FileSystem* file_system = nullptr;
  std::vector<std::filesystem::path> read_roots;
  std::vector<std::filesystem::path> write_roots;
  std::map<std::string, std::string> env;
  std::filesystem::path cwd;
};

class IsolateHost {
 public:
  virtual ~IsolateHost() = default;

  virtual const DenoHost& deno() const = 0;
  // performance.now(): milliseconds since the current context was made.
  virtual double now_ms(v8::Local<v8::Context> context) = 0;
  // performance.timeOrigin and Date.now(): milliseconds since the epoch.
  virtual double time_origin_ms(v8::Local<v8::Context> context) = 0;
  virtual double wall_ms() = 0;
  virtual void fill_random(uint8_t* data, size_t size) = 0;
  // A console line (already formatted) from `context`; `record` is the JSON of a structured
  // ctx.log record, or empty for console.*.
  virtual void print(v8::Local<v8::Context> context, std::string_view level, std::string text,
                     std::string record) = 0;
  // setTimeout/setInterval; returns the timer id.
  virtual int add_timer(v8::Local<v8::Context> context, v8::Local<v8::Function> callback,
                        std::vector<v8::Local<v8::Value>> args, double delay_ms, bool repeat) = 0;
  virtual void cancel_timer(int id) = 0;
  // Deno.unrefTimer / refTimer: an unref'd timer still fires, but does not count as left
  // pending when the node returns (AbortSignal.timeout uses one, as in Deno).
  virtual void set_timer_ref(int id, bool ref) = 0;
  // Starts a request off the isolate thread; the promise settles on the loop with
  // {status, statusText, headers, body, url, redirected} or an Error with a `code`.
  // The outcome of call `id` (its value, or what it threw or rejected with).
  virtual void settle(double id, bool ok, v8::Local<v8::Value> value) = 0;
  // `extra_host` (may be empty) is allowed besides the context's NetPolicy.
  virtual v8::Local<v8::Promise> fetch(v8::Local<v8::Context> context, HttpRequest request,
                                       std::string redirect_mode, std::string extra_host) = 0;
};

inline IsolateHost& isolate_host(v8::Isolate* isolate) {
  return *static_cast<IsolateHost*>(isolate->GetData(0));
}

// An Error whose `code` names the failure (NotFound, PermissionDenied, …), which the prelude turns
// into the matching Deno.errors class.
v8::Local<v8::Value> coded_error(v8::Isolate* isolate, const std::string& code,
                                 const std::string& message);
std::string error_code_of(const Status& status);

}  // namespace pd::js
