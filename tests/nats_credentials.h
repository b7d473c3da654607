// NATS decentralized auth for tests, made at run time: an operator, its system account and one
// account, a user of that account, and what nats-server and a client need to use them (a server
// configuration in operator mode and a user creds file). Keys are Ed25519 nkeys and the JWTs
// are signed with them through OpenSSL, as `nsc` would make them; nsc is not on this machine.
#pragma once

#include <string>

namespace pd::testing {

struct NatsCredentials {
  std::string server_config;  // operator, system account, memory resolver with both accounts
  std::string user_creds;     // the user's JWT and nkey seed, in the creds file layout
  std::string user_seed;      // "SU…": what must never be logged
};

// Fresh keys each call. The account may use JetStream without limits.
NatsCredentials make_nats_credentials();

}  // namespace pd::testing
