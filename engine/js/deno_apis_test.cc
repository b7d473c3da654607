// The Deno subset existing Pipedreamer nodes use, with read permissions.
#include "engine/js/runtime_test_fixture.h"

namespace pd::js {
namespace {

class DenoApisTest : public RuntimeTest {
 protected:
  Result<NodeCall> probe(const std::string& body, RuntimeOptions options = {}) {
    write("nodes/probe.ts", "export default async function run() {\n" + body + "\n}\n");
    options.workflow_dir = dir_;
    if (options.heap_limit_mb == 0) options.heap_limit_mb = 64;
    Runtime runtime(platform(), options);
    return runtime.call_node("nodes/probe.ts", nlohmann::json::object(), nlohmann::json::object(),
                             std::chrono::seconds(5));
  }
};

TEST_F(DenoApisTest, ReadsFilesInTheWorkflowFolder) {
  write("data/config.json", "{\"a\": 1}");
  Result<NodeCall> r = probe(
      "const text = await Deno.readTextFile('data/config.json');\n"
      "const bytes = await Deno.readFile('./data/config.json');\n"
      "return [JSON.parse(text).a, bytes.length, bytes instanceof Uint8Array];");
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value().output, nlohmann::json::parse("[1,8,true]"));
}

TEST_F(DenoApisTest, MissingFilesThrowDenoErrorsNotFound) {
  Result<NodeCall> r = probe(
      "try { await Deno.readTextFile('nope.txt'); return 'read'; }\n"
      "catch (e) { return [e instanceof Deno.errors.NotFound, e.name]; }");
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value().output, nlohmann::json::parse(R"([true,"NotFound"])"));
}

TEST_F(DenoApisTest, ReadsOutsideTheGrantedPathsAreDenied) {
  Result<NodeCall> r = probe(
      "try { await Deno.readTextFile('/etc/hostname'); return 'read'; }\n"
      "catch (e) { return [e instanceof Deno.errors.PermissionDenied, e.message]; }");
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value().output[0], true);
  EXPECT_EQ(r.value().output[1],
            "Requires read access to \"/etc/hostname\": nodes may read the workflow folder and "
            "the paths the engine grants (/app, /var/run/secrets)");
}

TEST_F(DenoApisTest, SymlinksOutOfTheFolderAreDeniedButReportedByLstat) {
  std::filesystem::create_directories(dir_ / "links");
  std::filesystem::create_symlink("/etc/hostname", dir_ / "links/host");
  Result<NodeCall> r = probe(
      "const info = await Deno.lstat('links/host');\n"
      "let denied = false;\n"
      "try { await Deno.readTextFile('links/host'); } catch (e) { denied = e instanceof "
      "Deno.errors.PermissionDenied; }\n"
      "const names = [];\n"
      "for await (const e of Deno.readDir('links')) names.push([e.name, e.isSymlink]);\n"
      "return [info.isSymlink, denied, names];");
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value().output, nlohmann::json::parse(R"([true,true,[["host",true]]])"));
}

TEST_F(DenoApisTest, GrantedPathsAndEnvironmentAreVisible) {
  std::filesystem::path secrets = dir_.parent_path() / (dir_.filename().string() + "-secrets");
  std::filesystem::create_directories(secrets);
  std::ofstream(secrets / "token") << "s3cret";
  RuntimeOptions options;
  options.read_paths = {secrets};
  options.env = {{"REGION", "eu-west-1"}};
  Result<NodeCall> r = probe(
      "return [await Deno.readTextFile('" + (secrets / "token").string() +
          "'),\n"
          "        Deno.env.get('REGION'), Deno.env.get('HOME') ?? null, Deno.cwd().length > 0];",
      options);
  std::filesystem::remove_all(secrets);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r.value().output, nlohmann::json::parse(R"(["s3cret","eu-west-1",null,true])"));
}

}  // namespace
}  // namespace pd::js
