// Test fixture for engine/js: one V8 platform per test process and a Runtime over a temporary
// workflow folder that tests write node files into.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

#include "engine/js/runtime.h"
#include "engine/js/runtime_pool.h"
#include "engine/util/random_source.h"
#include "engine/util/temp_dir.h"

namespace pd::js {

// One V8 platform per test process, as V8 allows.
inline V8Platform& platform() {
  static V8Platform* instance = new V8Platform();  // never destroyed: V8 cannot re-initialize
  return *instance;
}

class RuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_.path();
    runtime_ = std::make_unique<Runtime>(platform(), RuntimeOptions{dir_, 64});
  }
  void TearDown() override { runtime_.reset(); }
  void write(const std::string& relative, const std::string& text) {
    std::filesystem::create_directories((dir_ / relative).parent_path());
    std::ofstream(dir_ / relative) << text;
  }
  Result<NodeCall> call(const std::string& node,
                        const nlohmann::json& input = nlohmann::json::object(),
                        std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    return runtime_->call_node(node, {{"config", {{"greeting", "hi"}}}}, input, timeout);
  }

  TempDir temp_{"pd-js"};
  std::filesystem::path dir_;
  std::unique_ptr<Runtime> runtime_;
};

}  // namespace pd::js
