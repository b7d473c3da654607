#include "fakes/k8s/api_server.h"

#include <httplib.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "engine/util/yaml_adapter.h"
#include "fakes/k8s/api_request.h"
#include "fakes/k8s/discovery.h"
#include "fakes/k8s/protobuf_decoder.h"
#include "fakes/k8s/table_view.h"

namespace pd::fake_k8s {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxBodyBytes = 3 * 1024 * 1024;

void send_json(httplib::Response& response, int code, const Json& body,
               const char* content_type = "application/json") {
  response.status = code;
  response.set_content(body.dump(), content_type);
}

void send_error(httplib::Response& response, const ApiError& error) {
  send_json(response, error.code, error.to_status());
}

std::string query(const httplib::Request& request, const char* name) {
  return request.has_param(name) ? request.get_param_value(name) : "";
}

// The request body as JSON, whatever the client sent (JSON, YAML, Kubernetes protobuf).
Result<Json> decode_body(const httplib::Request& request) {
  std::string content_type = request.get_header_value("Content-Type");
  if (content_type.starts_with(kProtobufContentType)) {
    return decode_protobuf_object(request.body);
  }
  if (request.body.empty()) return Json::object();
  try {
    return Json::parse(request.body);
  } catch (const Json::parse_error& e) {
    if (content_type.find("yaml") == std::string::npos) {
      std::string what = e.what();
      return invalid_argument("the request body is not valid JSON: " +
                              what.substr(what.find("] ") + 2));
    }
  }
  YamlParse yaml = parse_yaml(request.body);
  if (!yaml.ok) {
    return invalid_argument("error converting YAML to JSON: line " +
                            std::to_string(yaml.error_pos.line) + ": " + yaml.error_message);
  }
  return Json::parse(yaml_to_json(yaml.root).dump());
}

// The user behind a verified client certificate: CN is the name, O entries the groups.
std::optional<UserInfo> certificate_user(const httplib::Request& request) {
  if (request.ssl == nullptr) return std::nullopt;
  SSL* ssl = const_cast<SSL*>(request.ssl);
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) return std::nullopt;
  std::optional<UserInfo> user;
  if (SSL_get_verify_result(ssl) == X509_V_OK) {
    UserInfo info;
    X509_NAME* subject = X509_get_subject_name(cert);
    for (int i = 0; i < X509_NAME_entry_count(subject); ++i) {
      X509_NAME_ENTRY* entry = X509_NAME_get_entry(subject, i);
      int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(entry));
      ASN1_STRING* data = X509_NAME_ENTRY_get_data(entry);
      std::string value(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                        static_cast<size_t>(ASN1_STRING_length(data)));
      if (nid == NID_commonName) info.name = value;
      if (nid == NID_organizationName) info.groups.push_back(value);
    }
    info.groups.push_back("system:authenticated");
    user = info;
  }
  X509_free(cert);
  return user;
}

X509* parse_pem_cert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return cert;
}

EVP_PKEY* parse_pem_key(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return key;
}

int select_http11(SSL*, const unsigned char** out, unsigned char* out_len, const unsigned char* in,
                  unsigned int in_len, void*) {
  static const unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, out_len, kHttp11, sizeof(kHttp11), in, in_len) !=
      OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;
  }
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

// One watch line: {"type": …, "object": …}, the object wrapped in a one-row Table if asked.
std::string watch_line(const std::string& type, const Json& object, const ResourceType& resource,
                       bool as_table, std::chrono::system_clock::time_point now) {
  Json payload =
      as_table ? table_of(resource, {object}, object["metadata"].value("resourceVersion", ""), now)
               : object;
  return Json{{"type", type}, {"object", payload}}.dump() + "\n";
}

}  // namespace

ApiServer::ApiServer(ApiServerParts parts) : parts_(parts) {}

ApiServer::~ApiServer() { stop(); }

std::string ApiServer::url() const {
  return std::string(tls_ ? "https://" : "http://") + host_ + ":" + std::to_string(port_);
}

Status ApiServer::start(const ApiServerConfig& config) {
  host_ = config.host;
  tls_ = !config.plain_http;
  if (tls_) {
    KeyPair pair = config.server_certificate;
    std::string client_ca = config.client_ca_pem;
    server_ = std::make_unique<httplib::SSLServer>([pair, client_ca](SSL_CTX& ctx) {
      X509* cert = parse_pem_cert(pair.cert_pem);
      EVP_PKEY* key = parse_pem_key(pair.key_pem);
      bool ok = cert && key && SSL_CTX_use_certificate(&ctx, cert) == 1 &&
                SSL_CTX_use_PrivateKey(&ctx, key) == 1;
      X509_free(cert);
      EVP_PKEY_free(key);
      if (!ok) return false;
      if (!client_ca.empty()) {
        X509* ca = parse_pem_cert(client_ca);
        X509_STORE_add_cert(SSL_CTX_get_cert_store(&ctx), ca);
        X509_free(ca);
        // Ask for a client certificate but never fail the handshake: tokens work without one,
        // and the handler checks the verification result.
        SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, [](int, X509_STORE_CTX*) { return 1; });
      }
      SSL_CTX_set_alpn_select_cb(&ctx, select_http11, nullptr);
      return true;
    });
    if (!static_cast<httplib::SSLServer&>(*server_).is_valid()) {
      return internal_error("cannot set up TLS for the fake API server");
    }
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  server_->new_task_queue = [] { return new httplib::ThreadPool(64); };
  server_->set_payload_max_length(kMaxBodyBytes);
  server_->set_keep_alive_max_count(1000);
  server_->set_tcp_nodelay(true);  // headers and body go out in separate writes
  auto handler = [this](const httplib::Request& request, httplib::Response& response) {
    handle(request, response);
  };
  server_->Get(".*", handler);
  server_->Post(".*", handler);
  server_->Put(".*", handler);
  server_->Patch(".*", handler);
  server_->Delete(".*", handler);
  server_->Options(".*", handler);
  port_ = config.port == 0 ? server_->bind_to_any_port(config.host)
                           : (server_->bind_to_port(config.host, config.port) ? config.port : -1);
  if (port_ <= 0) {
    return Status(StatusCode::kUnavailable, "cannot listen on " + config.host + ":" +
                                                std::to_string(config.port) +
                                                " (is the port in use?)");
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // The socket is already bound and listening, so connections queue until the loop starts;
  // waiting for is_running() only keeps stop() from racing the start.
  while (!server_->is_running()) std::this_thread::yield();
  return Status::ok();
}

void ApiServer::stop() {
  if (!server_) return;
  stopping_ = true;
  parts_.objects.store().stop();
  server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

void ApiServer::handle(const httplib::Request& request, httplib::Response& response) {
  const std::string& path = request.path;
  const std::string accept = request.get_header_value("Accept");

  // Public endpoints, as the real server's system:public-info-viewer allows.
  if (path == "/version") return send_json(response, 200, version_info());
  if (path == "/healthz" || path == "/readyz" || path == "/livez") {
    response.set_content("ok", "text/plain");
    return;
  }

  std::optional<UserInfo> user;
  if (!tls_) {
    user = UserInfo{"admin", {"system:masters", "system:authenticated"}};
  } else {
    std::string authorization = request.get_header_value("Authorization");
    if (authorization.starts_with("Bearer ")) user = parts_.tokens.find(authorization.substr(7));
    if (!user) user = certificate_user(request);
  }
  if (!user) return send_error(response, unauthorized());

  const ResourceCatalog& catalog = parts_.objects.catalog();
  if (path == "/api" || path == "/apis") {
    bool core = path == "/api";
    if (wants_aggregated_discovery(accept)) {
      return send_json(response, 200, aggregated_discovery(catalog, core),
                       kAggregatedDiscoveryContentType);
    }
    return send_json(response, 200, core ? legacy_api_versions() : legacy_group_list(catalog));
  }
  if (path == "/openapi/v3") return send_json(response, 200, openapi_v3_root(catalog));
  if (path.starts_with("/openapi/v3/")) {
    std::optional<ResourcePath> gv = parse_resource_path(path.substr(11));
    Json document = gv && gv->plural.empty()
                        ? openapi_v3_group_version(catalog, gv->group, gv->version)
                        : Json();
    if (document.is_null()) return send_error(response, unknown_path(path));
    return send_json(response, 200, document);
  }

  std::optional<ResourcePath> target = parse_resource_path(path);
  if (!target) return send_error(response, unknown_path(path));
  if (target->plural.empty()) {
    Json list = legacy_resource_list(catalog, target->group, target->version);
    if (list.is_null()) return send_error(response, unknown_path(path));
    return send_json(response, 200, list);
  }
  const ResourceType* type = catalog.find(target->group, target->version, target->plural);
  if (type == nullptr || (!type->namespaced && !target->namespace_name.empty())) {
    return send_error(response, unknown_path(path));
  }
  bool watch = query(request, "watch") == "true" || query(request, "watch") == "1";
  AccessAttributes attributes{request_verb(request.method, *target, watch),
                              type->group,
                              type->plural,
                              target->subresource,
                              target->namespace_name,
                              target->name};
  if (!target->subresource.empty() && target->subresource != "status" &&
      target->subresource != "scale") {
    if (target->subresource == "proxy" && attributes.verb != "create") attributes.verb = "get";
  }
  if (type->kind != "SelfSubjectAccessReview") {
    AccessDecision decision = parts_.rbac.authorize(*user, attributes);
    if (!decision.allowed)
      return send_error(response, forbidden(forbidden_message(*user, attributes)));
  }
  if (std::optional<ApiFault> fault = parts_.faults.take(attributes)) {
    if (fault->latency.count() > 0) std::this_thread::sleep_for(fault->latency);
    if (fault->code >= 400) {
      ApiError error{fault->code,
                     fault->code == 500 ? "InternalError" : "ServiceUnavailable",
                     fault->message,
                     {}};
      if (fault->code == 429) error.reason = "TooManyRequests";
      if (fault->code == 409) error.reason = "Conflict";
      return send_error(response, error);
    }
  }

  ObjectService& objects = parts_.objects;
  const std::string& ns = target->namespace_name;
  const std::string& name = target->name;
  const std::string& verb = attributes.verb;
  auto reply = [&](const ApiResponse& result) {
    if (result.ok() && wants_table(accept) && (verb == "get" || verb == "list")) {
      std::vector<Json> items = verb == "list" ? result.body["items"].get<std::vector<Json>>()
                                               : std::vector<Json>{result.body};
      std::string rv = result.body["metadata"].value("resourceVersion", "");
      return send_json(response, result.code, table_of(*type, items, rv, parts_.clock.now()));
    }
    send_json(response, result.code, result.body);
  };

  // Subresources first.
  if (target->subresource == "log" && type->kind == "Pod") {
    ApiResponse pod = objects.get(*type, ns, name);
    if (!pod.ok()) return reply(pod);
    std::vector<std::string> containers;
    for (const Json& c : pod.body["spec"].value("containers", Json::array())) {
      containers.push_back(c.value("name", ""));
    }
    std::string container = query(request, "container");
    if (container.empty()) {
      if (containers.size() != 1) {
        std::string list;
        for (const std::string& c : containers) list += (list.empty() ? "" : " ") + c;
        return send_error(response, bad_request("a container name must be specified for pod " +
                                                name + ", choose one of: [" + list + "]"));
      }
      container = containers[0];
    }
    std::string tail = query(request, "tailLines");
    int tail_lines = tail.empty() ? -1 : std::atoi(tail.c_str());
    std::string follow = query(request, "follow");
    if (follow != "true" && follow != "1") {
      response.set_content(parts_.logs.read(ns, name, container, tail_lines), "text/plain");
      return;
    }
    // follow: what is there (or its tail), then new lines as they come, until the pod is gone.
    size_t total = parts_.logs.line_count(ns, name, container);
    auto next = std::make_shared<size_t>(
        tail_lines < 0 || static_cast<size_t>(tail_lines) >= total ? 0 : total - tail_lines);
    const ResourceType* pods = type;
    // `stream=follow` keeps httplib from gzip-buffering the body (as for watches).
    response.set_chunked_content_provider(
        "text/plain;stream=follow", [this, pods, ns, name, container, next](size_t, httplib::DataSink& sink) {
          while (!stopping_) {
            std::string lines = parts_.logs.read_from(
                ns, name, container, *next,
                std::chrono::steady_clock::now() + std::chrono::milliseconds(200));
            if (!lines.empty() && !sink.write(lines.data(), lines.size())) return false;
            if (!sink.is_writable()) return false;
            if (lines.empty() && !parts_.objects.get(*pods, ns, name).ok()) break;
          }
          sink.done();
          return true;
        });
    return;
  }
  if (target->subresource == "proxy" && type->kind == "Service") {
    std::string service_name = name.substr(0, name.find(':'));
    std::string port = name.find(':') == std::string::npos ? "" : name.substr(name.find(':') + 1);
    ApiResponse service = objects.get(*type, ns, service_name);
    if (!service.ok()) return reply(service);
    std::optional<std::string> backend = parts_.backends.find(ns, service_name, port);
    if (!backend) {
      return send_error(
          response,
          {503, "ServiceUnavailable", "no endpoints available for service \"" + name + "\"", {}});
    }
    httplib::Client client(*backend);
    client.set_connection_timeout(5);
    std::string forwarded = (target->rest.empty() ? "/" : target->rest);
    if (!request.params.empty()) {
      forwarded += "?" + httplib::detail::params_to_query_str(request.params);
    }
    httplib::Headers headers;
    for (const char* header : {"Content-Type", "Accept"}) {
      if (request.has_header(header)) headers.emplace(header, request.get_header_value(header));
    }
    httplib::Result result =
        request.method == "GET"      ? client.Get(forwarded, headers)
        : request.method == "DELETE" ? client.Delete(forwarded, headers)
        : request.method == "PUT"
            ? client.Put(forwarded, headers, request.body, request.get_header_value("Content-Type"))
        : request.method == "PATCH" ? client.Patch(forwarded, headers, request.body,
                                                   request.get_header_value("Content-Type"))
                                    : client.Post(forwarded, headers, request.body,
                                                  request.get_header_value("Content-Type"));
    if (!result) {
      return send_error(response,
                        {503,
                         "ServiceUnavailable",
                         "error trying to reach service: " + httplib::to_string(result.error()),
                         {}});
    }
    response.status = result->status;
    response.set_content(result->body, result->get_header_value("Content-Type"));
    return;
  }
  if (target->subresource == "token" && type->kind == "ServiceAccount") {
    if (request.method != "POST") return send_error(response, method_not_allowed("use POST"));
    ApiResponse account = objects.get(*type, ns, name);
    if (!account.ok()) return reply(account);
    std::string token = parts_.tokens.issue(service_account_user(ns, name));
    Result<Json> decoded = decode_body(request);
    Json body = decoded.is_ok() ? decoded.value() : Json::object();
    return send_json(
        response, 201,
        {{"kind", "TokenRequest"},
         {"apiVersion", "authentication.k8s.io/v1"},
         {"metadata", {{"name", name}, {"namespace", ns}}},
         {"spec", body.value("spec", Json::object())},
         {"status",
          {{"token", token},
           {"expirationTimestamp", format_rfc3339(parts_.clock.now() + std::chrono::hours(1))}}}});
  }
  if (target->subresource == "scale") {
    ApiResponse current = objects.get(*type, ns, name);
    if (!current.ok()) return reply(current);
    if (verb == "patch" || verb == "update") {
      Result<Json> body = decode_body(request);
      if (!body.is_ok()) return send_error(response, bad_request(body.status().message()));
      Json replicas = body.value().value("spec", Json::object()).value("replicas", Json());
      if (!replicas.is_number_integer()) {
        return send_error(response, bad_request("spec.replicas must be an integer"));
      }
      current =
          objects.patch(*type, ns, name, PatchType::kMerge, {{"spec", {{"replicas", replicas}}}});
      if (!current.ok()) return reply(current);
    }
    const Json& d = current.body;
    Json metadata = {{"name", name},
                     {"namespace", ns},
                     {"uid", d["metadata"].value("uid", "")},
                     {"resourceVersion", d["metadata"].value("resourceVersion", "")},
                     {"creationTimestamp", d["metadata"].value("creationTimestamp", "")}};
    return send_json(
        response, 200,
        {{"kind", "Scale"},
         {"apiVersion", "autoscaling/v1"},
         {"metadata", metadata},
         {"spec", {{"replicas", d["spec"].value("replicas", 1)}}},
         {"status", {{"replicas", d.value("status", Json::object()).value("replicas", 0)}}}});
  }
  if (!target->subresource.empty() && target->subresource != "status") {
    return send_error(response, unknown_path(path));
  }

  if (type->kind == "SelfSubjectAccessReview") {
    if (verb != "create") return send_error(response, method_not_allowed("only create is allowed"));
    Result<Json> body = decode_body(request);
    if (!body.is_ok()) return send_error(response, bad_request(body.status().message()));
    Json review = body.value();
    Json attrs = review.value("spec", Json::object()).value("resourceAttributes", Json::object());
    AccessAttributes asked{attrs.value("verb", ""),      attrs.value("group", ""),
                           attrs.value("resource", ""),  attrs.value("subresource", ""),
                           attrs.value("namespace", ""), attrs.value("name", "")};
    AccessDecision decision = parts_.rbac.authorize(*user, asked);
    review["apiVersion"] = type->api_version();
    review["kind"] = type->kind;
    review["status"] = {{"allowed", decision.allowed}};
    if (!decision.reason.empty()) review["status"]["reason"] = decision.reason;
    return send_json(response, 201, review);
  }

  if (verb == "get") return reply(objects.get(*type, ns, name));
  if (verb == "list" || verb == "watch") {
    ListOptions options{query(request, "labelSelector"), query(request, "fieldSelector"),
                        static_cast<size_t>(std::atoll(query(request, "limit").c_str())),
                        query(request, "continue")};
    if (verb == "list") return reply(objects.list(*type, ns, options));
    // Watch: validate selectors through a list, then stream events as JSON lines.
    ApiResponse initial =
        objects.list(*type, ns, {options.label_selector, options.field_selector, 0, ""});
    if (!initial.ok()) return reply(initial);
    std::string since_text = query(request, "resourceVersion");
    uint64_t since = std::strtoull(since_text.c_str(), nullptr, 10);
    std::vector<Json> replay;
    if (since_text.empty() || since_text == "0") {
      since = std::stoull(initial.body["metadata"]["resourceVersion"].get<std::string>());
      replay = initial.body["items"].get<std::vector<Json>>();
    }
    long timeout = std::atol(query(request, "timeoutSeconds").c_str());
    auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(timeout > 0 ? timeout : 1800);
    bool as_table = wants_table(accept);
    auto labels =
        std::make_shared<LabelSelector>(LabelSelector::parse(options.label_selector).value());
    auto fields =
        std::make_shared<FieldSelector>(FieldSelector::parse(options.field_selector).value());
    auto cursor = std::make_shared<uint64_t>(since);
    auto pending = std::make_shared<std::vector<Json>>(std::move(replay));
    const ResourceType* resource = type;
    std::string watch_ns = ns;
    // The `stream=watch` parameter also keeps httplib from gzip-buffering the stream (it only
    // compresses plain application/json), so each event reaches the client at once.
    response.set_chunked_content_provider("application/json;stream=watch", [this, resource,
                                                                            watch_ns, as_table,
                                                                            labels, fields, cursor,
                                                                            pending, deadline](
                                                                               size_t,
                                                                               httplib::DataSink&
                                                                                   sink) {
      for (const Json& object : *pending) {
        std::string line = watch_line("ADDED", object, *resource, as_table, parts_.clock.now());
        sink.write(line.data(), line.size());
      }
      pending->clear();
      auto accept_event = [&](const WatchEvent& event) {
        if (event.resource != resource) return false;
        if (!watch_ns.empty() && event.namespace_name != watch_ns) return false;
        const Json& metadata = event.object["metadata"];
        return labels->matches(metadata.contains("labels") ? metadata["labels"] : Json()) &&
               fields->matches(event.object);
      };
      while (!stopping_) {
        auto slice = std::min(deadline, std::chrono::steady_clock::now() + std::chrono::seconds(1));
        auto events = parts_.objects.store().wait_events(*cursor, slice, accept_event);
        if (!events) {
          ApiError gone{410, "Expired", "too old resource version: " + std::to_string(*cursor), {}};
          std::string line = Json{{"type", "ERROR"}, {"object", gone.to_status()}}.dump() + "\n";
          sink.write(line.data(), line.size());
          break;
        }
        for (const WatchEvent& event : *events) {
          std::string line = watch_line(event_type_name(event.type), event.object, *resource,
                                        as_table, parts_.clock.now());
          if (!sink.write(line.data(), line.size())) return false;
          *cursor = event.resource_version;
        }
        if (events->empty()) *cursor = std::max(*cursor, parts_.objects.store().resource_version());
        if (std::chrono::steady_clock::now() >= deadline) break;
        if (!sink.is_writable()) return false;
      }
      sink.done();
      return true;
    });
    return;
  }

  Result<Json> body = Json::object();
  if (verb == "create" || verb == "update" || verb == "patch") {
    body = decode_body(request);
    if (!body.is_ok()) {
      if (body.status().code() == StatusCode::kFailedPrecondition) {
        return send_error(response, unsupported_media_type(body.status().message()));
      }
      return send_error(response, bad_request(body.status().message()));
    }
    const Json& object = body.value();
    if (verb != "patch" && object.is_object() && object.contains("kind") &&
        object["kind"] != type->kind) {
      return send_error(response,
                        bad_request("the kind in the data (" + object["kind"].get<std::string>() +
                                    ") does not match the resource (" + type->kind + ")"));
    }
  }
  // dryRun=All: the request is checked and answered as if done, and nothing is stored.
  std::string dry_run_param = query(request, "dryRun");
  if (!dry_run_param.empty() && dry_run_param != "All") {
    return send_error(response, bad_request("unsupported dry run option \"" + dry_run_param +
                                            "\"; supported values: All"));
  }
  bool dry_run = dry_run_param == "All";
  if (verb == "create") {
    if (type->namespaced && ns.empty())
      return send_error(response, method_not_allowed("create needs a namespace"));
    return reply(objects.create(*type, ns, body.value(), dry_run));
  }
  if (verb == "update") {
    if (target->subresource == "status")
      return reply(objects.replace_status(*type, ns, name, body.value()));
    return reply(objects.replace(*type, ns, name, body.value(), dry_run));
  }
  if (verb == "patch") {
    std::optional<PatchType> patch_type =
        patch_type_from_content_type(request.get_header_value("Content-Type"));
    if (!patch_type) {
      return send_error(response, unsupported_media_type(
                                      "the body of the request was in an unknown format - accepted "
                                      "media types include: application/json-patch+json, "
                                      "application/merge-patch+json, "
                                      "application/apply-patch+yaml"));
    }
    return reply(
        objects.patch(*type, ns, name, *patch_type, body.value(), target->subresource, dry_run));
  }
  if (verb == "delete") return reply(objects.remove(*type, ns, name, dry_run));
  if (verb == "deletecollection") {
    ApiResponse listed = objects.list(
        *type, ns, {query(request, "labelSelector"), query(request, "fieldSelector"), 0, ""});
    if (!listed.ok()) return reply(listed);
    for (const Json& item : listed.body["items"]) {
      objects.remove(*type, item["metadata"].value("namespace", ""), item["metadata"]["name"]);
    }
    return reply(listed);
  }
  send_error(response,
             method_not_allowed("the server does not allow this method on the requested resource"));
}

}  // namespace pd::fake_k8s
