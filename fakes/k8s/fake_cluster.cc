#include "fakes/k8s/fake_cluster.h"

#include <iostream>

#include "engine/util/base64.h"
#include "engine/util/file_io.h"
#include "engine/util/yaml_adapter.h"

namespace pd::fake_k8s {
namespace {

using Json = nlohmann::json;

}  // namespace

FakeCluster::FakeCluster(const FakeClusterOptions& options, const Clock& clock)
    : clock_(clock), plain_http_(options.plain_http) {
  objects_ = std::make_unique<ObjectService>(catalog_, store_, clock_);
  rbac_ = std::make_unique<RbacAuthorizer>(catalog_, store_);
  runtime_ = std::make_unique<SimulatedPodRuntime>(logs_, options.pod_ready_delay);
  controller_ = std::make_unique<WorkloadController>(*objects_, *runtime_, clock_);
}

FakeCluster::~FakeCluster() { stop(); }

Result<std::unique_ptr<FakeCluster>> FakeCluster::start(const FakeClusterOptions& options,
                                                        const Clock& clock) {
  std::unique_ptr<FakeCluster> cluster(new FakeCluster(options, clock));
  Status booted = cluster->boot(options);
  if (!booted.is_ok()) return booted;
  return cluster;
}

Status FakeCluster::boot(const FakeClusterOptions& options) {
  if (!options.state_dir.empty()) {
    state_ = std::make_unique<StateDirectory>(options.state_dir, [](const std::string& error) {
      std::cerr << "pd-fake-cluster: " << error << "\n";
    });
    Status loaded = state_->load(catalog_, store_);
    if (!loaded.is_ok())
      return loaded.with_context("loading --state " + options.state_dir.string());
    store_.set_observer([this](const WatchEvent& event) { state_->record(event); });
  }
  if (options.seed_defaults) seed_defaults();
  admin_token_ = tokens_.issue({"admin", {"system:masters", "system:authenticated"}});

  ApiServerConfig config;
  config.host = options.host;
  config.port = options.port;
  config.plain_http = options.plain_http;
  if (!options.plain_http) {
    Result<std::unique_ptr<CertificateAuthority>> ca = CertificateAuthority::create("pd-fake-ca");
    if (!ca.is_ok()) return ca.status();
    ca_ = std::move(ca).value();
    Result<KeyPair> server_cert =
        ca_->issue_server({"localhost", "kubernetes", "kubernetes.default",
                           "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"},
                          {"127.0.0.1"});
    if (!server_cert.is_ok()) return server_cert.status();
    config.server_certificate = server_cert.value();
    config.client_ca_pem = ca_->ca_pem();
  }
  controller_->reconcile_all();
  if (options.run_controllers) controller_->start(std::chrono::milliseconds(100));
  server_ = std::make_unique<ApiServer>(
      ApiServerParts{*objects_, clock_, tokens_, *rbac_, faults_, logs_, backends_});
  return server_->start(config);
}

void FakeCluster::seed_defaults() {
  const ResourceType& namespaces = *catalog_.find("", "v1", "namespaces");
  for (const char* name : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    if (!store_.get(namespaces, "", name)) {
      objects_->create(namespaces, "", {{"metadata", {{"name", name}}}});
    }
  }
  // One Ready node, as a single-node cluster has.
  const ResourceType& nodes = *catalog_.find("", "v1", "nodes");
  if (!store_.get(nodes, "", "pd-fake-node")) {
    objects_->create(
        nodes, "",
        {{"metadata",
          {{"name", "pd-fake-node"},
           {"labels",
            {{"kubernetes.io/hostname", "pd-fake-node"}, {"kubernetes.io/os", "linux"}}}}}});
    objects_->replace_status(
        nodes, "", "pd-fake-node",
        {{"status",
          {{"conditions", {{{"type", "Ready"}, {"status", "True"}, {"reason", "KubeletReady"}}}},
           {"nodeInfo",
            {{"kubeletVersion", "v1.32.0"},
             {"architecture", "amd64"},
             {"operatingSystem", "linux"}}}}}});
  }
}

void FakeCluster::stop() {
  if (controller_) controller_->stop();
  if (server_) server_->stop();
}

std::string FakeCluster::url() const { return server_->url(); }
int FakeCluster::port() const { return server_->port(); }

const std::string& FakeCluster::ca_pem() const {
  static const std::string kNone;
  return ca_ ? ca_->ca_pem() : kNone;
}

std::string FakeCluster::kubeconfig(const std::string& token) const {
  Json cluster = {{"server", url()}};
  if (ca_) cluster["certificate-authority-data"] = base64_encode(ca_->ca_pem());
  Json user = Json::object();
  if (!plain_http_) user["token"] = token.empty() ? admin_token_ : token;
  nlohmann::ordered_json config = nlohmann::ordered_json::parse(Json{
      {"apiVersion", "v1"},
      {"kind", "Config"},
      {"clusters", {{{"name", "pd-fake"}, {"cluster", cluster}}}},
      {"users", {{{"name", "pd-fake-admin"}, {"user", user}}}},
      {"contexts",
       {{{"name", "pd-fake"},
         {"context",
          {{"cluster", "pd-fake"}, {"user", "pd-fake-admin"}, {"namespace", "default"}}}}}},
      {"current-context", "pd-fake"},
      {"preferences", Json::object()}}.dump());
  return json_to_yaml(config);
}

Status FakeCluster::write_kubeconfig(const std::filesystem::path& file) const {
  // It holds the admin token: readable by the owner only.
  return write_file_atomically(
      file, kubeconfig(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

Status FakeCluster::apply(const Json& object) {
  std::string api_version = object.value("apiVersion", "");
  std::string kind = object.value("kind", "");
  const ResourceType* type = catalog_.find_kind(api_version, kind);
  if (type == nullptr) {
    return invalid_argument("no resource type for apiVersion \"" + api_version + "\", kind \"" +
                            kind + "\"");
  }
  const Json metadata = object.value("metadata", Json::object());
  std::string ns = type->namespaced ? metadata.value("namespace", "default") : "";
  std::string name = metadata.value("name", "");
  if (type->namespaced && !store_.get(*catalog_.find("", "v1", "namespaces"), "", ns)) {
    objects_->create(*catalog_.find("", "v1", "namespaces"), "", {{"metadata", {{"name", ns}}}});
  }
  ApiResponse result = store_.get(*type, ns, name) ? objects_->replace(*type, ns, name, object)
                                                   : objects_->create(*type, ns, object);
  if (!result.ok()) {
    return invalid_argument(kind + " \"" + name + "\": " + result.body.value("message", ""));
  }
  // Seeded objects keep the status they were given, and the controllers leave them alone.
  if (object.contains("status") && result.body.value("status", Json()) != object["status"]) {
    objects_->replace_status(*type, ns, name, object);
  }
  controller_->mark_seeded(result.body["metadata"].value("uid", ""));
  return Status::ok();
}

Status FakeCluster::seed_yaml(const std::string& text, const std::string& source) {
  YamlStream stream = parse_yaml_stream(text);
  if (!stream.ok) {
    return invalid_argument(source + ":" + std::to_string(stream.error_pos.line) + ":" +
                            std::to_string(stream.error_pos.column) + ": " + stream.error_message);
  }
  for (const YamlNode& document : stream.documents) {
    if (!document.is_defined() || document.is_null()) continue;
    Json object = Json::parse(yaml_to_json(document).dump());
    std::vector<Json> objects;
    if (object.value("kind", "") == "List") {
      objects = object.value("items", Json::array()).get<std::vector<Json>>();
    } else {
      objects.push_back(object);
    }
    for (const Json& item : objects) {
      Status applied = apply(item);
      if (!applied.is_ok()) {
        return applied.with_context(source + ":" + std::to_string(document.pos().line));
      }
    }
  }
  return Status::ok();
}

std::optional<Json> FakeCluster::get(const std::string& api_version, const std::string& kind,
                                     const std::string& ns, const std::string& name) const {
  const ResourceType* type = catalog_.find_kind(api_version, kind);
  if (type == nullptr) return std::nullopt;
  return store_.get(*type, type->namespaced ? ns : "", name);
}

std::string FakeCluster::add_user(const std::string& name, const std::vector<std::string>& groups) {
  std::vector<std::string> all = groups;
  all.push_back("system:authenticated");
  return tokens_.issue({name, all});
}

Result<std::string> FakeCluster::service_account_token(const std::string& ns,
                                                       const std::string& name) {
  if (!store_.get(*catalog_.find("", "v1", "serviceaccounts"), ns, name)) {
    return pd::not_found("serviceaccounts \"" + name + "\" not found in namespace \"" + ns + "\"");
  }
  return tokens_.issue(service_account_user(ns, name));
}

Result<KeyPair> FakeCluster::client_certificate(const std::string& user,
                                                const std::vector<std::string>& groups) const {
  if (!ca_) return failed_precondition("client certificates need HTTPS (not --plain-http)");
  return ca_->issue_client(user, groups);
}

}  // namespace pd::fake_k8s
