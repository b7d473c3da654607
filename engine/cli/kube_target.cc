#include "engine/cli/kube_target.h"

#include "engine/util/file_system.h"
#include "plugins/kube/kubeconfig.h"

namespace pd::engine {

std::optional<exec::KubeTarget> kube_target_from_kubeconfig(const std::string& kubeconfig,
                                                            const std::string& context,
                                                            const std::map<std::string, std::string>& env,
                                                            std::ostream& err) {
  if (env.count("KUBERNETES_SERVICE_HOST")) return std::nullopt;
  RealFileSystem fs;
  Result<kube::RestConfig> config = kube::load_rest_config({.kubeconfig = kubeconfig, .context = context}, env, fs);
  if (!config.is_ok()) {
    if (!kubeconfig.empty() || !context.empty()) {
      err << "warning: ctx.k8s is unavailable: " << config.status().message() << "\n";
    }
    return std::nullopt;
  }
  if (config.value().token.empty()) {
    err << "warning: ctx.k8s outside a pod needs token auth in the kubeconfig (context \""
        << config.value().context_name << "\" uses another kind)\n";
    return std::nullopt;
  }
  return exec::KubeTarget{config.value().server, config.value().token, config.value().ca_pem,
                          config.value().namespace_name};
}

}  // namespace pd::engine
