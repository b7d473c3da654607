// Where `services/<name>[:port]/proxy/…` requests go: a registry from (namespace, service, port)
// to a loopback base URL, filled by whoever runs the service's pods (tests, and later the
// pd-engine pod runtime). Unregistered services answer 503 as a service without endpoints does.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>

namespace pd::fake_k8s {

class ServiceBackends {
 public:
  // `port` "" serves requests that name no port (and any port without its own backend).
  void set(const std::string& ns, const std::string& service, const std::string& port,
           const std::string& base_url);
  void remove(const std::string& ns, const std::string& service, const std::string& port);
  std::optional<std::string> find(const std::string& ns, const std::string& service,
                                  const std::string& port) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, std::string>, std::string> backends_;
};

}  // namespace pd::fake_k8s
