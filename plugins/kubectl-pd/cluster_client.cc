#include "plugins/kubectl-pd/cluster_client.h"

#include "engine/util/duration.h"
#include "engine/util/environment.h"

namespace pd::kubectl_pd {

Result<ClusterConnection> connect_to_cluster(const GlobalOptions& globals, Io& io) {
  std::map<std::string, std::string> env = process_environment();
  RealFileSystem fs;
  Result<kube::RestConfig> config = kube::load_rest_config(
      {globals.kubeconfig, globals.context, globals.cluster, globals.user, globals.namespace_name},
      env, fs);
  if (!config.is_ok()) return config.status();
  kube::RestClientOptions options;
  options.env = env;
  options.warn = [&io](const std::string& message) { io.err << message << "\n"; };
  if (globals.verbosity >= 6) {
    options.trace = [&io](const std::string& method, const std::string& url, int status, long ms) {
      io.err << method << " " << url << " " << status << " in " << ms << " milliseconds\n";
    };
  }
  if (!globals.request_timeout.empty() && globals.request_timeout != "0") {
    std::optional<Duration> timeout = parse_duration(globals.request_timeout);
    if (!timeout) {
      return invalid_argument("invalid --request-timeout \"" + globals.request_timeout +
                              "\": use a duration such as 30s or 1m");
    }
    options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(timeout->value);
  }
  ClusterConnection connection;
  connection.transport = std::make_unique<NetworkHttpTransport>(ProxySettings::from_env(env));
  Result<std::unique_ptr<kube::RestClient>> client =
      kube::RestClient::create(config.value(), *connection.transport, options);
  if (!client.is_ok()) return client.status();
  connection.client = std::move(client).value();
  connection.namespace_from_flag = !globals.namespace_name.empty();
  return connection;
}

}  // namespace pd::kubectl_pd
