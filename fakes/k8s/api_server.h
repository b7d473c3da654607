// The HTTP(S) front of the fake cluster: authenticates (bearer tokens, client certificates; plain
// HTTP means admin, since kubectl sends no credentials there), authorizes with RBAC, and serves
// discovery, OpenAPI, CRUD, PATCH, watch streams, Tables, and the status, scale, log, token and
// proxy subresources, always answering errors as Status JSON.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "engine/util/clock.h"
#include "engine/util/status.h"
#include "fakes/k8s/access_control.h"
#include "fakes/k8s/certificate_authority.h"
#include "fakes/k8s/fault_injector.h"
#include "fakes/k8s/object_service.h"
#include "fakes/k8s/pod_logs.h"
#include "fakes/k8s/service_backends.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace pd::fake_k8s {

struct ApiServerConfig {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: an ephemeral port
  bool plain_http = false;
  KeyPair server_certificate;  // used unless plain_http
  std::string client_ca_pem;   // verifies client certificates
};

// The collaborators a server answers from; all outlive it.
struct ApiServerParts {
  ObjectService& objects;
  const Clock& clock;
  TokenRegistry& tokens;
  const RbacAuthorizer& rbac;
  FaultInjector& faults;
  PodLogs& logs;
  ServiceBackends& backends;
};

class ApiServer {
 public:
  explicit ApiServer(ApiServerParts parts);
  ~ApiServer();

  // Binds and starts serving on a background thread.
  Status start(const ApiServerConfig& config);
  // Ends watches, stops accepting, and joins the thread.
  void stop();
  int port() const { return port_; }
  std::string url() const;

 private:
  void handle(const httplib::Request& request, httplib::Response& response);

  ApiServerParts parts_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::string host_;
  int port_ = 0;
  bool tls_ = true;
  std::atomic<bool> stopping_{false};
};

}  // namespace pd::fake_k8s
