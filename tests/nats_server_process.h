// Test helper: a real `nats-server -js` on a free loopback port with its own store folder, which
// tests can stop (SIGTERM or kill -9) and start again on the same port and store.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/util/temp_dir.h"
#include "tests/run_command.h"

namespace pd::testing {

class NatsServerProcess {
 public:
  NatsServerProcess();
  // Extra nats-server flags for the next start(), e.g. "--auth TOKEN".
  void add_args(const std::string& args) { extra_args_ += " " + args; }
  // A member of a JetStream cluster: `name`, its cluster port, and the other members' routes.
  void join_cluster(const std::string& name, int cluster_port, const std::vector<int>& route_ports);
  // Starts (again); false when it did not come up (see log()).
  bool start();
  void stop(int signal = 15);
  int port() const { return port_; }
  // The running server's process id; -1 when stopped.
  pid_t pid() const { return process_ ? process_->pid() : -1; }
  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }
  std::string log() const;

 private:
  TempDir dir_{"pd-nats-server"};
  int port_;
  std::unique_ptr<BackgroundCommand> process_;
  int starts_ = 0;
  std::string cluster_args_;
  std::string extra_args_;
};

}  // namespace pd::testing
