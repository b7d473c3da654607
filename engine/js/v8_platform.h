// V8's process-wide platform, owned by main() (or a test environment) and passed to every
// Runtime. V8 can be initialized once per process: create exactly one V8Platform.
#pragma once

#include <memory>

namespace v8 {
class Platform;
}

namespace pd::js {

class V8Platform {
 public:
  V8Platform();
  ~V8Platform();
  V8Platform(const V8Platform&) = delete;
  V8Platform& operator=(const V8Platform&) = delete;

  v8::Platform* platform() const { return platform_.get(); }

 private:
  std::unique_ptr<v8::Platform> platform_;
};

}  // namespace pd::js
