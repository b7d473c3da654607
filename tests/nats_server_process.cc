#include "tests/nats_server_process.h"

namespace pd::testing {

NatsServerProcess::NatsServerProcess() : port_(free_loopback_port()) {}

void NatsServerProcess::join_cluster(const std::string& name, int cluster_port,
                                     const std::vector<int>& route_ports) {
  std::string routes;
  for (int port : route_ports) routes += (routes.empty() ? "" : ",") + std::string("nats://127.0.0.1:") + std::to_string(port);
  cluster_args_ = " --server_name " + name + " --cluster_name pd-test --cluster nats://127.0.0.1:" +
                  std::to_string(cluster_port) + " --routes " + routes;
}

bool NatsServerProcess::start() {
  ++starts_;
  process_ = std::make_unique<BackgroundCommand>(
      "nats-server -js -a 127.0.0.1 -p " + std::to_string(port_) + " -sd " +
          shell_quote((dir_.path() / "store").string()) + cluster_args_ + extra_args_,
      dir_.path() / ("server-" + std::to_string(starts_) + ".log"));
  return process_->wait_for_port(port_);
}

void NatsServerProcess::stop(int signal) {
  if (process_) process_->stop(signal);
}

std::string NatsServerProcess::log() const { return process_ ? process_->log() : ""; }

}  // namespace pd::testing
