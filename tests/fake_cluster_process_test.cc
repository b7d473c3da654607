// The pd-fake-cluster binary: kubeconfig output, seeding, SIGTERM, and --state surviving a
// restart.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "engine/util/temp_dir.h"
#include "tests/run_command.h"

namespace pd {
namespace {

using testing::run_command;
using testing::shell_quote;

std::string binary() {
  const char* dir = std::getenv("PD_BINARY_DIR");
  return std::string(dir ? dir : PD_BINARY_DIR_FALLBACK) + "/fakes/k8s/pd-fake-cluster";
}

class FakeClusterProcess : public ::testing::Test {
 protected:
  void TearDown() override {
    if (pid_ > 0) kill(pid_, SIGKILL), waitpid(pid_, nullptr, 0);
  }

  // Starts `pd-fake-cluster serve ARGS` and waits (with a deadline) for its "serving" line.
  void start(const std::vector<std::string>& args) {
    std::filesystem::remove(dir_ / "out");
    pid_ = fork();
    if (pid_ == 0) {
      int fd = open((dir_ / "out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      std::vector<std::string> all = {binary(), "serve"};
      all.insert(all.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (std::string& a : all) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline &&
           output().find("serving") == std::string::npos) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_NE(output().find("serving"), std::string::npos) << output();
  }
  int stop_with_sigterm() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::string output() const {
    std::ifstream in(dir_ / "out");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  testing::CommandResult kubectl(const std::string& args) {
    return run_command("KUBECONFIG=" + shell_quote((dir_ / "kc").string()) +
                       " kubectl --cache-dir " + shell_quote((dir_ / "cache").string()) + " " +
                       args);
  }

  TempDir temp_{"pd-fkp"};
  std::filesystem::path dir_ = temp_.path();
  pid_t pid_ = -1;
};

TEST_F(FakeClusterProcess, SeedsWritesAKubeconfigAndExitsCleanlyOnSigterm) {
  std::ofstream(dir_ / "seed.yaml")
      << "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: seeded, namespace: team}\ndata: {a: "
         "b}\n"
         "---\napiVersion: v1\nkind: Pod\nmetadata: {name: stuck, namespace: team}\n"
         "spec: {containers: [{name: c, image: x}]}\nstatus: {phase: Pending}\n";
  start({"--kubeconfig-out", (dir_ / "kc").string(), "--seed", (dir_ / "seed.yaml").string()});
  EXPECT_EQ(output().substr(0, 33), "pd-fake-cluster serving https://1");
  testing::CommandResult cm = kubectl("get cm seeded -n team -o jsonpath={.data.a}");
  EXPECT_EQ(cm.exit_code, 0) << cm.output;
  EXPECT_EQ(cm.output, "b");
  EXPECT_EQ(kubectl("get pod stuck -n team -o jsonpath={.status.phase}").output, "Pending");
  EXPECT_EQ(stop_with_sigterm(), 0);
  EXPECT_NE(output().find("pd-fake-cluster stopped"), std::string::npos);
}

TEST_F(FakeClusterProcess, StateFolderSurvivesARestart) {
  std::string state = (dir_ / "state").string();
  start({"--kubeconfig-out", (dir_ / "kc").string(), "--state", state});
  ASSERT_EQ(kubectl("create namespace keep").exit_code, 0);
  ASSERT_EQ(kubectl("create configmap c --from-literal=k=v -n keep").exit_code, 0);
  std::string rv = kubectl("get cm c -n keep -o jsonpath={.metadata.resourceVersion}").output;
  EXPECT_EQ(stop_with_sigterm(), 0);
  start({"--kubeconfig-out", (dir_ / "kc").string(), "--state", state});
  testing::CommandResult back =
      kubectl("get cm c -n keep -o jsonpath={.data.k},{.metadata.resourceVersion}");
  EXPECT_EQ(back.exit_code, 0) << back.output;
  EXPECT_EQ(back.output, "v," + rv);
}

TEST_F(FakeClusterProcess, BadSeedFileIsAnErrorNamingTheFile) {
  std::ofstream(dir_ / "bad.yaml") << "apiVersion: v1\nkind: Gizmo\nmetadata: {name: g}\n";
  testing::CommandResult r =
      run_command(binary() + " serve --seed " + shell_quote((dir_ / "bad.yaml").string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.output, "error: --seed " + (dir_ / "bad.yaml").string() +
                          ":1: no resource type for apiVersion \"v1\", kind \"Gizmo\"\n");
}

}  // namespace
}  // namespace pd
