#include "harness/fixture_setup.h"

#include "engine/exec/secrets.h"

#include <set>

namespace pd::harness {

Result<std::unique_ptr<FixtureSetup>> FixtureSetup::prepare(const Fixture& fixture,
                                                            const std::filesystem::path& workflow_dir,
                                                            const OutsideWorld& world,
                                                            const std::set<std::string>& node_names) {
  std::unique_ptr<FixtureSetup> setup(new FixtureSetup(fixture));
  const std::string where = fixture.file.string();
  if (!fixture.now.empty()) {
    std::optional<std::chrono::system_clock::time_point> now = parse_rfc3339(fixture.now);
    if (!now) return invalid_argument(where + ": `now`: \"" + fixture.now + "\" is not an RFC 3339 time");
    setup->clock_.emplace(*now);
  }
  if (fixture.random) setup->random_.emplace(*fixture.random);
  setup->env_ = fixture.env;
  setup->secrets_ = fixture.secrets;
  setup->transport_ = &setup->mocks_;
  std::map<std::string, const HttpTransport*> by_caller;
  for (const auto& [node, override_of] : fixture.nodes) {
    if (!override_of.fetch) continue;
    if (!node_names.count(node)) return invalid_argument(where + ": nodes[\"" + node + "\"]: the workflow has no such node");
    auto& mocks = setup->node_mocks_[node] = std::make_unique<MockTransport>(override_of.fetch);
    by_caller[node] = mocks.get();
  }
  if (!by_caller.empty()) {
    setup->routed_.emplace(std::move(by_caller), setup->mocks_);
    setup->transport_ = &*setup->routed_;
  }
  bool live = world.real_services();
  if (live) {
    // Real services get the real secrets (the cascade: .secrets/, .secrets.yaml, /app/secrets).
    RealFileSystem disk;
    Result<nlohmann::json> secrets = exec::load_secrets(exec::SecretSources{workflow_dir}, disk);
    if (!secrets.is_ok()) return secrets.status();
    setup->secrets_ = fixture.secrets;
    for (const auto& [service, keys] : secrets.value().items()) setup->secrets_[service] = keys;
    setup->transport_ = world.network;
    if (world.record) {
      setup->recorder_.emplace(*world.network);
      setup->transport_ = &*setup->recorder_;
    }
  }
  std::map<std::string, FixtureFile> files = fixture.files;
  if (fixture.k8s && (!live || world.fake_cluster)) {
    Result<std::unique_ptr<FixtureCluster>> cluster = FixtureCluster::start(*fixture.k8s, where);
    if (!cluster.is_ok()) return cluster.status();
    setup->cluster_ = std::move(cluster).value();
    for (auto& [path, file] : setup->cluster_->pod_files()) files[path] = file;
    for (const auto& [key, value] : setup->cluster_->pod_env()) setup->env_.emplace(key, value);
    setup->in_cluster_.emplace(setup->cluster_->port(), *setup->transport_);
    setup->transport_ = &*setup->in_cluster_;
  } else if (live) {
    setup->kube_ = world.kube;
  }
  if (!files.empty()) setup->files_.emplace(files, std::filesystem::weakly_canonical(workflow_dir));
  return setup;
}

std::vector<std::string> FixtureSetup::unused_mocks() const {
  std::vector<std::string> out = mocks_.unused();
  for (const auto& [node, mocks] : node_mocks_) {
    for (const std::string& unused : mocks->unused()) out.push_back("nodes[\"" + node + "\"]." + unused);
  }
  return out;
}

std::vector<std::filesystem::path> FixtureSetup::read_paths() const {
  return files_ ? files_->roots() : std::vector<std::filesystem::path>{};
}

bool FixtureSetup::needs_own_runtime() const {
  return !env_.empty() || clock_ || random_ || files_ || !fixture_.modules.empty();
}

nlohmann::json FixtureSetup::recorded_mocks() const {
  return recorder_ ? recorder_->mocks(secrets_, fixture_.secrets) : nlohmann::json::array();
}

}  // namespace pd::harness
