// Dead letters: a message that failed its last delivery attempt (or can never succeed: bad JSON,
// schema violation) is published, unchanged, to the dead-letter subject with headers saying why —
// Pd-Error, Pd-Attempts, Pd-Original-Subject, Pd-Stream-Sequence, Pd-Workflow, Pd-Trigger — into a
// stream that keeps it (an existing stream capturing the subject, else PD_DLQ_<subject>). They are
// listed and re-published by `pd-engine dlq list|replay`.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/nats/nats_client.h"

namespace pd::server {

struct DeadLetterReason {
  std::string error;
  uint64_t attempts = 1;
  std::string original_subject;
  uint64_t stream_sequence = 0;  // 0 for core NATS messages
  std::string workflow;
  std::string trigger;
};

// `{subject}.dlq`; for a wildcard subject (which cannot take a suffix, and would capture its own
// dead letters) `dlq.` + the subject without its wildcard tokens: orders.> → dlq.orders.
std::string default_dead_letter_subject(const std::string& subject);

// The message as it goes to the dead-letter subject: the original payload and headers plus Pd-*.
nats::Message dead_letter_message(const nats::Message& original, const std::string& dlq_subject,
                                  const DeadLetterReason& reason);

// The stream that stores `subject`, created as PD_DLQ_<subject> when none captures it yet.
Result<std::string> ensure_dead_letter_stream(nats::NatsClient& client, const std::string& subject);

struct StoredLetter {
  uint64_t sequence = 0;
  std::string time;  // RFC 3339
  nats::Message message;
};

// Up to `limit` dead letters on `subject`, oldest first.
Result<std::vector<StoredLetter>> list_dead_letters(nats::NatsClient& client,
                                                    const std::string& subject, size_t limit);
// Re-publishes up to `limit` of them (without the Pd-* headers) to `to`, or to each one's
// Pd-Original-Subject when `to` is empty, through JetStream; each is removed from the
// dead-letter stream once the publish is acknowledged. Returns how many were replayed.
Result<size_t> replay_dead_letters(nats::NatsClient& client, const std::string& subject,
                                   const std::string& to, size_t limit);

}  // namespace pd::server
