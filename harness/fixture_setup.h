// Everything a fixture injects into the node (or pipeline) under test, prepared the same way for
// node and pipeline fixtures: HTTP (the fixture's mocks; real HTTP under --live, recorded under
// --record), the in-cluster API of its `k8s` section, the virtual filesystem, env, clock, random
// seed, secrets, and ctx.k8s from the kubeconfig under --live.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "engine/exec/node_context.h"
#include "engine/util/clock.h"
#include "engine/util/random_source.h"
#include "harness/fetch_recorder.h"
#include "harness/fixture.h"
#include "harness/fixture_cluster.h"
#include "harness/fixture_file_system.h"
#include "harness/mock_transport.h"

namespace pd::harness {

// How the run reaches the outside world (from the command line).
struct OutsideWorld {
  bool live = false;          // real HTTP and the secrets cascade
  bool record = false;        // live, and keep the exchanges for the fixture's `fetch`
  bool fake_cluster = false;  // live: `k8s` still gets a fake API server
  std::optional<exec::KubeTarget> kube;  // live without a fake cluster: the kubeconfig's cluster
  const HttpTransport* network = nullptr;
  bool real_services() const { return live || record; }
};

class FixtureSetup {
 public:
  // Errors (a bad `now`, a `k8s` object the server refuses, unreadable secrets) name the fixture.
  // `node_names`: the workflow's nodes, which a pipeline fixture's per-node overrides must name.
  static Result<std::unique_ptr<FixtureSetup>> prepare(const Fixture& fixture,
                                                       const std::filesystem::path& workflow_dir,
                                                       const OutsideWorld& world,
                                                       const std::set<std::string>& node_names = {});

  const HttpTransport& transport() const { return *transport_; }
  // Mocks declared with `times` that were not used up, shared and per node.
  std::vector<std::string> unused_mocks() const;
  ManualClock* clock() { return clock_ ? &*clock_ : nullptr; }
  RandomSource* random() { return random_ ? &*random_ : nullptr; }
  const FileSystem* file_system() const { return files_ ? &*files_ : nullptr; }
  std::vector<std::filesystem::path> read_paths() const;
  const std::map<std::string, std::string>& env() const { return env_; }
  const nlohmann::json& secrets() const { return secrets_; }
  const std::optional<exec::KubeTarget>& kube() const { return kube_; }
  // Needs a runtime of its own (env, clock, seed, files or modules differ from the defaults).
  bool needs_own_runtime() const;
  // --record: the exchanges as `fetch` mocks, secrets replaced by the fixture's stand-ins.
  nlohmann::json recorded_mocks() const;

 private:
  explicit FixtureSetup(const Fixture& fixture) : fixture_(fixture), mocks_(fixture.fetch) {}

  const Fixture& fixture_;
  MockTransport mocks_;
  std::map<std::string, std::unique_ptr<MockTransport>> node_mocks_;  // by node name
  std::optional<CallerRoutedTransport> routed_;
  std::optional<ManualClock> clock_;
  std::optional<SeededRandom> random_;
  std::unique_ptr<FixtureCluster> cluster_;
  std::optional<InClusterTransport> in_cluster_;
  std::optional<RecordingTransport> recorder_;
  std::optional<FixtureFileSystem> files_;
  const HttpTransport* transport_ = nullptr;
  std::map<std::string, std::string> env_;
  nlohmann::json secrets_;
  std::optional<exec::KubeTarget> kube_;
};

}  // namespace pd::harness
