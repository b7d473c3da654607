#include "tests/nats_server_process.h"

namespace pd::testing {

NatsServerProcess::NatsServerProcess() : port_(free_loopback_port()) {}

bool NatsServerProcess::start() {
  ++starts_;
  process_ = std::make_unique<BackgroundCommand>(
      "nats-server -js -a 127.0.0.1 -p " + std::to_string(port_) + " -sd " +
          shell_quote((dir_.path() / "store").string()),
      dir_.path() / ("server-" + std::to_string(starts_) + ".log"));
  return process_->wait_for_port(port_);
}

void NatsServerProcess::stop(int signal) {
  if (process_) process_->stop(signal);
}

std::string NatsServerProcess::log() const { return process_ ? process_->log() : ""; }

}  // namespace pd::testing
