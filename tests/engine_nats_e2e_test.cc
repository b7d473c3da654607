// pd-engine serve with NATS as operators run it: the built binary, a real `nats-server -js` on a
// loopback port, nodes that report every message they process to a recorder on loopback.
// Nothing is lost when the engine is killed with SIGKILL mid-stream or the NATS server restarts;
// SIGTERM finishes and acknowledges what is in flight, and HTTP takes no new work meanwhile;
// `pd-engine dlq` lists and replays; the engine runs as an unprivileged user with a read-only
// workflow folder and no writable home.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/stat.h>

#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "engine/nats/nats_client.h"
#include "engine/util/temp_dir.h"
#include "fakes/k8s/certificate_authority.h"
#include "tests/eventually.h"
#include "tests/nats_credentials.h"
#include "tests/nats_server_process.h"
#include "tests/run_command.h"

namespace pd::testing {
namespace {

using Json = nlohmann::json;

std::string engine_binary() {
  const char* build = std::getenv("PD_BINARY_DIR");
  return std::string(build ? build : PD_BINARY_DIR_FALLBACK) + "/engine/cli/pd-engine";
}

// Counts how often each message id was processed.
class Recorder {
 public:
  Recorder() {
    server_.Post("/seen", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mutex_);
      ++seen_[req.body];
      res.set_content("{}", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Recorder() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  size_t distinct() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return seen_.size();
  }
  size_t duplicates() const {
    std::lock_guard<std::mutex> lock(mutex_);
    size_t extra = 0;
    for (const auto& [id, count] : seen_) extra += count - 1;
    return extra;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::map<std::string, int> seen_;
};

// Whether process `pid`'s main thread has SIGTERM blocked (/proc/PID/status, SigBlk).
bool blocks_sigterm(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("SigBlk:")) {
      return (std::stoull(line.substr(7), nullptr, 16) >> (SIGTERM - 1)) & 1;
    }
  }
  return false;
}

class EngineNats : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(nats_.start()) << nats_.log();
    nats::ConnectSettings settings;
    settings.urls = {nats_.url()};
    client_ = std::move(nats::NatsClient::connect(settings)).value();
    ASSERT_TRUE(client_->wait_connected(std::chrono::seconds(5)));
    write("nodes/record.ts",
          "export default async (_ctx: any, input: any) => {\n"
          "  if (input.fail) throw new Error('cannot process ' + input.id);\n"
          "  if (input.sleep) await new Promise((r) => setTimeout(r, input.sleep));\n"
          "  const res = await fetch('http://127.0.0.1:" +
              std::to_string(recorder_.port()) +
              "/seen', {method: 'POST', body: String(input.id)});\n"
              "  await res.text();\n"
              "  return { id: input.id };\n"
              "};\n");
    write("workflow.yaml",
          "name: recorder\nversion: \"1.0\"\ntriggers:\n  - type: queue\n    name: jobs\n"
          "    subject: jobs.new\n    max_in_flight: 32\n"
          "    jetstream: {stream: JOBS, durable: recorder, ack_wait: 2s, max_deliver: 3, backoff: "
          "[100ms]}\n"
          "nodes:\n  record:\n    path: nodes/record.ts\n    capabilities:\n      net: "
          "[\"127.0.0.1:" +
              std::to_string(recorder_.port()) + "\"]\n");
  }
  void expect_connects_with(const std::string& server_args,
                            const nats::ConnectSettings& client_auth,
                            const std::string& secrets_yaml, const std::string& secret);
  void write(const std::string& relative, const std::string& text) {
    std::filesystem::create_directories((dir_.path() / "wf" / relative).parent_path());
    std::ofstream(dir_.path() / "wf" / relative) << text;
  }
  std::unique_ptr<BackgroundCommand> start_engine(const std::string& prefix = "",
                                                  const std::string& extra_args = "") {
    int port = free_loopback_port();
    auto engine = std::make_unique<BackgroundCommand>(
        prefix + shell_quote(engine_binary()) + " serve --workflow " +
            shell_quote((dir_.path() / "wf").string()) + " --host 127.0.0.1 --port " +
            std::to_string(port) + " --nats-url " + nats_.url() + " --config-dir /nonexistent" +
            " --secrets-dir /nonexistent" + cache_arg() + extra_args,
        dir_.path() / ("engine-" + std::to_string(++engines_) + ".log"));
    EXPECT_TRUE(engine->wait_for_port(port)) << engine->log();
    engine_port_ = port;
    return engine;
  }
  // With one execution running (and outlasting it), SIGTERM ends the engine at the end of its
  // 1 s grace period: exit 1, saying so.
  void expect_gives_up_at_the_end_of_a_1s_grace_period(BackgroundCommand& engine) {
    ASSERT_TRUE(eventually(
        [&] { return engine_metrics().find("pd_executions_in_flight 1") != std::string::npos; },
        std::chrono::seconds(10)));
    auto asked = std::chrono::steady_clock::now();
    EXPECT_EQ(engine.stop(SIGTERM), 1) << engine.log();
    EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::milliseconds(4000));
    EXPECT_NE(engine.log().find("grace period over"), std::string::npos) << engine.log();
  }
  // The running engine's /metrics text; "" while it does not answer.
  std::string engine_metrics() {
    httplib::Client http("127.0.0.1", engine_port_);
    auto metrics = http.Get("/metrics");
    return metrics ? metrics->body : "";
  }
  void publish(int first, int count, const std::string& extra = "") {
    for (int i = first; i < first + count; ++i) {
      nats::Message message{"jobs.new",
                            "{\"id\": " + std::to_string(i) + extra + "}",
                            {{"Content-Type", "application/json"}},
                            ""};
      ASSERT_TRUE(
          client_->publish_durably(message, "job-" + std::to_string(i), std::chrono::seconds(5))
              .is_ok());
    }
  }

  NatsServerProcess nats_;
  std::unique_ptr<nats::NatsClient> client_;
  Recorder recorder_;
  TempDir dir_{"pd-engine-nats"};
  // Code caches, one per engine: in a folder of their own that any user may write to (one test
  // runs the engine as nobody), removed with the fixture rather than left in /tmp.
  TempDir caches_{"pd-engine-nats-cache"};
  std::string cache_arg() {
    std::filesystem::permissions(caches_.path(), std::filesystem::perms::all);
    return " --cache-dir " +
           shell_quote((caches_.path() / std::to_string(++caches_used_)).string());
  }
  int caches_used_ = 0;
  int engines_ = 0;
  int engine_port_ = 0;
};

TEST_F(EngineNats, NothingIsLostWhenTheEngineIsKilledMidStream) {
  auto engine = start_engine();
  publish(0, 2000);
  ASSERT_TRUE(eventually([&] { return recorder_.distinct() >= 400; }, std::chrono::seconds(30)));
  engine->stop(SIGKILL);
  size_t at_kill = recorder_.distinct();
  engine = start_engine();
  ASSERT_TRUE(eventually([&] { return recorder_.distinct() == 2000; }, std::chrono::seconds(60)))
      << recorder_.distinct() << " of 2000\n"
      << engine->log();
  std::cout << "[ figures  ] killed after " << at_kill << " of 2000; all 2000 processed, "
            << recorder_.duplicates() << " processed twice (at-least-once)\n";
  RecordProperty("duplicates", static_cast<int>(recorder_.duplicates()));
  EXPECT_EQ(engine->stop(SIGTERM), 0) << engine->log();
}

TEST_F(EngineNats, NothingIsLostWhenTheNatsServerRestarts) {
  auto engine = start_engine();
  publish(0, 1000);
  ASSERT_TRUE(eventually([&] { return recorder_.distinct() >= 200; }, std::chrono::seconds(30)));
  nats_.stop();
  httplib::Client http("127.0.0.1", engine_port_);
  EXPECT_TRUE(eventually(
      [&] {
        auto ready = http.Get("/ready");
        return ready && ready->status == 503;
      },
      std::chrono::seconds(5)));
  ASSERT_TRUE(nats_.start()) << nats_.log();
  ASSERT_TRUE(eventually([&] { return recorder_.distinct() == 1000; }, std::chrono::seconds(60)))
      << recorder_.distinct() << " of 1000\n"
      << engine->log();
  EXPECT_TRUE(eventually(
      [&] {
        auto ready = http.Get("/ready");
        return ready && ready->status == 200;
      },
      std::chrono::seconds(5)));
  std::cout << "[ figures  ] NATS restarted mid-stream; all 1000 processed, "
            << recorder_.duplicates() << " twice\n";
}

TEST_F(EngineNats, NothingIsLostWhenAMemberOfAThreeServerClusterStops) {
  // Three servers in one JetStream cluster, the stream replicated on all three.
  NatsServerProcess members[3];
  int cluster_ports[3] = {free_loopback_port(), free_loopback_port(), free_loopback_port()};
  for (int i = 0; i < 3; ++i) {
    std::vector<int> others;
    for (int j = 0; j < 3; ++j) {
      if (j != i) others.push_back(cluster_ports[j]);
    }
    members[i].join_cluster("n" + std::to_string(i), cluster_ports[i], others);
  }
  for (auto& member : members) ASSERT_TRUE(member.start()) << member.log();
  nats::ConnectSettings settings;
  settings.urls = {members[0].url(), members[1].url(), members[2].url()};
  auto cluster = std::move(nats::NatsClient::connect(settings)).value();
  ASSERT_TRUE(cluster->wait_connected(std::chrono::seconds(5)));
  // The cluster needs a moment to elect its JetStream leader.
  Status stream;
  ASSERT_TRUE(eventually(
      [&] {
        stream = cluster->ensure_stream("JOBS", {"jobs.new"}, 3);
        return stream.is_ok();
      },
      std::chrono::seconds(20)))
      << stream.message();
  std::string urls = members[0].url() + "," + members[1].url() + "," + members[2].url();
  int port = free_loopback_port();
  BackgroundCommand engine(shell_quote(engine_binary()) + " serve --workflow " +
                               shell_quote((dir_.path() / "wf").string()) +
                               " --host 127.0.0.1 --port " + std::to_string(port) + " --nats-url " +
                               urls + " --config-dir /nonexistent --secrets-dir /nonexistent" +
                               cache_arg(),
                           dir_.path() / "engine-cluster.log");
  ASSERT_TRUE(engine.wait_for_port(port)) << engine.log();
  for (int i = 0; i < 1000; ++i) {
    nats::Message message{"jobs.new",
                          "{\"id\": " + std::to_string(i) + "}",
                          {{"Content-Type", "application/json"}},
                          ""};
    ASSERT_TRUE(
        cluster->publish_durably(message, "job-" + std::to_string(i), std::chrono::seconds(5))
            .is_ok());
  }
  ASSERT_TRUE(eventually([&] { return recorder_.distinct() >= 200; }, std::chrono::seconds(30)));
  members[0].stop(SIGKILL);
  ASSERT_TRUE(eventually([&] { return recorder_.distinct() == 1000; }, std::chrono::seconds(90)))
      << recorder_.distinct() << " of 1000\n"
      << engine.log();
  std::cout << "[ figures  ] cluster member n0 killed mid-stream; all 1000 processed, "
            << recorder_.duplicates() << " twice\n";
  EXPECT_EQ(engine.stop(SIGTERM), 0) << engine.log();
}

// The engine connects to a secured nats-server with what its secrets hold (secrets.nats: token,
// user + password, or a CA for TLS), and never logs the secret.
void EngineNats::expect_connects_with(const std::string& server_args,
                                      const nats::ConnectSettings& client_auth,
                                      const std::string& secrets_yaml, const std::string& secret) {
  NatsServerProcess secured;
  secured.add_args(server_args);
  ASSERT_TRUE(secured.start()) << secured.log();
  nats::ConnectSettings settings = client_auth;
  settings.urls = {secured.url()};
  auto client = std::move(nats::NatsClient::connect(settings)).value();
  ASSERT_TRUE(client->wait_connected(std::chrono::seconds(5)));
  write(".secrets.yaml", secrets_yaml);
  int port = free_loopback_port();
  BackgroundCommand engine(
      shell_quote(engine_binary()) + " serve --workflow " +
          shell_quote((dir_.path() / "wf").string()) + " --host 127.0.0.1 --port " +
          std::to_string(port) + " --nats-url " + secured.url() +
          " --config-dir /nonexistent --secrets-dir /nonexistent" + cache_arg(),
      dir_.path() / "engine-auth.log");
  ASSERT_TRUE(engine.wait_for_port(port)) << engine.log();
  for (int i = 0; i < 3; ++i) {
    nats::Message message{"jobs.new",
                          "{\"id\": " + std::to_string(i) + "}",
                          {{"Content-Type", "application/json"}},
                          ""};
    ASSERT_TRUE(client->publish_durably(message, "", std::chrono::seconds(5)).is_ok());
  }
  ASSERT_TRUE(eventually([&] { return recorder_.distinct() == 3; }, std::chrono::seconds(20)))
      << engine.log();
  EXPECT_EQ(engine.log().find(secret), std::string::npos);  // never logged
  EXPECT_EQ(engine.stop(SIGTERM), 0) << engine.log();
}

TEST_F(EngineNats, ConnectsWithTheTokenFromItsSecrets) {
  nats::ConnectSettings auth;
  auth.token = "s3cret-nats-token";
  expect_connects_with("--auth s3cret-nats-token", auth, "nats:\n  token: s3cret-nats-token\n",
                       "s3cret-nats-token");
}

TEST_F(EngineNats, ConnectsWithTheUserAndPasswordFromItsSecrets) {
  nats::ConnectSettings auth;
  auth.user = "engine";
  auth.password = "s3cret-nats-password";
  expect_connects_with("--user engine --pass s3cret-nats-password", auth,
                       "nats:\n  user: engine\n  password: s3cret-nats-password\n",
                       "s3cret-nats-password");
}

TEST_F(EngineNats, ConnectsOverTlsTrustingTheCaFromItsSecrets) {
  auto ca = fake_k8s::CertificateAuthority::create("pd-test-nats-ca");
  ASSERT_TRUE(ca.is_ok()) << ca.status().message();
  auto server_cert = ca.value()->issue_server({"localhost"}, {"127.0.0.1"});
  ASSERT_TRUE(server_cert.is_ok()) << server_cert.status().message();
  std::ofstream(dir_.path() / "nats.crt") << server_cert.value().cert_pem;
  std::ofstream(dir_.path() / "nats.key") << server_cert.value().key_pem;
  nats::ConnectSettings auth;
  auth.ca_pem = ca.value()->ca_pem();
  nlohmann::json secrets = {{"nats", {{"ca", ca.value()->ca_pem()}}}};
  expect_connects_with("--tls --tlscert " + shell_quote((dir_.path() / "nats.crt").string()) +
                           " --tlskey " + shell_quote((dir_.path() / "nats.key").string()),
                       auth, secrets.dump(), "BEGIN CERTIFICATE");
}

// Decentralized auth: nats-server in operator mode (it takes only users whose JWT an account it
// trusts signed, proven by the nonce signed with their seed), the user's JWT and seed in a creds
// file (secrets.nats.creds).
TEST_F(EngineNats, ConnectsWithTheCredsFileFromItsSecrets) {
  NatsCredentials credentials = make_nats_credentials();
  std::ofstream(dir_.path() / "operator.conf") << credentials.server_config;
  std::ofstream(dir_.path() / "test-client.creds") << credentials.user_creds;
  nats::ConnectSettings auth;
  auth.creds_file = (dir_.path() / "test-client.creds").string();
  nlohmann::json secrets = {{"nats", {{"creds", credentials.user_creds}}}};
  expect_connects_with("-c " + shell_quote((dir_.path() / "operator.conf").string()), auth,
                       secrets.dump(), credentials.user_seed);
}

// A server that refuses the engine (here: no creds for an operator-mode server) stops it at
// start with an error naming the server, instead of leaving it waiting inside the NATS client
// with no HTTP server and no log line.
TEST_F(EngineNats, StopsAtStartWithAnErrorWhenNatsRefusesIt) {
  NatsCredentials credentials = make_nats_credentials();
  std::ofstream(dir_.path() / "operator.conf") << credentials.server_config;
  NatsServerProcess secured;
  secured.add_args("-c " + shell_quote((dir_.path() / "operator.conf").string()));
  ASSERT_TRUE(secured.start()) << secured.log();
  auto serve = [&] {
    return run_command("timeout 60 " + shell_quote(engine_binary()) + " serve --workflow " +
                       shell_quote((dir_.path() / "wf").string()) + " --host 127.0.0.1 --port " +
                       std::to_string(free_loopback_port()) + " --nats-url " + secured.url() +
                       " --config-dir /nonexistent --secrets-dir /nonexistent" + cache_arg());
  };
  std::string refused =
      "error: not connected to NATS at " + secured.url() + " (Authorization Violation)";
  CommandResult run = serve();
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find(refused), std::string::npos) << run.output;
  // The same when NATS only carries a webhook gateway's events (no consumer to fail).
  write("workflow.yaml",
        "name: gateway\nversion: \"1.0\"\ntriggers:\n  - type: webhook\n    name: hook\n"
        "    path: /hooks/in\n    publish: events.in\nnodes:\n  record: {path: nodes/record.ts}\n");
  run = serve();
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find(refused), std::string::npos) << run.output;
}

TEST_F(EngineNats, SigtermDuringStartUpEndsItAtOnce) {
  // NATS down: start-up waits for it (and then for JetStream) for seconds. A pod deleted
  // meanwhile must not wait that out.
  int port = free_loopback_port();
  BackgroundCommand engine(
      shell_quote(engine_binary()) + " serve --workflow " +
          shell_quote((dir_.path() / "wf").string()) + " --host 127.0.0.1 --port " +
          std::to_string(port) +
          " --nats-url nats://127.0.0.1:" + std::to_string(free_loopback_port()) +
          " --config-dir /nonexistent --secrets-dir /nonexistent" + cache_arg(),
      dir_.path() / "engine-starting.log");
  // Signalled once it takes signals itself (blocked for its signal thread), not while the
  // shell or the dynamic loader still runs, whose default action would be to die.
  ASSERT_TRUE(eventually([&] { return blocks_sigterm(engine.pid()); }, std::chrono::seconds(20)))
      << engine.log();
  ASSERT_EQ(kill(engine.pid(), SIGTERM), 0);
  std::optional<int> exit_code = engine.wait(std::chrono::seconds(4));
  ASSERT_TRUE(exit_code.has_value()) << "still starting 4 s after SIGTERM\n" << engine.log();
  EXPECT_EQ(*exit_code, 0) << engine.log();
  EXPECT_NE(engine.log().find("stopped before serving"), std::string::npos) << engine.log();
}

TEST_F(EngineNats, SigtermFinishesAndAcknowledgesWhatIsInFlight) {
  auto engine = start_engine();
  publish(0, 20, ", \"sleep\": 300");
  ASSERT_TRUE(eventually(
      [&] {
        std::string metrics = engine_metrics();
        return !metrics.empty() && metrics.find("pd_executions_in_flight 0") == std::string::npos;
      },
      std::chrono::seconds(10)));
  EXPECT_EQ(engine->stop(SIGTERM), 0) << engine->log();
  size_t done = recorder_.distinct();
  EXPECT_GT(done, 0u);
  // What was finished was acknowledged: a new engine processes only the rest.
  engine = start_engine();
  ASSERT_TRUE(eventually([&] { return recorder_.distinct() == 20; }, std::chrono::seconds(30)));
  EXPECT_EQ(recorder_.duplicates(), 0u) << engine->log();
}

// An execution that outlasts --grace-period: the engine gives up on it at the end of the grace
// period, says so and exits 1 (the message is redelivered after ack_wait), not 0 as if all had
// finished.
TEST_F(EngineNats, AnExecutionOutlastingTheGracePeriodEndsInExitOne) {
  auto engine = start_engine("", " --grace-period 1");
  publish(0, 1, ", \"sleep\": 5000");
  expect_gives_up_at_the_end_of_a_1s_grace_period(*engine);
}

// The same for an HTTP request in hand: its answer is waited for until the grace period ends,
// then the engine exits 1. (The queue triggers, idle, finished at once.)
TEST_F(EngineNats, AnHttpRequestOutlastingTheGracePeriodEndsInExitOne) {
  auto engine = start_engine("", " --grace-period 1");
  std::thread request([port = engine_port_] {
    httplib::Client http("127.0.0.1", port);
    http.set_read_timeout(10);
    http.Post("/run", R"({"id": 7, "sleep": 5000})", "application/json");
  });
  expect_gives_up_at_the_end_of_a_1s_grace_period(*engine);
  request.join();
}

TEST_F(EngineNats, SigtermStopsHttpTakingWorkWhileQueueExecutionsFinish) {
  auto engine = start_engine();
  publish(0, 1, ", \"sleep\": 2000");
  ASSERT_TRUE(eventually(
      [&] { return engine_metrics().find("pd_executions_in_flight 1") != std::string::npos; },
      std::chrono::seconds(10)));
  ASSERT_EQ(kill(engine->pid(), SIGTERM), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // The queue execution still runs; a new request must not be taken on meanwhile.
  httplib::Client http("127.0.0.1", engine_port_);
  auto late = http.Post("/run", R"({"id": 99})", "application/json");
  if (late) {
    EXPECT_EQ(late->status, 503) << late->body;
  }
  std::optional<int> exit_code = engine->wait(std::chrono::seconds(10));
  ASSERT_TRUE(exit_code.has_value()) << engine->log();
  EXPECT_EQ(*exit_code, 0) << engine->log();
  EXPECT_EQ(recorder_.distinct(), 1u);  // the queue message finished; the late request never ran
}

// --shutdown-delay: after SIGTERM the engine goes on serving HTTP (requests Kubernetes still
// routes to the pod until it leaves the Service's endpoints) while /ready fails; the queue
// trigger stops fetching at once. A second signal ends the delay.
TEST_F(EngineNats, TheShutdownDelayKeepsServingHttpWhileReadyFails) {
  auto engine = start_engine("", " --shutdown-delay 60 --grace-period 90");
  ASSERT_TRUE(eventually([&] { return engine->log().find("\"serving\"") != std::string::npos; },
                         std::chrono::seconds(10)))
      << engine->log();
  ASSERT_EQ(kill(engine->pid(), SIGTERM), 0);
  httplib::Client http("127.0.0.1", engine_port_);
  ASSERT_TRUE(eventually(
      [&] {
        auto ready = http.Get("/ready");
        return ready && ready->status == 503;
      },
      std::chrono::seconds(10)))
      << engine->log();
  auto ready = http.Get("/ready");
  ASSERT_TRUE(ready);
  EXPECT_NE(ready->body.find("stopping"), std::string::npos) << ready->body;
  auto late = http.Post("/run", R"({"id": 42})", "application/json");
  ASSERT_TRUE(late) << engine->log();
  EXPECT_EQ(late->status, 200) << late->body;
  EXPECT_EQ(recorder_.distinct(), 1u);
  auto health = http.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  // The queue trigger stopped asking for messages with the signal: once its last pull request
  // has expired (fetch_wait, 500 ms), what is published is left in the stream.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  publish(0, 3);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(recorder_.distinct(), 1u);
  auto asked = std::chrono::steady_clock::now();
  ASSERT_EQ(kill(engine->pid(), SIGTERM), 0);
  std::optional<int> exit_code = engine->wait(std::chrono::seconds(10));
  ASSERT_TRUE(exit_code.has_value()) << engine->log();
  EXPECT_EQ(*exit_code, 0) << engine->log();
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(10));
  EXPECT_NE(engine->log().find("a second signal ended the shutdown delay"), std::string::npos)
      << engine->log();
  // The messages were left in the stream: the next engine runs them.
  engine = start_engine();
  EXPECT_TRUE(eventually([&] { return recorder_.distinct() == 4; }, std::chrono::seconds(20)))
      << recorder_.distinct() << "\n"
      << engine->log();
  EXPECT_EQ(engine->stop(SIGTERM), 0) << engine->log();
}

TEST_F(EngineNats, DeadLettersAreListedAndReplayedByTheCli) {
  auto engine = start_engine();
  publish(1, 2, ", \"fail\": true");
  CommandResult listed;
  ASSERT_TRUE(eventually(
      [&] {
        listed = run_command(shell_quote(engine_binary()) +
                             " dlq list --subject jobs.new.dlq --nats-url " + nats_.url());
        return listed.output.find("\n2\t") != std::string::npos;
      },
      std::chrono::seconds(20)))
      << listed.output << engine->log();
  EXPECT_EQ(listed.exit_code, 0);
  EXPECT_NE(listed.output.find("SEQ\tTIME\tATTEMPTS\tORIGINAL-SUBJECT\tERROR"), std::string::npos);
  EXPECT_NE(listed.output.find("\t3\tjobs.new\t"), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find("cannot process 1"), std::string::npos) << listed.output;
  CommandResult json =
      run_command(shell_quote(engine_binary()) +
                  " dlq list --subject jobs.new.dlq -o json --nats-url " + nats_.url());
  EXPECT_EQ(Json::parse(json.output).size(), 2u) << json.output;

  // To a subject no stream stores: refused, and nothing leaves the dead letters.
  CommandResult nowhere = run_command(
      shell_quote(engine_binary()) +
      " dlq replay --subject jobs.new.dlq --to nowhere.at.all --nats-url " + nats_.url());
  EXPECT_EQ(nowhere.exit_code, 1);
  EXPECT_EQ(nowhere.output,
            "error: no JetStream stream stores subject nowhere.at.all, so a replay could not be "
            "acknowledged; the dead letters stay in jobs.new.dlq (create a stream for it, or pass "
            "--to a subject one stores)\n");
  EXPECT_EQ(
      Json::parse(run_command(shell_quote(engine_binary()) +
                              " dlq list --subject jobs.new.dlq -o json --nats-url " + nats_.url())
                      .output)
          .size(),
      2u);

  // "Fixed": the replayed messages no longer fail.
  engine->stop(SIGTERM);
  write("nodes/record.ts", "export default async () => ({ fixed: true });\n");
  engine = start_engine();
  CommandResult replayed =
      run_command(shell_quote(engine_binary()) + " dlq replay --subject jobs.new.dlq --nats-url " +
                  nats_.url());
  EXPECT_EQ(replayed.exit_code, 0) << replayed.output;
  EXPECT_EQ(replayed.output, "replayed 2 message(s) from jobs.new.dlq\n");
  CommandResult empty = run_command(shell_quote(engine_binary()) +
                                    " dlq list --subject jobs.new.dlq --nats-url " + nats_.url());
  EXPECT_EQ(empty.output, "No dead letters on jobs.new.dlq.\n");
  EXPECT_TRUE(eventually(
      [&] {
        return engine_metrics().find(
                   "pd_executions_total{trigger=\"jobs\",outcome=\"success\"} 2") !=
               std::string::npos;
      },
      std::chrono::seconds(20)));
}

TEST_F(EngineNats, StartsOneIsolatePerCpuItMayUse) {
  // Confined to one CPU (as taskset or a cpuset does; a pod's CPU limit is read from its cgroup,
  // tested in CpuBudget), the engine starts one isolate, not one per core of the machine.
  // That isolate serves HTTP itself (--http-loop auto): no hand-off to another thread.
  auto engine = start_engine("taskset -c 0 ");
  EXPECT_TRUE(eventually([&] { return engine->log().find("\"isolates\":1,") != std::string::npos; },
                         std::chrono::seconds(20)))
      << engine->log();
  EXPECT_NE(engine->log().find("\"httpLoop\":\"isolates\""), std::string::npos) << engine->log();
  EXPECT_EQ(engine->stop(SIGTERM), 0) << engine->log();
}

TEST_F(EngineNats, SeveralIsolatesShareOneHttpLoop) {
  // --http-loop auto with several isolates: one loop hands executions to the least busy.
  auto engine = start_engine("", " --isolates 2");
  EXPECT_TRUE(eventually([&] { return engine->log().find("\"isolates\":2,") != std::string::npos; },
                         std::chrono::seconds(20)))
      << engine->log();
  EXPECT_NE(engine->log().find("\"httpLoop\":\"single\""), std::string::npos) << engine->log();
  EXPECT_EQ(engine->stop(SIGTERM), 0) << engine->log();
}

TEST_F(EngineNats, RunsUnprivilegedWithAReadOnlyWorkflowAndNoWritableHome) {
  // As the image runs it: user nobody, workflow folder read-only, HOME not writable, /tmp only.
  std::filesystem::permissions(
      dir_.path(), std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                       std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                       std::filesystem::perms::others_exec);
  ASSERT_EQ(
      run_command("chmod -R a+rX,a-w " + shell_quote((dir_.path() / "wf").string())).exit_code, 0);
  auto engine =
      start_engine("env HOME=/nonexistent setpriv --reuid=nobody --regid=nogroup --clear-groups ");
  publish(0, 5);
  ASSERT_TRUE(eventually([&] { return recorder_.distinct() == 5; }, std::chrono::seconds(20)))
      << engine->log();
  CommandResult user = run_command("ps -o user= -p " + std::to_string(engine->pid()));
  EXPECT_NE(user.output.find("nobody"), std::string::npos) << user.output;
  EXPECT_EQ(engine->stop(SIGTERM), 0) << engine->log();
  run_command("chmod -R u+w " + shell_quote((dir_.path() / "wf").string()));
}

}  // namespace
}  // namespace pd::testing
