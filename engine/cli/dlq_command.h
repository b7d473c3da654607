// `pd-engine dlq list|replay --subject S.dlq [--to S] [--limit N] [--nats-url URL]`: inspect
// and re-publish dead letters (see engine/server/dead_letters.h). Credentials as for serve:
// NATS_TOKEN, or NATS_USER + NATS_PASSWORD, or NATS_CREDS (a file) in the environment.
#pragma once

#include <ostream>
#include <string>

namespace pd::engine {

struct DlqOptions {
  std::string action;  // list | replay
  std::string subject;
  std::string to;
  size_t limit = 100;
  std::string nats_url = "nats://127.0.0.1:4222";
  std::string output;  // "" (table) or json
};

int run_dlq_command(const DlqOptions& options, std::ostream& out, std::ostream& err);

}  // namespace pd::engine
