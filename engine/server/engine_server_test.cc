// The engine's HTTP surface with real V8 nodes: /run, named triggers, bad input, body limits,
// webhook signatures, metrics, and draining on stop.
#include "engine/server/engine_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>
#include <vector>

#include "engine/exec/test_runtime_options.h"
#include "engine/spec/test_workflow_dir.h"
#include "engine/util/crypto_hash.h"

namespace pd::server {
namespace {

js::V8Platform& platform() {
  static js::V8Platform* instance = new js::V8Platform();  // never destroyed: V8 cannot re-initialize
  return *instance;
}

// The same surface with HTTP on the isolate's own thread and on a loop of its own.
struct ServerMode {
  size_t isolates;
  bool http_on_isolates;
};

std::string mode_name(const ::testing::TestParamInfo<ServerMode>& info) {
  return std::to_string(info.param.isolates) + "Isolates" +
         (info.param.http_on_isolates ? "ServingHttp" : "AndAnHttpLoop");
}

class EngineServerTest : public ::testing::TestWithParam<ServerMode> {
 protected:
  void SetUp() override {
    dir_.write("nodes/echo.ts",
               "export default async (_c: unknown, input: any) => {\n"
               "  if (input?.fail) throw new Error('asked to fail');\n"
               "  if (input?.sleep) await new Promise((r) => setTimeout(r, input.sleep));\n"
               "  if (input?.spin) console.log('spinning');\n"
               "  for (const end = Date.now() + (input?.spin ?? 0); Date.now() < end;);\n"
               "  if (input?.keys) return Object.keys(input);\n"
               "  return input;\n};\n");
    dir_.write(".secrets.yaml", "github:\n  webhook_secret: s3cret-key\n");
    dir_.write("workflow.yaml",
               "name: served\nversion: \"1.0\"\ntriggers:\n  - type: manual\n"
               "  - type: webhook\n    name: push\n    path: /hooks/github\n    verify: github\n"
               "    secret: github\nnodes:\n  echo: {path: nodes/echo.ts}\n");
    exec::WorkflowRuntimeOptions options = exec::testing::isolated_runtime_options(dir_.path());
    options.isolates = GetParam().isolates;
    options.log_sink = [this](const std::string&, const js::ConsoleLine& line) {
      if (line.text == "spinning") spinning_started_++;
    };
    auto runtime = exec::WorkflowRuntime::open(platform(), options);
    ASSERT_TRUE(runtime.is_ok()) << runtime.status().message();
    runtime_ = std::move(runtime).value();
    ServerOptions server_options{"127.0.0.1", 0, 1024};
    server_options.http_on_isolates = GetParam().http_on_isolates;
    server_ = std::make_unique<EngineServer>(*runtime_, server_options);
    ASSERT_TRUE(server_->bind().is_ok());
    thread_ = std::thread([this] { server_->serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }
  void TearDown() override {
    server_->stop();
    thread_.join();
  }
  spec::testing::TestWorkflowDir dir_;
  std::unique_ptr<exec::WorkflowRuntime> runtime_;
  std::unique_ptr<EngineServer> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
  std::atomic<size_t> spinning_started_{0};  // long nodes that have begun their loop
};

TEST_P(EngineServerTest, RunReturnsTheExecutionResult) {
  auto ok = client_->Post("/run", R"({"trigger": "nightly", "n": 1})", "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  nlohmann::json body = nlohmann::json::parse(ok->body);
  EXPECT_EQ(body["outputs"]["echo"]["n"], 1);
  auto failed = client_->Post("/run", R"({"fail": true})", "application/json");
  EXPECT_EQ(failed->status, 500);
  EXPECT_EQ(nlohmann::json::parse(failed->body)["success"], false);
  auto metrics = client_->Get("/metrics");
  EXPECT_NE(metrics->body.find("pd_executions_total{trigger=\"nightly\",outcome=\"success\"} 1"),
            std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("pd_executions_total{trigger=\"http\",outcome=\"failure\"} 1"),
            std::string::npos);
}

// While an isolate is free, connections go to the isolates (kept alive), not to the standby loop.
TEST_P(EngineServerTest, AnIdleEngineKeepsConnectionsAlive) {
  httplib::Client client("127.0.0.1", server_->port());
  client.set_keep_alive(true);
  for (int i = 0; i < 3; ++i) {
    auto ok = client.Post("/run", R"({"n": 1})", "application/json");
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
    EXPECT_NE(ok->get_header_value("Connection"), "close");
  }
}

// The node sees the body's keys in the sender's order, as under Deno (not sorted).
TEST_P(EngineServerTest, TheInputKeepsTheBodysKeyOrder) {
  auto ok = client_->Post("/run", R"({"zeta": 1, "keys": true, "alpha": 2})", "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(nlohmann::json::parse(ok->body)["outputs"]["echo"], nlohmann::json::parse(R"(["zeta", "keys", "alpha"])"));
}

TEST_P(EngineServerTest, BadInputIsRefusedWithoutRunningAnything) {
  auto bad = client_->Post("/run", "{oops", "application/json");
  EXPECT_EQ(bad->status, 400);
  EXPECT_TRUE(nlohmann::json::parse(bad->body)["error"].get<std::string>().starts_with(
      "the request body is not valid JSON:"));
  auto big = client_->Post("/run", std::string(4096, ' '), "application/json");
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(client_->Get("/health")->status, 200);
  EXPECT_EQ(client_->Get("/ready")->status, 200);
}

TEST_P(EngineServerTest, WebhooksNeedAValidSignature) {
  std::string body = R"({"ref": "main"})";
  std::string good = "sha256=" + to_hex(hmac(HashAlgorithm::kSha256, "s3cret-key", body));
  auto accepted = client_->Post("/hooks/github", {{"X-Hub-Signature-256", good}}, body, "application/json");
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->status, 200) << accepted->body;
  EXPECT_EQ(nlohmann::json::parse(accepted->body)["outputs"]["echo"]["ref"], "main");
  auto wrong = client_->Post("/hooks/github", {{"X-Hub-Signature-256", "sha256=00"}}, body, "application/json");
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(nlohmann::json::parse(wrong->body)["error"],
            "X-Hub-Signature-256: signature does not match the body");
  auto missing = client_->Post("/hooks/github", body, "application/json");
  EXPECT_EQ(missing->status, 401);
  auto tampered = client_->Post("/hooks/github", {{"X-Hub-Signature-256", good}},
                                R"({"ref": "evil"})", "application/json");
  EXPECT_EQ(tampered->status, 401);
}

TEST_P(EngineServerTest, StopLetsExecutionsInFlightFinish) {
  std::thread slow([this] {
    httplib::Client client("127.0.0.1", server_->port());
    auto res = client.Post("/run", R"({"sleep": 300})", "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
  });
  // Wait until the slow execution is running, then stop.
  for (int i = 0; i < 200; ++i) {
    auto metrics = client_->Get("/metrics");
    if (metrics && metrics->body.find("pd_executions_in_flight 1") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  server_->stop();
  slow.join();
}

// Nodes that run long (CPU-bound, so their isolate answers nothing meanwhile).
class LongNodeTest : public EngineServerTest {
 protected:
  void TearDown() override {
    for (std::thread& t : spinning_) t.join();
    EngineServerTest::TearDown();
  }
  // Read in the process: over HTTP, the question would itself be a request that may wait.
  bool in_flight_is(size_t count) {
    return server_->metrics().render().find("pd_executions_in_flight " + std::to_string(count) +
                                            "\n") != std::string::npos;
  }
  // Starts `count` executions of a node that spins for 3 s, each on a connection of its own;
  // true once all run side by side, each in its loop (so that no isolate polls until it ends).
  // One at a time: with HTTP on the isolates, a connection that arrives while no isolate is
  // busy yet may go to either.
  bool start_spinning(size_t count) {
    for (size_t i = 0; i < count; ++i) {
      run_in_background(R"({"spin": 3000})");
      bool running = false;
      for (int tries = 0; tries < 500 && !running; ++tries) {
        running = spinning_started_ == i + 1;
        if (!running) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      if (!running) return false;
    }
    return true;
  }
  // POSTs `body` to /run on a connection of its own, on a thread joined at TearDown.
  void run_in_background(std::string body) {
    spinning_.emplace_back([this, body = std::move(body)] {
      httplib::Client client("127.0.0.1", server_->port());
      client.set_read_timeout(std::chrono::seconds(30));
      auto res = client.Post("/run", body, "application/json");
      EXPECT_TRUE(res && res->status == 200);
    });
  }
  std::vector<std::thread> spinning_;
};

// A liveness probe is answered while every isolate runs a CPU-bound node: by the HTTP loop of
// its own, or, with HTTP on the isolates, by the standby loop (a connection already open waits
// for its isolate; docs/engine.md).
TEST_P(LongNodeTest, HealthAnswersWhileEveryIsolateRunsALongNode) {
  ASSERT_TRUE(start_spinning(GetParam().isolates)) << "the long nodes never ran side by side";
  httplib::Client probe("127.0.0.1", server_->port());
  probe.set_read_timeout(std::chrono::seconds(1));  // a kubelet probe's default timeout
  auto health = probe.Get("/health");
  ASSERT_TRUE(health) << "no answer within the probe's timeout";
  EXPECT_EQ(health->status, 200);
  // The standby loop keeps no connection: the next request comes on a new one, for an isolate.
  if (GetParam().http_on_isolates) {
    EXPECT_EQ(health->get_header_value("Connection"), "close");
  }
  // Answered while the long nodes still run, not after.
  EXPECT_TRUE(in_flight_is(GetParam().isolates));
}

// Several isolates behind one HTTP loop (--http-loop auto's choice with several isolates).
class SingleLoopTest : public LongNodeTest {};

// Behind one loop, an execution goes to the isolate with the least work waiting: requests do
// not queue behind a long node while another isolate is free (taken in turn, every other one
// would wait for it).
TEST_P(SingleLoopTest, QuickRequestsDoNotQueueBehindALongNode) {
  ASSERT_TRUE(start_spinning(1)) << "the long node never ran";
  for (int i = 0; i < 4; ++i) {
    auto quick = client_->Post("/run", R"({"n": 1})", "application/json");
    ASSERT_TRUE(quick);
    EXPECT_EQ(quick->status, 200);
  }
  // All answered while the long node still runs: none waited for it.
  EXPECT_TRUE(in_flight_is(1));
}

// A long CPU-bound node on one isolate, calls waiting on timers on the other: new requests go
// to the one waiting, though it holds more calls.
TEST_P(SingleLoopTest, QuickRequestsGoWhereCallsAwaitIoRatherThanBehindALongNode) {
  ASSERT_TRUE(start_spinning(1)) << "the long node never ran";
  // Long enough for the spinning isolate to weigh its most (one more per 5 ms, up to 16).
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  for (int i = 0; i < 3; ++i) run_in_background(R"({"sleep": 3000})");
  for (int tries = 0; tries < 500 && !in_flight_is(4); ++tries) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(in_flight_is(4));
  for (int i = 0; i < 4; ++i) {
    httplib::Client quick_client("127.0.0.1", server_->port());
    quick_client.set_read_timeout(std::chrono::seconds(1));
    auto quick = quick_client.Post("/run", R"({"n": 1})", "application/json");
    ASSERT_TRUE(quick) << "request " << i << " waited for the long node";
    EXPECT_EQ(quick->status, 200);
  }
  EXPECT_TRUE(in_flight_is(4));
}

INSTANTIATE_TEST_SUITE_P(HttpLoops, EngineServerTest,
                         ::testing::Values(ServerMode{1, true}, ServerMode{2, true},
                                           ServerMode{2, false}),
                         mode_name);

INSTANTIATE_TEST_SUITE_P(HttpLoops, LongNodeTest,
                         ::testing::Values(ServerMode{1, true}, ServerMode{2, true},
                                           ServerMode{2, false}),
                         mode_name);

INSTANTIATE_TEST_SUITE_P(HttpLoops, SingleLoopTest, ::testing::Values(ServerMode{2, false}),
                         mode_name);

}  // namespace
}  // namespace pd::server
