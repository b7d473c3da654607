// pd-harness on small workflows written by the tests: failing fixtures fail with path-level
// diffs, fixtures match node names exactly, mocks report the nearest one, JUnit parses, -j gives
// the same results, CI rules, --update.
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "engine/spec/test_workflow_dir.h"
#include "harness/harness_cli.h"
#include "harness/reporters.h"
#include "harness/test_runner.h"

namespace pd::harness {
namespace {

js::V8Platform& platform() {
  static js::V8Platform* instance = new js::V8Platform();  // never destroyed: V8 cannot re-initialize
  return *instance;
}

class HarnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("workflow.yaml",
               "name: small\nversion: \"1.0\"\ntriggers: [{type: manual}]\n"
               "nodes:\n  fetch: {path: nodes/fetch.ts}\n  fetch-data: {path: nodes/data.ts}\n"
               "  lonely: {path: nodes/data.ts}\nconfig:\n  base: 1\n");
    dir_.write("nodes/fetch.ts",
               "export default async (ctx: any, input: any) => {\n"
               "  const res = await ctx.fetch('github', '/repos/x');\n"
               "  return { got: await res.json(), base: ctx.config.base, extra: ctx.config.extra ?? null };\n};\n");
    dir_.write("nodes/data.ts", "export default (_c: unknown, input: any) => ({ n: input.n * 2 });\n");
    dir_.write("tests/fixtures/fetch.json",
               R"({"config": {"extra": "yes"}, "expected": {"got": {"mock": true, "service": "github", "path": "/repos/x"}, "base": 1, "extra": "yes"}})");
    dir_.write("tests/fixtures/fetch-data.json", R"({"input": {"n": 2}, "expected": {"n": 4}})");
    dir_.write("tests/fixtures/fetch-data.wrong.json", R"({"input": {"n": 2}, "expected": {"n": 5, "m": 1}})");
  }
  Result<std::vector<CaseResult>> run(TestOptions options = {}) {
    options.paths = {dir_.path()};
    return run_node_tests(platform(), options);
  }
  spec::testing::TestWorkflowDir dir_;
};

TEST_F(HarnessTest, FixturesMatchNodesExactlyAndFailuresShowPaths) {
  Result<std::vector<CaseResult>> results = run();
  ASSERT_TRUE(results.is_ok()) << results.status().message();
  ASSERT_EQ(results.value().size(), 4u);
  const auto& r = results.value();
  EXPECT_EQ(r[0].name, "fetch");  // the old default mock reply, fixture config over workflow config
  EXPECT_EQ(r[0].outcome, Outcome::kPassed) << (r[0].problems.empty() ? "" : r[0].problems[0]);
  EXPECT_EQ(r[1].name, "fetch-data");
  EXPECT_EQ(r[1].outcome, Outcome::kPassed);
  EXPECT_EQ(r[2].name, "fetch-data.wrong");
  EXPECT_EQ(r[2].outcome, Outcome::kFailed);
  EXPECT_EQ(r[2].problems, (std::vector<std::string>{"$.m: expected 1, got nothing", "$.n: expected 5, got 4"}));
  EXPECT_EQ(r[3].name, "lonely");
  EXPECT_EQ(r[3].outcome, Outcome::kSkipped);
  std::string console = render_report("console", r);
  EXPECT_TRUE(console.ends_with("2 passed, 1 failed, 1 skipped\n")) << console;
}

TEST_F(HarnessTest, UnmatchedRequestsNameTheNearestMock) {
  dir_.write("tests/fixtures/fetch.json",
             R"({"fetch": [{"request": {"method": "GET", "service": "github", "path": "/repos/y"}, "response": {"json": {}}}], "expected": {}})");
  Result<std::vector<CaseResult>> results = run({.filter = "small/fetch$"});
  ASSERT_TRUE(results.is_ok()) << results.status().message();
  ASSERT_EQ(results.value().size(), 1u);
  ASSERT_EQ(results.value()[0].outcome, Outcome::kFailed);
  EXPECT_NE(results.value()[0].problems[0].find(
                "no fetch mock matches GET https://api.github.com/repos/x; nearest: fetch[0] (GET "
                "https://api.github.com/repos/y) wants url https://api.github.com/repos/y"),
            std::string::npos)
      << results.value()[0].problems[0];
}

TEST_F(HarnessTest, ParallelWorkersGiveTheSameReport) {
  Result<std::vector<CaseResult>> one = run({.jobs = 1});
  Result<std::vector<CaseResult>> four = run({.jobs = 4});
  ASSERT_TRUE(one.is_ok() && four.is_ok());
  auto strip_times = [](std::vector<CaseResult> r) {
    for (CaseResult& c : r) c.ms = 0;
    return render_report("json", r);
  };
  EXPECT_EQ(strip_times(one.value()), strip_times(four.value()));
}

TEST_F(HarnessTest, JunitReportCountsEveryCase) {
  Result<std::vector<CaseResult>> results = run();
  ASSERT_TRUE(results.is_ok());
  std::string xml = render_report("junit", results.value());
  EXPECT_NE(xml.find("<testsuites name=\"pd-harness\" tests=\"4\" failures=\"1\" skipped=\"1\">"), std::string::npos) << xml;
  size_t cases = 0;
  for (size_t at = xml.find("<testcase "); at != std::string::npos; at = xml.find("<testcase ", at + 1)) ++cases;
  EXPECT_EQ(cases, 4u);
  EXPECT_NE(xml.find("<failure message=\"$.m: expected 1, got nothing\">"), std::string::npos);
}

TEST_F(HarnessTest, CiRulesAndUpdate) {
  dir_.write("tests/fixtures/fetch-data.new.json", R"({"input": {"n": 21}, "note": "kept"})");
  Result<std::vector<CaseResult>> ci = run({.filter = "new", .ci = true});
  ASSERT_TRUE(ci.is_ok());
  EXPECT_EQ(ci.value()[0].outcome, Outcome::kFailed);
  EXPECT_FALSE(run({.update = true, .ci = true}).is_ok());
  Result<std::vector<CaseResult>> updated = run({.filter = "new", .update = true});
  ASSERT_TRUE(updated.is_ok());
  EXPECT_EQ(updated.value()[0].outcome, Outcome::kPassed);
  std::ifstream in(dir_.path() / "tests/fixtures/fetch-data.new.json");
  nlohmann::json written = nlohmann::json::parse(in);
  EXPECT_EQ(written["expected"], (nlohmann::json{{"n", 42}}));
  EXPECT_EQ(written["note"], "kept");
}

TEST_F(HarnessTest, ExitCodesFollowTheResultsWhateverTheReporter) {
  std::ostringstream out, err;
  EXPECT_EQ(run_harness_cli(platform(), {"test", dir_.path().string(), "--reporter", "tap"}, out, err), 1);
  EXPECT_NE(out.str().find("not ok 3 - small/fetch-data.wrong"), std::string::npos) << out.str();
  std::ostringstream out2, err2;
  EXPECT_EQ(run_harness_cli(platform(), {"test", dir_.path().string(), "--filter", "fetch$", "--reporter", "json"}, out2, err2), 0);
  std::ostringstream out3, err3;
  EXPECT_EQ(run_harness_cli(platform(), {"test", "--no-such-flag"}, out3, err3), 2);
}

TEST_F(HarnessTest, PipelineFixturesRunTheWholeDag) {
  dir_.write("workflow.yaml",
             "name: small\nversion: \"1.0\"\ntriggers: [{type: manual}]\n"
             "nodes:\n  fetch-data: {path: nodes/data.ts}\n  lonely: {path: nodes/data.ts}\n"
             "edges:\n  - {from: fetch-data, to: lonely}\n");
  dir_.write("tests/pipeline.json", R"({"input": {"n": 1}, "expected": {"success": true, "outputs": {"lonely": {"n": 4}}}})");
  dir_.write("tests/pipeline.wrong.json", R"({"input": {"n": 1}, "expected": {"outputs": {"lonely": {"n": 5}}}})");
  Result<std::vector<CaseResult>> results = run({.filter = "pipeline"});
  ASSERT_TRUE(results.is_ok()) << results.status().message();
  ASSERT_EQ(results.value().size(), 2u);
  EXPECT_EQ(results.value()[0].outcome, Outcome::kPassed)
      << (results.value()[0].problems.empty() ? "" : results.value()[0].problems[0]);
  EXPECT_EQ(results.value()[1].outcome, Outcome::kFailed);
  EXPECT_EQ(results.value()[1].problems, (std::vector<std::string>{"$.outputs.lonely.n: expected 5, got 4"}));
}

TEST_F(HarnessTest, VirtualFilesModuleMocksAndLogExpectations) {
  dir_.write("workflow.yaml",
             "name: small\nversion: \"1.0\"\ntriggers: [{type: manual}]\n"
             "nodes:\n  reader: {path: nodes/reader.ts}\n  db: {path: nodes/db.ts}\n");
  dir_.write("nodes/reader.ts",
             "export default async () => {\n"
             "  const config = JSON.parse(await Deno.readTextFile('/etc/app/config.json'));\n"
             "  const bytes = await Deno.readFile('/etc/app/logo.bin');\n"
             "  const linked = await Deno.readTextFile('/etc/app/current.json');\n"
             "  const names = [];\n"
             "  for await (const e of Deno.readDir('/etc/app')) names.push(e.name + (e.isDirectory ? '/' : ''));\n"
             "  let missing = '';\n"
             "  try { await Deno.readTextFile('/etc/app/missing.json'); } catch (e) { missing = e.name; }\n"
             "  console.warn('loaded', config.region);\n"
             "  return { region: config.region, bytes: Array.from(bytes), linked, names: names.sort(), missing };\n"
             "};\n");
  dir_.write("nodes/db.ts",
             "import { Client } from 'jsr:@db/postgres@0.19.5';\n"
             "export default async () => { const c = new Client(); return await c.queryObject('select 1'); };\n");
  dir_.write("tests/fixtures/reader.json", R"({
    "files": {
      "/etc/app/config.json": "{\"region\": \"eu\"}",
      "/etc/app/logo.bin": {"base64": "AAH/"},
      "/etc/app/current.json": {"symlink": "config.json"},
      "/etc/app/sub/x.txt": "x"
    },
    "logs": [{"level": "warn", "message": "loaded eu"}],
    "expected": {"region": "eu", "bytes": [0, 1, 255], "linked": "{\"region\": \"eu\"}",
                 "names": ["config.json", "current.json", "logo.bin", "sub/"], "missing": "NotFound"}
  })");
  dir_.write("tests/fixtures/reader.quiet.json", R"({
    "files": {"/etc/app/config.json": "{\"region\": \"us\"}", "/etc/app/logo.bin": "", "/etc/app/current.json": "1"},
    "logs": [{"level": "error", "message": "never written"}],
    "match": "subset", "expected": {"region": "us"}
  })");
  dir_.write("tests/fixtures/db.json", R"({
    "modules": {"jsr:@db/postgres@0.19.5": {"source": "export class Client { async queryObject(q: string) { return { rows: [{ q }] }; } }"}},
    "expected": {"rows": [{"q": "select 1"}]}
  })");
  Result<std::vector<CaseResult>> results = run();
  ASSERT_TRUE(results.is_ok()) << results.status().message();
  const auto& r = results.value();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].name, "reader");
  EXPECT_EQ(r[0].outcome, Outcome::kPassed) << (r[0].problems.empty() ? "" : r[0].problems[0]);
  EXPECT_EQ(r[1].name, "reader.quiet");
  EXPECT_EQ(r[2].name, "db");
  EXPECT_EQ(r[2].outcome, Outcome::kPassed) << (r[2].problems.empty() ? "" : r[2].problems[0]);
  EXPECT_EQ(r[1].problems, (std::vector<std::string>{
                               "expected a log line at level error containing \"never written\"; none was written"}));
}

TEST_F(HarnessTest, PipelineFixturesStubNodesAndFixTheClock) {
  dir_.write("workflow.yaml",
             "name: small\nversion: \"1.0\"\ntriggers: [{type: manual}]\n"
             "nodes:\n  fetch: {path: nodes/fetch.ts}\n  stamp: {path: nodes/stamp.ts}\n"
             "edges:\n  - {from: fetch, to: stamp}\n");
  dir_.write("nodes/stamp.ts",
             "export default (_c: unknown, input: any) => ({ got: input, at: new Date().toISOString(), r: Math.random() });\n");
  dir_.write("tests/pipeline.json", R"({
    "now": "2026-01-01T00:00:00Z", "random": 7,
    "nodes": {"fetch": {"output": {"stubbed": true}}},
    "expected": {"success": true, "outputs": {"stamp": {"got": {"stubbed": true}, "at": "2026-01-01T00:00:00.000Z"}}}
  })");
  dir_.write("tests/pipeline.broken.json", R"({
    "nodes": {"fetch": {"error": "upstream down"}},
    "expected": {"success": false, "errors": {"fetch": "upstream down"}}
  })");
  Result<std::vector<CaseResult>> results = run({.filter = "pipeline"});
  ASSERT_TRUE(results.is_ok()) << results.status().message();
  std::vector<const CaseResult*> pipelines;
  for (const CaseResult& r : results.value()) {
    if (r.name.starts_with("pipeline")) pipelines.push_back(&r);
  }
  ASSERT_EQ(pipelines.size(), 2u);
  for (const CaseResult* r : pipelines) {
    EXPECT_EQ(r->outcome, Outcome::kPassed) << r->name << ": " << (r->problems.empty() ? "" : r->problems[0]);
  }
}

TEST_F(HarnessTest, TimersOrRequestsLeftPendingFailTheFixture) {
  dir_.write("workflow.yaml",
             "name: small\nversion: \"1.0\"\ntriggers: [{type: manual}]\n"
             "nodes:\n  leaky: {path: nodes/leaky.ts}\n");
  dir_.write("nodes/leaky.ts",
             "export default async (_c: unknown, input: any) => {\n"
             "  if (input.interval) setInterval(() => {}, 1000);\n"
             "  await new Promise((r) => setTimeout(r, 5));  // finished timers are fine\n"
             "  if (input.request) fetch('https://api.example.com/slow');  // not awaited\n"
             "  return 'done';\n};\n");
  dir_.write("tests/fixtures/leaky.json", R"({"input": {}, "expected": "done"})");
  dir_.write("tests/fixtures/leaky.interval.json", R"({"input": {"interval": true}, "expected": "done"})");
  dir_.write("tests/fixtures/leaky.allowed.json", R"({"input": {"interval": true}, "allowLeaks": true, "expected": "done"})");
  dir_.write("tests/fixtures/leaky.request.json", R"({"input": {"request": true}, "expected": "done",
    "fetch": [{"request": {"url": "https://api.example.com/slow"}, "response": {"body": "x"}}]})");
  Result<std::vector<CaseResult>> results = run();
  ASSERT_TRUE(results.is_ok()) << results.status().message();
  std::map<std::string, std::vector<std::string>> problems;
  for (const CaseResult& r : results.value()) problems[r.name] = r.problems;
  EXPECT_TRUE(problems["leaky"].empty()) << problems["leaky"][0];
  EXPECT_TRUE(problems["leaky.allowed"].empty());
  ASSERT_EQ(problems["leaky.interval"].size(), 1u);
  EXPECT_EQ(problems["leaky.interval"][0],
            "the node returned while 1 timer(s) and 0 request(s) or other operation(s) were still "
            "pending: clear or await them (or set \"allowLeaks\": true in the fixture)");
  ASSERT_FALSE(problems["leaky.request"].empty());
  EXPECT_NE(problems["leaky.request"][0].find("1 request(s)"), std::string::npos) << problems["leaky.request"][0];
}

TEST_F(HarnessTest, LiveModeUsesRealHttpAndTheNodesCapabilities) {
  httplib::Server server;
  server.Get("/status", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"live": true})", "application/json");
  });
  int port = server.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { server.listen_after_bind(); });
  std::string origin = "127.0.0.1:" + std::to_string(port);
  dir_.write("workflow.yaml",
             "name: small\nversion: \"1.0\"\ntriggers: [{type: manual}]\n"
             "nodes:\n  allowed: {path: nodes/get.ts, capabilities: {net: [\"" + origin + "\"]}}\n"
             "  denied: {path: nodes/get.ts}\n");
  dir_.write("nodes/get.ts",
             "export default async () => (await fetch('http://" + origin + "/status')).json();\n");
  std::string mocks_only = R"({"fetch": [{"request": {"url": "http://)" + origin +
                           R"(/status"}, "response": {"json": {"live": false}}}], "expected": {"live": false}})";
  std::string mocked = R"({"live": true, "fetch": [{"request": {"url": "http://)" + origin +
                       R"(/status"}, "response": {"json": {"live": false}}}], "expected": {"live": true}})";
  dir_.write("tests/fixtures/allowed.json", mocked);
  dir_.write("tests/fixtures/allowed.mocked.json", mocks_only);
  dir_.write("tests/fixtures/denied.json", mocked);
  TestOptions options;
  options.paths = {dir_.path()};
  Result<std::vector<CaseResult>> mocks = run_node_tests(platform(), options);
  options.live = true;
  Result<std::vector<CaseResult>> live = run_node_tests(platform(), options);
  server.stop();
  serving.join();
  ASSERT_TRUE(mocks.is_ok() && live.is_ok());
  // With mocks both get {"live": false}; live, the allowed node reaches the server and the other
  // is refused by its (missing) capabilities, as in the engine.
  EXPECT_EQ(mocks.value()[0].problems, (std::vector<std::string>{"$.live: expected true, got false"}));
  EXPECT_EQ(live.value()[0].name, "allowed");
  EXPECT_TRUE(live.value()[0].problems.empty()) << live.value()[0].problems[0];
  // Without `live: true` a fixture's assertions do not apply live: the output is shown instead.
  EXPECT_EQ(live.value()[1].name, "allowed.mocked");
  EXPECT_TRUE(live.value()[1].problems.empty()) << live.value()[1].problems[0];
  EXPECT_EQ(live.value()[1].output, nlohmann::json({{"live", true}}));
  EXPECT_NE(render_report("console", live.value(), false).find("    output: {\"live\":true}"), std::string::npos);
  ASSERT_FALSE(live.value()[2].problems.empty());
  EXPECT_NE(live.value()[2].problems[0].find("PermissionDenied"), std::string::npos) << live.value()[2].problems[0];
}

// --record: one real run writes the exchanges into the fixture as mocks — the real secret replaced
// by the fixture's stand-in, no request headers — and the fixture then passes on the mocks alone.
TEST_F(HarnessTest, RecordWritesRedactedMocksThatReplay) {
  httplib::Server server;
  std::string seen_auth;
  server.Get("/items", [&](const httplib::Request& req, httplib::Response& res) {
    seen_auth = req.get_header_value("Authorization");
    res.set_content(R"({"items": [1, 2], "echo": ")" + req.get_param_value("key") + R"("})", "application/json");
  });
  int port = server.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { server.listen_after_bind(); });
  std::string origin = "127.0.0.1:" + std::to_string(port);
  dir_.write("workflow.yaml",
             "name: small\nversion: \"1.0\"\ntriggers: [{type: manual}]\n"
             "nodes:\n  items: {path: nodes/items.ts, capabilities: {net: [\"" + origin + "\"]}}\n");
  dir_.write("nodes/items.ts",
             "export default async (ctx: any) => {\n"
             "  const key = ctx.secrets.store.key;\n"
             "  const res = await fetch(`http://" + origin + "/items?key=${key}`, {headers: {authorization: `Bearer ${key}`}});\n"
             "  return (await res.json()).items;\n};\n");
  dir_.write(".secrets.yaml", "store:\n  key: real-secret-4711\n");
  dir_.write("tests/fixtures/items.json", R"({"secrets": {"store": {"key": "fake-key"}}, "expected": [1, 2]})");
  TestOptions options;
  options.paths = {dir_.path()};
  options.record = true;
  Result<std::vector<CaseResult>> recorded = run_node_tests(platform(), options);
  server.stop();
  serving.join();
  ASSERT_TRUE(recorded.is_ok()) << recorded.status().message();
  EXPECT_EQ(seen_auth, "Bearer real-secret-4711");  // the real service got the real secret
  EXPECT_EQ(recorded.value()[0].notes, (std::vector<std::string>{"recorded 1 exchange(s) into tests/fixtures/items.json"}));
  std::ifstream file(dir_.path() / "tests/fixtures/items.json");
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find("real-secret-4711"), std::string::npos) << text;
  nlohmann::json fixture = nlohmann::json::parse(text);
  EXPECT_EQ(fixture["fetch"], nlohmann::json::parse(R"([{"request": {"method": "GET", "url": "http://)" + origin +
                                                    R"(/items?key=fake-key"}, "response": {"status": 200,
                                                    "json": {"items": [1, 2], "echo": "fake-key"}}}])"));
  EXPECT_EQ(fixture["expected"], nlohmann::json::parse("[1, 2]"));  // the rest of the file is kept
  options.record = false;
  Result<std::vector<CaseResult>> replayed = run_node_tests(platform(), options);  // the server is gone
  ASSERT_TRUE(replayed.is_ok());
  EXPECT_EQ(replayed.value()[0].outcome, Outcome::kPassed)
      << (replayed.value()[0].problems.empty() ? "" : replayed.value()[0].problems[0]);
}

std::filesystem::path example(const std::string& name) {
  const char* source = std::getenv("PD_SOURCE_DIR");
  return std::filesystem::path(source ? source : PD_SOURCE_DIR_FALLBACK) / "example-workflows" / name;
}

// The in-cluster example against fake API servers: it passes with its RBAC, and with its
// ClusterRole rules removed the node gets the API server's real 403 Status.
TEST_F(HarnessTest, InClusterExamplePassesAndFailsWith403WithoutItsRbac) {
  std::filesystem::remove_all(dir_.path());
  std::filesystem::copy(example("cluster-health-collector"), dir_.path(), std::filesystem::copy_options::recursive);
  TestOptions options;
  options.paths = {dir_.path()};
  Result<std::vector<CaseResult>> with_rbac = run_node_tests(platform(), options);
  ASSERT_TRUE(with_rbac.is_ok()) << with_rbac.status().message();
  for (const CaseResult& r : with_rbac.value()) {
    EXPECT_EQ(r.outcome, Outcome::kPassed) << r.name << ": " << (r.problems.empty() ? "" : r.problems[0]);
  }
  for (const char* name : {"collect-nodes.json", "collect-pods.json"}) {
    std::filesystem::path file = dir_.path() / "tests/fixtures" / name;
    std::ifstream in(file);
    nlohmann::json fixture = nlohmann::json::parse(in);
    fixture["k8s"]["serviceAccount"].erase("clusterRules");
    std::ofstream(file) << fixture.dump(2);
  }
  options.filter = "collect-(nodes|pods)$";
  Result<std::vector<CaseResult>> without = run_node_tests(platform(), options);
  ASSERT_TRUE(without.is_ok()) << without.status().message();
  ASSERT_EQ(without.value().size(), 2u);
  EXPECT_EQ(without.value()[0].problems,
            (std::vector<std::string>{
                "Error: nodes is forbidden: User \"system:serviceaccount:monitoring:health-collector\" cannot "
                "list resource \"nodes\" in API group \"\" at the cluster scope\n"
                "    at #request (pd:context.js:92:23)\n    at async Kube.list (pd:context.js:113:15)\n"
                "    at async run (nodes/collect-nodes.ts:11:17)"}));
  ASSERT_EQ(without.value()[1].problems.size(), 1u);
  EXPECT_NE(without.value()[1].problems[0].find("listing pods in payments: 403 pods is forbidden"), std::string::npos)
      << without.value()[1].problems[0];
}

// Under --live a `k8s` fixture reaches the kubeconfig's cluster, or with --fake-cluster a fresh
// fake one seeded from the fixture; bad `k8s` sections are refused naming the field.
TEST_F(HarnessTest, K8sSectionsAreCheckedAndServedLiveWithFakeCluster) {
  dir_.write("workflow.yaml",
             "name: small\nversion: \"1.0\"\ntriggers: [{type: manual}]\nnodes:\n  cms: {path: nodes/cms.ts}\n");
  dir_.write("nodes/cms.ts",
             "export default async (ctx: any) => (await ctx.k8s.list('configmaps')).map((c: any) => c.metadata.name);\n");
  dir_.write("tests/fixtures/cms.json",
             R"({"live": true, "k8s": {"objects": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "default"}}]}, "expected": ["a"]})");
  TestOptions options;
  options.paths = {dir_.path()};
  dir_.write("tests/pipeline.json", R"({"live": true, "k8s": {"objects": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}]},
    "expected": {"success": true, "outputs": {"cms": ["b"]}}})");
  options.live = true;
  options.fake_cluster = true;
  Result<std::vector<CaseResult>> live = run_node_tests(platform(), options);
  ASSERT_TRUE(live.is_ok()) << live.status().message();
  ASSERT_EQ(live.value().size(), 2u);
  EXPECT_EQ(live.value()[0].outcome, Outcome::kPassed) << live.value()[0].problems[0];
  // A live pipeline prints each node's time, and its outputs.
  EXPECT_EQ(live.value()[1].outcome, Outcome::kPassed) << live.value()[1].problems[0];
  ASSERT_EQ(live.value()[1].notes.size(), 1u);
  EXPECT_TRUE(live.value()[1].notes[0].starts_with("cms: ")) << live.value()[1].notes[0];
  EXPECT_EQ((*live.value()[1].output)["outputs"]["cms"], nlohmann::json::parse(R"(["b"])"));
  std::filesystem::remove(dir_.path() / "tests/pipeline.json");
  dir_.write("tests/fixtures/cms.json", R"({"k8s": {"objects": [{"kind": "ConfigMap"}]}})");
  Result<std::vector<CaseResult>> bad = run_node_tests(platform(), options);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("cms.json: k8s.objects[0]: needs string apiVersion, kind and metadata.name"),
            std::string::npos) << bad.status().message();
  dir_.write("tests/fixtures/cms.json", R"({"k8s": {"serviceAccount": {"name": "x", "rules": [{"resources": ["pods"]}]}}})");
  bad = run_node_tests(platform(), options);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("cms.json: k8s.serviceAccount.rules[0]: a PolicyRule needs \"verbs\""),
            std::string::npos) << bad.status().message();
  dir_.write("tests/fixtures/cms.json", R"({"live": "yes"})");
  bad = run_node_tests(platform(), options);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("cms.json: `live` must be true or false"), std::string::npos)
      << bad.status().message();
}

}  // namespace
}  // namespace pd::harness

namespace pd::harness {
namespace {

// A JSON fixture's input reaches the node in the file's key order (Pipedreamer's word-counter
// sorts ties by Object.entries order), not in nlohmann's sorted order.
TEST_F(HarnessTest, InputKeepsTheFixturesKeyOrder) {
  dir_.write("nodes/data.ts", "export default (_c: unknown, input: any) => Object.keys(input.counts);\n");
  dir_.write("tests/fixtures/fetch-data.json", R"({"input": {"counts": {"the": 3, "quick": 1, "brown": 1}}, "expected": ["the", "quick", "brown"]})");
  TestOptions options;
  options.filter = "small/fetch-data$";
  Result<std::vector<CaseResult>> results = run(options);
  ASSERT_TRUE(results.is_ok()) << results.status().message();
  ASSERT_EQ(results.value().size(), 1u);
  EXPECT_EQ(results.value()[0].outcome, Outcome::kPassed) << results.value()[0].problems[0];
}

}  // namespace
}  // namespace pd::harness

namespace pd::harness {
namespace {

// Per-node overrides in a pipeline fixture: one node gets its own fetch mocks, config and
// secrets; the other keeps the shared ones. An override's unused mock is reported under its node.
TEST_F(HarnessTest, PipelineFixturesOverrideMocksConfigAndSecretsPerNode) {
  dir_.write("workflow.yaml",
             "name: small\nversion: \"1.0\"\ntriggers: [{type: manual}]\n"
             "nodes:\n  first: {path: nodes/get.ts}\n  second: {path: nodes/get.ts}\n"
             "edges:\n  - {from: first, to: second}\nconfig:\n  label: shared\n");
  dir_.write("nodes/get.ts",
             "export default async (ctx: any) => ({ got: await (await fetch('https://api.example.com/x')).json(),\n"
             "  label: ctx.config.label, key: ctx.secrets.api?.key === 'own-key' ? 'own' : 'shared' });\n");
  dir_.write("tests/pipeline.json", R"({
    "secrets": {"api": {"key": "shared-key"}},
    "fetch": [{"request": {"url": "https://api.example.com/x"}, "response": {"json": "shared"}}],
    "nodes": {"second": {"config": {"label": "own"}, "secrets": {"api": {"key": "own-key"}},
                         "fetch": [{"request": {"url": "https://api.example.com/x"}, "response": {"json": "own"}},
                                   {"request": {"url": "https://api.example.com/unused"}, "times": 1}]}},
    "expected": {"success": true, "outputs": {
      "first": {"got": "shared", "label": "shared", "key": "shared"},
      "second": {"got": "own", "label": "own", "key": "own"}}}
  })");
  Result<std::vector<CaseResult>> results = run();
  ASSERT_TRUE(results.is_ok()) << results.status().message();
  const CaseResult& pipeline = results.value().back();
  EXPECT_EQ(pipeline.name, "pipeline");
  EXPECT_EQ(pipeline.problems,
            (std::vector<std::string>{"unused mock: nodes[\"second\"].fetch[1] https://api.example.com/unused used 0 of 1 times"}));
  dir_.write("tests/pipeline.json", R"({"nodes": {"second": {"output": 1, "config": {}}}})");
  Result<std::vector<CaseResult>> bad = run();
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("nodes[\"second\"]: either a stub"), std::string::npos) << bad.status().message();
}

}  // namespace
}  // namespace pd::harness

namespace pd::harness {
namespace {

// --pipeline runs only pipeline fixtures; a workflow without one is skipped, not passed.
TEST_F(HarnessTest, PipelineFlagRunsOnlyPipelineFixtures) {
  TestOptions options;
  options.pipeline_only = true;
  Result<std::vector<CaseResult>> none = run(options);
  ASSERT_TRUE(none.is_ok()) << none.status().message();
  ASSERT_EQ(none.value().size(), 1u);
  EXPECT_EQ(none.value()[0].name, "pipeline");
  EXPECT_EQ(none.value()[0].outcome, Outcome::kSkipped);
  EXPECT_EQ(none.value()[0].problems, (std::vector<std::string>{"no pipeline fixture (tests/pipeline.json)"}));
  dir_.write("tests/pipeline.json", R"({"input": {"n": 1}, "nodes": {"fetch": {"output": 1}},
    "expected": {"success": true, "outputs": {"fetch-data": {"n": 2}}}})");
  Result<std::vector<CaseResult>> one = run(options);
  ASSERT_TRUE(one.is_ok()) << one.status().message();
  ASSERT_EQ(one.value().size(), 1u);
  EXPECT_EQ(one.value()[0].outcome, Outcome::kPassed) << one.value()[0].problems[0];
  options.paths = {dir_.path() / "fetch"};
  Result<std::vector<CaseResult>> node = run_node_tests(platform(), options);
  ASSERT_FALSE(node.is_ok());
  EXPECT_NE(node.status().message().find("--pipeline runs whole workflows"), std::string::npos);
}

}  // namespace
}  // namespace pd::harness
