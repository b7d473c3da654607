// What every `kubectl pd` subcommand shares: kubectl's global flags, the output streams, the
// Command interface (options struct → register flags → validate → run) and the one error path.
#pragma once

#include <CLI/CLI.hpp>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>

namespace pd::kubectl_pd {

// kubectl's global flags, accepted by every subcommand (before or after its name).
struct GlobalOptions {
  std::string kubeconfig;
  std::string context;
  std::string cluster;
  std::string user;
  std::string namespace_name;
  bool all_namespaces = false;
  std::string output;  // -o: json | yaml | name | wide
  std::string request_timeout;
  int verbosity = 0;  // -v: 6 logs every API request
};

// Data goes to `out`; diagnostics, progress and errors to `err`.
struct Io {
  std::ostream& out;
  std::ostream& err;
  // `err` is a terminal: progress is redrawn in place instead of printed line by line.
  bool err_is_terminal = false;
};

class Command {
 public:
  virtual ~Command() = default;
  // Adds the subcommand and its flags (bound to the command's own options) to `parent`.
  virtual CLI::App* add_to(CLI::App& parent) = 0;
  // Runs after a successful parse; returns the process exit code.
  virtual int run(const GlobalOptions& globals, Io& io) = 0;
};

// Prints `error: <message>` and the help hint for `verb`; returns exit code 1.
int usage_error(Io& io, std::string_view verb, std::string_view message);

// Prints `error: <message>`; returns exit code 1.
int runtime_error(Io& io, std::string_view message);

// Checks -o against the formats `verb` supports ("" is always allowed); prints a usage error and
// returns false when it is not one of them.
bool check_output_format(Io& io, std::string_view verb, const std::string& output,
                         std::initializer_list<std::string_view> supported);

}  // namespace pd::kubectl_pd
