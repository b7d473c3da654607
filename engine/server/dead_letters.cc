#include "engine/server/dead_letters.h"

#include <cctype>
#include <set>

#include "engine/util/clock.h"

namespace pd::server {
namespace {

bool is_pd_header(const std::string& name) {
  return name.size() > 3 && (name[0] == 'P' || name[0] == 'p') &&
         (name[1] == 'D' || name[1] == 'd') && name[2] == '-';
}

std::string stream_name_for(const std::string& subject) {
  std::string name = "PD_DLQ_";
  for (char c : subject) {
    name += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  }
  return name;
}

}  // namespace

std::string default_dead_letter_subject(const std::string& subject) {
  if (subject.find('*') == std::string::npos && subject.find('>') == std::string::npos) {
    return subject + ".dlq";
  }
  std::string out = "dlq";
  size_t begin = 0;
  while (begin <= subject.size()) {
    size_t dot = subject.find('.', begin);
    std::string token =
        subject.substr(begin, dot == std::string::npos ? std::string::npos : dot - begin);
    if (token != "*" && token != ">" && !token.empty()) out += "." + token;
    if (dot == std::string::npos) break;
    begin = dot + 1;
  }
  return out;
}

nats::Message dead_letter_message(const nats::Message& original, const std::string& dlq_subject,
                                  const DeadLetterReason& reason) {
  nats::Message out;
  out.subject = dlq_subject;
  out.data = original.data;
  for (const auto& [key, value] : original.headers) {
    if (!is_pd_header(key) && key != "Nats-Msg-Id") out.headers.emplace_back(key, value);
  }
  // Header values are single lines.
  std::string error = reason.error;
  for (char& c : error) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  if (error.size() > 1024) error = error.substr(0, 1024) + "…";
  out.headers.emplace_back("Pd-Error", error);
  out.headers.emplace_back("Pd-Attempts", std::to_string(reason.attempts));
  out.headers.emplace_back("Pd-Original-Subject", reason.original_subject);
  if (reason.stream_sequence > 0) {
    out.headers.emplace_back("Pd-Stream-Sequence", std::to_string(reason.stream_sequence));
  }
  out.headers.emplace_back("Pd-Workflow", reason.workflow);
  out.headers.emplace_back("Pd-Trigger", reason.trigger);
  out.headers.emplace_back("Pd-Failed-At", format_rfc3339(std::chrono::system_clock::now()));
  return out;
}

Result<std::string> ensure_dead_letter_stream(nats::NatsClient& client,
                                              const std::string& subject) {
  Result<std::string> existing = client.stream_for_subject(subject);
  if (existing.is_ok() || existing.status().code() != StatusCode::kNotFound) return existing;
  std::string name = stream_name_for(subject);
  if (Status made = client.ensure_stream(name, {subject}); !made.is_ok()) return made;
  return name;
}

namespace {

// The letters on `subject` kept in `stream`, oldest first.
Result<std::vector<StoredLetter>> letters_in(nats::NatsClient& client, const std::string& stream,
                                             const std::string& subject, size_t limit) {
  Result<nats::StreamRange> range = client.stream_range(stream);
  if (!range.is_ok()) return range.status();
  std::vector<StoredLetter> out;
  if (range.value().messages == 0) return out;
  for (uint64_t seq = range.value().first; seq <= range.value().last && out.size() < limit; ++seq) {
    Result<std::optional<nats::StoredMessage>> stored = client.stored_message(stream, seq);
    if (!stored.is_ok()) return stored.status();
    if (!stored.value() || stored.value()->message.subject != subject) continue;
    out.push_back({seq, format_rfc3339(stored.value()->time), std::move(stored.value()->message)});
  }
  return out;
}

}  // namespace

Result<std::vector<StoredLetter>> list_dead_letters(nats::NatsClient& client,
                                                    const std::string& subject, size_t limit) {
  Result<std::string> stream = client.stream_for_subject(subject);
  if (!stream.is_ok()) {
    if (stream.status().code() == StatusCode::kNotFound) return std::vector<StoredLetter>();
    return stream.status();
  }
  return letters_in(client, stream.value(), subject, limit);
}

Result<size_t> replay_dead_letters(nats::NatsClient& client, const std::string& subject,
                                   const std::string& to, size_t limit) {
  Result<std::string> stream = client.stream_for_subject(subject);
  if (!stream.is_ok())
    return stream.status().code() == StatusCode::kNotFound ? Result<size_t>(size_t{0})
                                                           : Result<size_t>(stream.status());
  Result<std::vector<StoredLetter>> letters = letters_in(client, stream.value(), subject, limit);
  if (!letters.is_ok()) return letters.status();
  size_t replayed = 0;
  std::set<std::string> checked_subjects;
  for (const StoredLetter& letter : letters.value()) {
    nats::Message message;
    message.subject = !to.empty() ? to : letter.message.header("Pd-Original-Subject");
    if (message.subject.empty()) {
      return invalid_argument("dead letter " + std::to_string(letter.sequence) +
                              " has no Pd-Original-Subject header; pass --to SUBJECT");
    }
    // Replays are published durably; to a subject no stream stores, that fails for every letter:
    // say so once, naming the fix, while the letters stay where they are.
    if (!checked_subjects.count(message.subject)) {
      Result<std::string> target = client.stream_for_subject(message.subject);
      if (!target.is_ok() && target.status().code() == StatusCode::kNotFound) {
        return Status(StatusCode::kFailedPrecondition,
                      "no JetStream stream stores subject " + message.subject +
                          ", so a replay could not be acknowledged; the dead letters stay in " +
                          subject + " (create a stream for it, or pass --to a subject one stores)");
      }
      checked_subjects.insert(message.subject);
    }
    message.data = letter.message.data;
    for (const auto& [key, value] : letter.message.headers) {
      if (!is_pd_header(key)) message.headers.emplace_back(key, value);
    }
    // The id makes a replay that is interrupted and repeated publish each letter once.
    std::string id = "pd-replay-" + stream.value() + "-" + std::to_string(letter.sequence);
    Result<nats::PublishAck> ack = client.publish_durably(message, id, std::chrono::seconds(5));
    if (!ack.is_ok()) return ack.status();
    if (Status removed = client.delete_stored(stream.value(), letter.sequence); !removed.is_ok()) {
      return removed;
    }
    ++replayed;
  }
  return replayed;
}

}  // namespace pd::server
