#include "engine/cli/dlq_command.h"

#include <nlohmann/json.hpp>

#include "engine/server/dead_letters.h"
#include "engine/util/environment.h"

namespace pd::engine {

int run_dlq_command(const DlqOptions& options, std::ostream& out, std::ostream& err) {
  std::map<std::string, std::string> env = process_environment();
  nats::ConnectSettings settings;
  settings.urls = {options.nats_url};
  settings.name = "pd-engine-dlq";
  settings.token = env["NATS_TOKEN"];
  settings.user = env["NATS_USER"];
  settings.password = env["NATS_PASSWORD"];
  settings.creds_file = env["NATS_CREDS"];
  Result<std::unique_ptr<nats::NatsClient>> client = nats::NatsClient::connect(settings);
  if (!client.is_ok()) {
    err << "error: " << client.status().message() << "\n";
    return 1;
  }
  if (!client.value()->wait_connected(std::chrono::seconds(5))) {
    err << "error: cannot connect to NATS at " << options.nats_url << "\n";
    return 1;
  }
  if (options.action == "replay") {
    Result<size_t> replayed =
        server::replay_dead_letters(*client.value(), options.subject, options.to, options.limit);
    if (!replayed.is_ok()) {
      err << "error: " << replayed.status().message() << "\n";
      return 1;
    }
    out << "replayed " << replayed.value() << " message(s) from " << options.subject << "\n";
    return 0;
  }
  Result<std::vector<server::StoredLetter>> letters =
      server::list_dead_letters(*client.value(), options.subject, options.limit);
  if (!letters.is_ok()) {
    err << "error: " << letters.status().message() << "\n";
    return 1;
  }
  if (options.output == "json") {
    nlohmann::json list = nlohmann::json::array();
    for (const server::StoredLetter& letter : letters.value()) {
      nlohmann::json headers = nlohmann::json::object();
      for (const auto& [k, v] : letter.message.headers) headers[k] = v;
      list.push_back({{"sequence", letter.sequence}, {"time", letter.time},
                      {"headers", headers}, {"data", letter.message.data}});
    }
    out << list.dump(2) << "\n";
    return 0;
  }
  if (letters.value().empty()) {
    out << "No dead letters on " << options.subject << ".\n";
    return 0;
  }
  out << "SEQ\tTIME\tATTEMPTS\tORIGINAL-SUBJECT\tERROR\n";
  for (const server::StoredLetter& letter : letters.value()) {
    out << letter.sequence << "\t" << letter.time << "\t" << letter.message.header("Pd-Attempts")
        << "\t" << letter.message.header("Pd-Original-Subject") << "\t"
        << letter.message.header("Pd-Error") << "\n";
  }
  return 0;
}

}  // namespace pd::engine
