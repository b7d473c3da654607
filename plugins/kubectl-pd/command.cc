#include "plugins/kubectl-pd/command.h"

namespace pd::kubectl_pd {

int usage_error(Io& io, std::string_view verb, std::string_view message) {
  io.err << "error: " << message << "\n";
  std::string command = verb.empty() ? "kubectl pd" : "kubectl pd " + std::string(verb);
  io.err << "See '" << command << " -h' for help and examples.\n";
  return 1;
}

int runtime_error(Io& io, std::string_view message) {
  io.err << "error: " << message << "\n";
  return 1;
}

bool check_output_format(Io& io, std::string_view verb, const std::string& output,
                         std::initializer_list<std::string_view> supported) {
  if (output.empty()) return true;
  std::string allowed;
  for (std::string_view format : supported) {
    if (format == output) return true;
    allowed += (allowed.empty() ? "" : ", ") + std::string(format);
  }
  usage_error(io, verb,
              "unable to match a printer suitable for the output format \"" + output +
                  "\", allowed formats are: " + allowed);
  return false;
}

}  // namespace pd::kubectl_pd
