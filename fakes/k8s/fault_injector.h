// Injected API failures for tests: requests matching a verb/resource/name get a chosen status
// code and/or latency, once or every time.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "fakes/k8s/access_control.h"

namespace pd::fake_k8s {

struct ApiFault {
  std::string verb;      // "" matches any verb
  std::string resource;  // plural; "" matches any
  std::string name;      // "" matches any
  int code = 0;          // 0: no error, only latency
  std::string message = "injected fault";
  std::chrono::milliseconds latency{0};
  bool once = false;
};

class FaultInjector {
 public:
  void add(ApiFault fault);
  void clear();
  // The first fault matching the request (removing it if `once`).
  std::optional<ApiFault> take(const AccessAttributes& request);

 private:
  std::mutex mutex_;
  std::vector<ApiFault> faults_;
};

}  // namespace pd::fake_k8s
