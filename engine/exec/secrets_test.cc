#include "engine/exec/secrets.h"

#include <gtest/gtest.h>

#include <fstream>

#include "engine/util/temp_dir.h"

namespace pd::exec {
namespace {

class SecretsTest : public ::testing::Test {
 protected:
  void write(const std::filesystem::path& relative, const std::string& text) {
    std::filesystem::create_directories((dir_ / relative).parent_path());
    std::ofstream(dir_ / relative) << text;
  }
  // A folder laid out as Kubernetes mounts a Secret: keys are symlinks into ..data/.
  std::filesystem::path mounted_secret(const std::map<std::string, std::string>& keys) {
    std::filesystem::path mount = dir_ / "mount";
    std::filesystem::path data = mount / "..2026_01_01_00_00_00.123";
    std::filesystem::create_directories(data);
    for (const auto& [key, value] : keys) {
      std::ofstream(data / key) << value;
      std::filesystem::create_symlink(std::filesystem::path("..data") / key, mount / key);
    }
    std::filesystem::create_directory_symlink(data.filename(), mount / "..data");
    return mount;
  }

  TempDir temp_{"pd-secrets"};
  std::filesystem::path dir_ = temp_.path();
  RealFileSystem fs_;
};

TEST_F(SecretsTest, CascadeMergesKeyByKeyWithTheMountedSecretLast) {
  write("wf/.secrets/github", R"({"token": "from-folder", "user": "octo"})");
  write("wf/.secrets/slack", "  xoxb-plain-text \n");
  write("wf/.secrets/.hidden", "ignored");
  write("wf/.secrets.yaml",
        "github:\n  token: from-yaml\ndb:\n  auth:\n    user: app\n    password: pw1234\n");
  std::filesystem::path mount = mounted_secret({{"github", R"({"token": "from-cluster"})"}});
  Result<nlohmann::json> secrets = load_secrets({dir_ / "wf", std::nullopt, mount}, fs_);
  ASSERT_TRUE(secrets.is_ok()) << secrets.status().message();
  EXPECT_EQ(secrets.value(), nlohmann::json::parse(R"({
    "github": {"token": "from-cluster", "user": "octo"},
    "slack": {"value": "xoxb-plain-text"},
    "db": {"auth": {"user": "app", "password": "pw1234"}}
  })"));
}

TEST_F(SecretsTest, SymlinkedKeysOfAMountedSecretCount) {
  std::filesystem::path mount =
      mounted_secret({{"slack", R"({"token": "t-1234"})"}, {"api", "k-5678"}});
  Result<nlohmann::json> secrets = load_secrets_folder(fs_, mount);
  ASSERT_TRUE(secrets.is_ok()) << secrets.status().message();
  EXPECT_EQ(secrets.value(),
            nlohmann::json::parse(R"({"api": {"value": "k-5678"}, "slack": {"token": "t-1234"}})"));
}

TEST_F(SecretsTest, AnExplicitPathIsUsedAlone) {
  write("wf/.secrets.yaml", "github: {token: local}\n");
  write("only.yaml", "stripe: {api_key: sk-9999}\n");
  std::filesystem::path mount = mounted_secret({{"github", R"({"token": "cluster"})"}});
  Result<nlohmann::json> secrets = load_secrets({dir_ / "wf", dir_ / "only.yaml", mount}, fs_);
  ASSERT_TRUE(secrets.is_ok()) << secrets.status().message();
  EXPECT_EQ(secrets.value(), nlohmann::json::parse(R"({"stripe": {"api_key": "sk-9999"}})"));
}

TEST_F(SecretsTest, YamlErrorsNameTheFileAndLine) {
  write("wf/.secrets.yaml", "github:\n  token: [unclosed\n");
  Result<nlohmann::json> secrets = load_secrets({dir_ / "wf", std::nullopt, dir_ / "none"}, fs_);
  ASSERT_FALSE(secrets.is_ok());
  EXPECT_TRUE(
      secrets.status().message().starts_with((dir_ / "wf/.secrets.yaml").string() + ":3:1: error:"))
      << secrets.status().message();
}

TEST(SecretRedactor, BlanksSecretValuesInTextAndJson) {
  SecretRedactor redactor(nlohmann::json::parse(R"({"gh": {"token": "ghp_abcdef", "n": "ab"}})"));
  EXPECT_EQ(redactor.redact(std::string("Authorization: Bearer ghp_abcdef!")),
            "Authorization: Bearer [REDACTED]!");
  EXPECT_EQ(redactor.redact(nlohmann::json{{"echo", {"ghp_abcdef", "ab"}}}),
            (nlohmann::json{{"echo", {"[REDACTED]", "ab"}}}));
  EXPECT_EQ(redactor.redact(nlohmann::json{{"ghp_abcdef", 1}}),
            (nlohmann::json{{"[REDACTED]", 1}}));
}

TEST(SecretRedactor, KeysThatRedactAlikeAreAllKept) {
  SecretRedactor redactor(nlohmann::json{{"a", "token-one"}, {"b", "token-two"}});
  EXPECT_EQ(redactor.redact(nlohmann::json{{"token-one", 1}, {"token-two", 2}, {"[REDACTED]", 3}}),
            (nlohmann::json{{"[REDACTED]", 3}, {"[REDACTED] (2)", 1}, {"[REDACTED] (3)", 2}}));
}

TEST(SecretRedactor, TellsWhetherJsonTextMayShowASecret) {
  SecretRedactor redactor(nlohmann::json{{"svc", {{"token", "s3cret-value"}, {"short", "abc"}}}});
  EXPECT_TRUE(redactor.may_occur_in_json(R"({"auth":"Bearer s3cret-value"})"));
  EXPECT_FALSE(redactor.may_occur_in_json(R"({"n":1,"abc":"abc"})"));  // under 4: not a secret
  EXPECT_FALSE(SecretRedactor().may_occur_in_json("\"anything\""));
  // A secret JSON writes escaped is looked for as it is written.
  SecretRedactor quoted(nlohmann::json{{"svc", {{"token", "pass\"word\n"}}}});
  EXPECT_FALSE(quoted.may_occur_in_json(R"({"n":1})"));
  EXPECT_TRUE(quoted.may_occur_in_json(R"({"echo":"pass\"word\n"})"));
}

}  // namespace
}  // namespace pd::exec
