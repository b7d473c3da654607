// Writes the benchmark nodes for the Deno baseline: trivial.js and big_<i>.ts (i < 20).
#include <fstream>
#include <string>

#include "bench/js_nodes.h"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  std::string dir = argv[1];
  std::ofstream(dir + "/trivial.js") << pd::bench::trivial_node();
  for (int i = 0; i < 20; ++i) {
    std::ofstream(dir + "/big_" + std::to_string(i) + ".ts")
        << pd::bench::typescript_node_300_lines(1000 + i);
  }
  return 0;
}
