// Queue triggers against a real `nats-server -js` on a loopback port and real V8 nodes:
// at-least-once JetStream delivery with acks, retries with backoff then a dead letter carrying
// why, messages that go straight to the dead-letter subject, payload passthrough and ctx.trigger,
// max_in_flight, the token-bucket rate on a manual clock, core request-reply, the webhook gateway
// publishing through JetStream, dead-letter replay, and several triggers stopping within one
// grace period.
#include "engine/server/queue_consumer.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <mutex>
#include <thread>

#include "engine/exec/test_runtime_options.h"
#include "engine/server/dead_letters.h"
#include "engine/server/engine_server.h"
#include "engine/server/nats_triggers.h"
#include "engine/spec/test_workflow_dir.h"
#include "engine/util/crypto_hash.h"
#include "tests/eventually.h"
#include "tests/nats_server_process.h"

namespace pd::server {
namespace {

using pd::testing::eventually;

using Json = nlohmann::json;

js::V8Platform& platform() {
  static js::V8Platform* instance = new js::V8Platform();  // V8 cannot re-initialize
  return *instance;
}

class QueueConsumerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(nats_server_.start()) << nats_server_.log();
    nats::ConnectSettings settings;
    settings.urls = {nats_server_.url()};
    auto client = nats::NatsClient::connect(settings);
    ASSERT_TRUE(client.is_ok()) << client.status().message();
    client_ = std::move(client).value();
    ASSERT_TRUE(client_->wait_connected(std::chrono::seconds(5)));
    dir_.write(
        "nodes/work.ts",
        "let running = 0;\n"
        "export default async (ctx: any, input: any) => {\n"
        "  running++;\n"
        "  try {\n"
        "    if (input?.fail) throw new Error('asked to fail: ' + input.fail);\n"
        "    if (input?.sleep) await new Promise((r) => setTimeout(r, input.sleep));\n"
        "    const kind = input instanceof Uint8Array ? `bytes:${input.length}` : typeof input;\n"
        "    return { kind, input: input instanceof Uint8Array ? null : input, trigger: "
        "ctx.trigger };\n"
        "  } finally { running--; }\n"
        "};\n");
  }
  void TearDown() override {
    consumer_.reset();
    runtime_.reset();
  }
  // Opens the workflow with one queue trigger whose settings are `trigger_yaml`.
  void open(const std::string& trigger_yaml, const Clock* clock = nullptr,
            std::chrono::milliseconds fetch_wait = std::chrono::milliseconds(100)) {
    dir_.write("workflow.yaml",
               "name: orders\nversion: \"1.0\"\ntriggers:\n  - type: queue\n    name: incoming\n" +
                   trigger_yaml + "nodes:\n  work: {path: nodes/work.ts}\n");
    exec::WorkflowRuntimeOptions options = exec::testing::isolated_runtime_options(dir_.path());
    auto runtime = exec::WorkflowRuntime::open(platform(), options);
    ASSERT_TRUE(runtime.is_ok()) << runtime.status().message();
    runtime_ = std::move(runtime).value();
    QueueConsumerOptions consumer_options;
    consumer_options.clock = clock;
    consumer_options.fetch_wait = fetch_wait;
    consumer_ = std::make_unique<QueueConsumer>(*runtime_, *client_, metrics_,
                                                runtime_->workflow().triggers[0], consumer_options);
    Status started = consumer_->start();
    ASSERT_TRUE(started.is_ok()) << started.message();
  }
  // The workflow in dir_, with config nats_url naming the test's server (for NatsTriggers).
  Result<std::unique_ptr<exec::WorkflowRuntime>> open_with_nats_url() {
    exec::WorkflowRuntimeOptions options = exec::testing::isolated_runtime_options(dir_.path());
    options.config_overlay = {{"nats_url", nats_server_.url()}};
    return exec::WorkflowRuntime::open(platform(), options);
  }
  void publish(const std::string& subject, const std::string& data,
               nats::MessageHeaders headers = {}) {
    Result<nats::PublishAck> ack = client_->publish_durably({subject, data, std::move(headers), ""},
                                                            "", std::chrono::seconds(5));
    ASSERT_TRUE(ack.is_ok()) << ack.status().message();
  }
  long count(const std::string& kind) const { return metrics_.counter(kind, "incoming"); }
  // Runs `messages` executions that sleep `sleep_ms` each under `max_in_flight`; the most that
  // were in flight at once.
  int most_in_flight(int max_in_flight, int messages, int sleep_ms) {
    open("    subject: orders.new\n    max_in_flight: " + std::to_string(max_in_flight) +
         "\n    jetstream: {stream: ORDERS}\n");
    std::string payload = "{\"sleep\": " + std::to_string(sleep_ms) + "}";
    for (int i = 0; i < messages; ++i) publish("orders.new", payload);
    int most = 0;
    EXPECT_TRUE(eventually([&] {
      most = std::max(most, consumer_->in_flight());
      return count("success") == messages;
    }));
    return most;
  }

  testing::NatsServerProcess nats_server_;
  std::unique_ptr<nats::NatsClient> client_;
  spec::testing::TestWorkflowDir dir_;
  Metrics metrics_;
  std::unique_ptr<exec::WorkflowRuntime> runtime_;
  std::unique_ptr<QueueConsumer> consumer_;
};

TEST_F(QueueConsumerTest, JetStreamRunsEveryMessageAndAcksIt) {
  open("    subject: orders.new\n    jetstream: {stream: ORDERS, durable: orders}\n");
  for (int i = 0; i < 200; ++i) publish("orders.new", Json{{"n", i}}.dump());
  ASSERT_TRUE(eventually([&] { return count("success") == 200; })) << count("success");
  // All acknowledged: a second consumer on the same durable gets nothing.
  consumer_.reset();
  Result<std::unique_ptr<nats::PullConsumer>> again = nats::PullConsumer::open(
      *client_,
      {"ORDERS", "orders", "orders.new", std::chrono::seconds(30), 5, "all", std::nullopt, 1000});
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_TRUE(again.value()->fetch(10, std::chrono::milliseconds(300)).value().empty());
  EXPECT_EQ(count("redelivered"), 0);
}

TEST_F(QueueConsumerTest, AMessageToAnIdleConsumerRunsWithoutWaitingOutTheFetch) {
  // A fetch waits up to fetch_wait for messages; one message must not wait for a batch to fill.
  open("    subject: orders.new\n    jetstream: {stream: ORDERS}\n", nullptr,
       std::chrono::seconds(3));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the pullers are waiting
  for (int i = 0; i < 3; ++i) {
    auto published = std::chrono::steady_clock::now();
    publish("orders.new", Json{{"n", i}}.dump());
    ASSERT_TRUE(eventually([&] { return count("success") == i + 1; }, std::chrono::seconds(8)));
    EXPECT_LT(std::chrono::steady_clock::now() - published, std::chrono::milliseconds(1500)) << i;
  }
}

TEST_F(QueueConsumerTest, FailuresAreRetriedWithBackoffThenDeadLetteredWithTheReason) {
  open(
      "    subject: orders.new\n    jetstream: {stream: ORDERS, max_deliver: 3, backoff: [50ms, "
      "100ms]}\n");
  publish("orders.new", R"({"fail": "bad card"})",
          {{"Content-Type", "application/json"}, {"X-Order", "17"}});
  ASSERT_TRUE(eventually([&] { return count("dead_lettered") == 1; }));
  EXPECT_EQ(count("failure"), 3);
  EXPECT_EQ(count("redelivered"), 2);
  Result<std::vector<StoredLetter>> letters = list_dead_letters(*client_, "orders.new.dlq", 10);
  ASSERT_TRUE(letters.is_ok()) << letters.status().message();
  ASSERT_EQ(letters.value().size(), 1u);
  const nats::Message& letter = letters.value()[0].message;
  EXPECT_EQ(letter.data, R"({"fail": "bad card"})");  // the original payload, unchanged
  EXPECT_EQ(letter.header("X-Order"), "17");
  EXPECT_EQ(letter.header("Pd-Attempts"), "3");
  EXPECT_EQ(letter.header("Pd-Original-Subject"), "orders.new");
  EXPECT_EQ(letter.header("Pd-Stream-Sequence"), "1");
  EXPECT_EQ(letter.header("Pd-Workflow"), "orders");
  EXPECT_NE(letter.header("Pd-Error").find("asked to fail: bad card"), std::string::npos)
      << letter.header("Pd-Error");

  // Replayed after "fixing" it: to a subject of our choice, and gone from the dead letters.
  ASSERT_TRUE(client_->ensure_stream("REPLAYED", {"orders.replayed"}).is_ok());
  Result<size_t> replayed = replay_dead_letters(*client_, "orders.new.dlq", "orders.replayed", 10);
  ASSERT_TRUE(replayed.is_ok()) << replayed.status().message();
  EXPECT_EQ(replayed.value(), 1u);
  EXPECT_TRUE(list_dead_letters(*client_, "orders.new.dlq", 10).value().empty());
  auto stored = client_->stored_message("REPLAYED", 1);
  ASSERT_TRUE(stored.is_ok() && stored.value());
  EXPECT_EQ(stored.value()->message.header("X-Order"), "17");
  EXPECT_EQ(stored.value()->message.header("Pd-Error"), "");
}

TEST_F(QueueConsumerTest, AMessageWhoseLastAttemptNeverFinishedIsDeadLetteredNotRunAgain) {
  // An engine took it on its only attempt and died: fetched, never acked.
  ASSERT_TRUE(client_->ensure_stream("ORDERS", {"orders.new"}).is_ok());
  publish("orders.new", R"({"id": 7})", {{"Content-Type", "application/json"}});
  {
    auto crashed = nats::PullConsumer::open(
        *client_,
        {"ORDERS", "orders", "orders.new", std::chrono::seconds(1), 1, "all", std::nullopt, 1000});
    ASSERT_TRUE(crashed.is_ok()) << crashed.status().message();
    auto taken = crashed.value()->fetch(1, std::chrono::seconds(5));
    ASSERT_TRUE(taken.is_ok() && taken.value().size() == 1u);
  }
  open("    subject: orders.new\n    jetstream: {stream: ORDERS, max_deliver: 1, ack_wait: 1s}\n");
  ASSERT_TRUE(eventually([&] { return count("dead_lettered") == 1; }));
  EXPECT_EQ(count("success") + count("failure"), 0);  // not run a second time
  auto letters = list_dead_letters(*client_, "orders.new.dlq", 10).value();
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].message.data, R"({"id": 7})");
  EXPECT_EQ(letters[0].message.header("Pd-Attempts"), "2");
  EXPECT_EQ(letters[0].message.header("Pd-Error"),
            "delivered 2 times (max_deliver 1); an earlier attempt never finished");
}

TEST_F(QueueConsumerTest, BadJsonAndSchemaViolationsGoStraightToTheDeadLetterSubject) {
  dir_.write("schemas/order.json", R"({"type": "object", "required": ["id"]})");
  open(
      "    subject: orders.new\n    schema: schemas/order.json\n    dead_letter: orders.rejected\n"
      "    jetstream: {stream: ORDERS, max_deliver: 5}\n");
  publish("orders.new", "{not json", {{"Content-Type", "application/json"}});
  publish("orders.new", R"({"no_id": true})", {{"Content-Type", "application/json"}});
  publish("orders.new", R"({"id": 1})", {{"Content-Type", "application/json"}});
  ASSERT_TRUE(eventually([&] { return count("dead_lettered") == 2 && count("success") == 1; }));
  auto letters = list_dead_letters(*client_, "orders.rejected", 10).value();
  ASSERT_EQ(letters.size(), 2u);
  // Both are handled concurrently, so either may reach the dead-letter stream first.
  if (letters[0].message.data != "{not json") std::swap(letters[0], letters[1]);
  EXPECT_EQ(letters[0].message.header("Pd-Attempts"), "1");  // no retries
  EXPECT_NE(letters[0].message.header("Pd-Error").find("not valid JSON"), std::string::npos);
  EXPECT_EQ(letters[1].message.header("Pd-Error"), "schema schemas/order.json: $.id: is required");
  EXPECT_EQ(count("failure"), 0);
}

TEST_F(QueueConsumerTest, PayloadsCheckedAgainstASchemaKeepTheSendersKeyOrder) {
  dir_.write("schemas/order.json", R"({"type": "object", "required": ["id"]})");
  open("    subject: orders.new\n    schema: schemas/order.json\n");  // core: request-reply
  Result<nats::Message> reply = client_->request(
      {"orders.new", R"({"zeta": 1, "id": 2})", {{"Content-Type", "application/json"}}, ""},
      std::chrono::seconds(10));
  ASSERT_TRUE(reply.is_ok()) << reply.status().message();
  EXPECT_NE(reply.value().data.find("\"input\": {\n        \"zeta\": 1,\n        \"id\": 2\n"),
            std::string::npos)
      << reply.value().data;
}

TEST_F(QueueConsumerTest, ContentTypeDecidesTheInputAndCtxTriggerCarriesTheMessage) {
  open("    subject: orders.>\n");  // core NATS: request-reply returns the result
  auto ask = [&](const std::string& data, nats::MessageHeaders headers) {
    Result<nats::Message> reply =
        client_->request({"orders.eu", data, std::move(headers), ""}, std::chrono::seconds(10));
    EXPECT_TRUE(reply.is_ok()) << reply.status().message();
    return reply.is_ok() ? Json::parse(reply.value().data) : Json();
  };
  Json text = ask("hello", {{"Content-Type", "text/plain; charset=utf-8"}, {"X-Tenant", "acme"}});
  EXPECT_EQ(text["success"], true) << text.dump();
  EXPECT_EQ(text["outputs"]["work"]["kind"], "string");
  EXPECT_EQ(text["outputs"]["work"]["input"], "hello");
  const Json& trigger = text["outputs"]["work"]["trigger"];
  EXPECT_EQ(trigger["type"], "queue");
  EXPECT_EQ(trigger["name"], "incoming");
  EXPECT_EQ(trigger["subject"], "orders.eu");
  EXPECT_EQ(trigger["headers"]["X-Tenant"], "acme");

  Json bytes =
      ask(std::string("\x00\x01\x02\xff", 4), {{"Content-Type", "application/octet-stream"}});
  EXPECT_EQ(bytes["outputs"]["work"]["kind"], "bytes:4");
  Json json = ask(R"({"a": 1})", {{"Content-Type", "application/cloudevents+json"}});
  EXPECT_EQ(json["outputs"]["work"]["input"], Json::parse(R"({"a": 1})"));
  // A JSON payload reaches the node, and the result the reply, in the sender's key order.
  Result<nats::Message> ordered = client_->request(
      {"orders.eu", R"({"zeta": 1, "alpha": 2})", {{"Content-Type", "application/json"}}, ""},
      std::chrono::seconds(10));
  ASSERT_TRUE(ordered.is_ok()) << ordered.status().message();
  EXPECT_NE(ordered.value().data.find("\"input\": {\n        \"zeta\": 1,\n        \"alpha\": 2\n"),
            std::string::npos)
      << ordered.value().data;
  // No Content-Type: the old engine's rules (JSON, else {data}, plus `trigger`).
  Json legacy = ask("plain words", {});
  EXPECT_EQ(legacy["outputs"]["work"]["input"],
            Json::parse(R"({"data": "plain words", "trigger": "incoming"})"));
}

TEST_F(QueueConsumerTest, MaxInFlightCapsConcurrentExecutions) {
  int most = most_in_flight(3, 30, 40);
  EXPECT_LE(most, 3);
  EXPECT_GE(most, 2);  // they did run concurrently
}

TEST_F(QueueConsumerTest, MaxInFlightHoldsWhilePullRequestsOverlap) {
  // Pull requests go out while earlier ones are still being served; each reserves its room.
  int most = most_in_flight(8, 80, 30);
  EXPECT_LE(most, 8);
  EXPECT_GE(most, 5);
}

TEST_F(QueueConsumerTest, MaxInFlightHoldsWhenMoreComesThanWasAskedFor) {
  // A pull request the consumer does not count (as when cnats replays one after a reconnect,
  // its room written off meanwhile) brings messages no room was reserved for. Here a second
  // client sends one on the consumer's inbox for 20 messages, as soon as it sees the consumer's
  // first request. The puller reads a message only while it has asked for some, so the extra
  // ones wait in cnats's queue and each execution still fills room reserved for it.
  std::mutex mutex;
  bool sent = false;
  std::atomic<int> extra{0};
  std::unique_ptr<nats::CoreSubscription> extra_copies;
  auto spy = nats::CoreSubscription::open(
      *client_, "$JS.API.CONSUMER.MSG.NEXT.ORDERS.orders", "spy", [&](nats::Message request) {
        std::lock_guard<std::mutex> lock(mutex);
        if (sent || request.reply.empty()) return;
        sent = true;
        std::string inbox = request.reply.substr(0, request.reply.rfind('.'));
        // A copy of what the server sends for it: proof that it did.
        auto copies = nats::CoreSubscription::open(*client_, inbox + ".0", "copies",
                                                   [&](nats::Message) { ++extra; });
        EXPECT_TRUE(copies.is_ok());
        if (copies.is_ok()) extra_copies = std::move(copies).value();
        EXPECT_TRUE(
            client_->publish({request.subject, R"({"batch":20,"expires":5000000000})", {},
                              inbox + ".0"})
                .is_ok());
      });
  ASSERT_TRUE(spy.is_ok()) << spy.status().message();
  open("    subject: orders.new\n    max_in_flight: 4\n    jetstream: {stream: ORDERS}\n");
  ASSERT_TRUE(eventually([&] {
    std::lock_guard<std::mutex> lock(mutex);
    return sent;
  }));
  for (int i = 0; i < 40; ++i) publish("orders.new", R"({"sleep": 30})");
  int most = 0;
  EXPECT_TRUE(eventually([&] {
    most = std::max(most, consumer_->in_flight());
    return count("success") == 40;
  }));
  EXPECT_GE(extra.load(), 1);
  EXPECT_LE(most, 4);
}

// Each request asks for at least the refill mark, so filling an empty max_in_flight takes at
// most 128 requests.
TEST(PullRefillMark, FillingALargeMaxInFlightTakesAtMost128Requests) {
  EXPECT_EQ(pull_refill_mark(1, false), 1);
  EXPECT_EQ(pull_refill_mark(64, false), 8);
  EXPECT_EQ(pull_refill_mark(512, false), 64);
  EXPECT_EQ(pull_refill_mark(8192, false), 64);  // unchanged up to here
  for (int max : {1, 7, 64, 1000, 8192, 8193, 32768, 40000, 100000}) {
    EXPECT_LE((max + pull_refill_mark(max, false) - 1) / pull_refill_mark(max, false), 128)
        << "max_in_flight " << max;
  }
  EXPECT_EQ(pull_refill_mark(100000, true), 1);  // with a rate limit: one message per token
}

TEST_F(QueueConsumerTest, StopReturnsOnlyOnceFinishedExecutionsAreAcked) {
  // An execution's room is freed when it ends, before its ack goes out from the settle thread:
  // stop() must still wait for those acks, since NATS is drained right after it.
  open(
      "    subject: orders.new\n    max_in_flight: 16\n"
      "    jetstream: {stream: ORDERS, durable: orders, ack_wait: 1s}\n");
  for (int i = 0; i < 400; ++i) publish("orders.new", R"({"sleep": 20})");
  ASSERT_TRUE(eventually([&] { return count("success") >= 50; }));
  consumer_->stop(std::chrono::seconds(5));
  ASSERT_TRUE(client_->drain(std::chrono::seconds(5)).is_ok());
  long ran = count("success");
  ASSERT_LT(ran, 400) << "stopped too late to tell";

  // Whatever ran was acked: after ack_wait, only the messages never delivered come back.
  nats::ConnectSettings settings;
  settings.urls = {nats_server_.url()};
  auto again = nats::NatsClient::connect(settings);
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  ASSERT_TRUE(again.value()->wait_connected(std::chrono::seconds(5)));
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // past ack_wait
  auto consumer = nats::PullConsumer::open(
      *again.value(),
      {"ORDERS", "orders", "orders.new", std::chrono::seconds(1), 5, "all", std::nullopt, 1000});
  ASSERT_TRUE(consumer.is_ok()) << consumer.status().message();
  long fetched = 0;
  long redelivered = 0;
  for (;;) {
    auto batch = consumer.value()->fetch(100, std::chrono::milliseconds(300));
    ASSERT_TRUE(batch.is_ok()) << batch.status().message();
    if (batch.value().empty()) break;
    for (auto& delivery : batch.value()) {
      fetched++;
      if (delivery->info().delivered > 1) redelivered++;
      ASSERT_TRUE(delivery->ack().is_ok());
    }
  }
  EXPECT_EQ(redelivered, 0);
  EXPECT_EQ(fetched, 400 - ran);
}

TEST_F(QueueConsumerTest, ACoreSubscriberThatStopsTakingLeavesItsQueueGroupAtOnce) {
  // Stopping (before `pd-engine serve` goes on serving HTTP for its shutdown delay) drains the
  // subscription: the other members of the group get every message meanwhile, where the
  // stopping engine would have been sent its share and dropped it.
  open("    subject: orders.new\n    queue_group: workers\n");
  std::atomic<int> other_member_got{0};
  auto other_member = nats::CoreSubscription::open(*client_, "orders.new", "workers",
                                                   [&](nats::Message) { ++other_member_got; });
  ASSERT_TRUE(other_member.is_ok()) << other_member.status().message();
  consumer_->stop_taking();
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(client_->publish({"orders.new", "{}", {}, ""}).is_ok());
  }
  EXPECT_TRUE(eventually([&] { return other_member_got.load() == 40; }))
      << other_member_got.load() << " of 40";
  EXPECT_EQ(count("success"), 0);
}

TEST_F(QueueConsumerTest, RateLimitAllowsBurstPlusRateTimesElapsed) {
  ManualClock clock(std::chrono::system_clock::now());
  open(
      "    subject: orders.new\n    rate: {per_second: 2, burst: 5}\n    jetstream: {stream: "
      "ORDERS}\n",
      &clock);
  for (int i = 0; i < 20; ++i) publish("orders.new", "{}");
  ASSERT_TRUE(eventually([&] { return count("success") == 5; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(count("success"), 5);  // the burst, and no more while the clock stands still
  EXPECT_GE(count("rate_limited"), 1);
  clock.advance(std::chrono::seconds(2));  // 2/s × 2 s = 4 more
  ASSERT_TRUE(eventually([&] { return count("success") == 9; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(count("success"), 9);
  clock.advance(std::chrono::minutes(1));  // a long pause refills only up to the burst
  ASSERT_TRUE(eventually([&] { return count("success") == 14; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(count("success"), 14);
}

TEST_F(QueueConsumerTest, SeveralTriggersShareOneGracePeriodWhenStopping) {
  dir_.write("workflow.yaml",
             "name: orders\nversion: \"1.0\"\ntriggers:\n"
             "  - {type: queue, name: first, subject: orders.first, jetstream: {stream: FIRST}}\n"
             "  - {type: queue, name: second, subject: orders.second,"
             " jetstream: {stream: SECOND}}\n"
             "nodes:\n  work: {path: nodes/work.ts}\n");
  auto runtime = open_with_nats_url();
  ASSERT_TRUE(runtime.is_ok()) << runtime.status().message();
  auto nats = NatsTriggers::start(*runtime.value(), metrics_, {});
  ASSERT_TRUE(nats.is_ok()) << nats.status().message();
  // Each trigger runs an execution that outlasts the grace period.
  for (const char* subject : {"orders.first", "orders.second"}) {
    publish(subject, R"({"sleep": 2500})");
  }
  ASSERT_TRUE(eventually(
      [&] { return metrics_.render().find("pd_executions_in_flight 2\n") != std::string::npos; }));
  auto started = std::chrono::steady_clock::now();
  nats.value()->stop(std::chrono::seconds(1));
  auto took = std::chrono::steady_clock::now() - started;
  // One grace each, one after the other, would take 2 s.
  EXPECT_LT(took, std::chrono::milliseconds(1800));
  EXPECT_GE(took, std::chrono::milliseconds(900));
}

TEST_F(QueueConsumerTest, GatewayPublishesVerifiedWebhooksOnceAndTheConsumerRunsThem) {
  dir_.write(".secrets.yaml", "github:\n  webhook_secret: s3cret\n");
  dir_.write("workflow.yaml",
             "name: gateway\nversion: \"1.0\"\ntriggers:\n  - type: webhook\n    name: github\n"
             "    path: /hooks/github\n    verify: github\n    secret: github\n"
             "    publish: \"events.github.{header:X-GitHub-Event}\"\n"
             "nodes:\n  work: {path: nodes/work.ts}\n");
  auto runtime = open_with_nats_url();
  ASSERT_TRUE(runtime.is_ok()) << runtime.status().message();
  ASSERT_TRUE(client_->ensure_stream("EVENTS", {"events.>"}).is_ok());
  EngineServer server(*runtime.value(), {"127.0.0.1", 0, 1 << 20});
  auto nats = NatsTriggers::start(*runtime.value(), server.metrics(), {});
  ASSERT_TRUE(nats.is_ok()) << nats.status().message();
  server.set_publisher(&nats.value()->publisher());
  ASSERT_TRUE(server.bind().is_ok());
  std::thread serving([&] { server.serve(); });
  httplib::Client http("127.0.0.1", server.port());
  std::string body = R"({"ref": "refs/heads/main"})";
  auto post = [&](const std::string& signature, const std::string& delivery) {
    httplib::Headers headers = {{"X-GitHub-Event", "push"},
                                {"X-GitHub-Delivery", delivery},
                                {"X-Hub-Signature-256", signature}};
    return http.Post("/hooks/github", headers, body, "application/json");
  };
  std::string good = "sha256=" + to_hex(hmac(HashAlgorithm::kSha256, "s3cret", body));
  auto first = post(good, "delivery-1");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 202) << first->body;
  Json answer = Json::parse(first->body);
  EXPECT_EQ(answer["published"], "events.github.push");
  EXPECT_EQ(answer["duplicate"], false);
  auto again = post(good, "delivery-1");  // the sender retried
  EXPECT_EQ(again->status, 202);
  EXPECT_EQ(Json::parse(again->body)["duplicate"], true);
  EXPECT_EQ(post("sha256=" + std::string(64, '0'), "delivery-2")->status, 401);
  EXPECT_EQ(post("", "delivery-3")->status, 401);
  EXPECT_EQ(client_->stream_range("EVENTS").value().messages, 1u);
  auto stored = client_->stored_message("EVENTS", 1);
  EXPECT_EQ(stored.value()->message.data, body);
  EXPECT_EQ(stored.value()->message.header("X-GitHub-Event"), "push");
  EXPECT_EQ(stored.value()->message.header("X-Hub-Signature-256"), "");
  EXPECT_EQ(server.metrics().counter("published", "github"), 2);

  // Downstream: a workflow consuming events.github.push gets it once.
  open("    subject: events.github.push\n    jetstream: {durable: downstream}\n");
  ASSERT_TRUE(eventually([&] { return count("success") == 1; }));
  server.stop();
  serving.join();
  nats.value()->stop(std::chrono::seconds(1));
}

}  // namespace
}  // namespace pd::server
