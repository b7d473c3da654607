// pd-fake-cluster: a fake Kubernetes API server for tests and local runs. Wiring only; see
// fake_cluster.h.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "engine/util/duration.h"
#include "engine/util/file_io.h"
#include "fakes/k8s/fake_cluster.h"

int main(int argc, char** argv) {
  CLI::App app("A fake Kubernetes API server that kubectl, kubectl pd and workflow nodes can use.",
               "pd-fake-cluster");
  app.require_subcommand(1);
  pd::fake_k8s::FakeClusterOptions options;
  std::vector<std::string> seeds;
  std::string kubeconfig_out;
  CLI::App* serve = app.add_subcommand("serve", "Serve until SIGTERM or SIGINT.");
  serve->add_option("--port", options.port, "Port to listen on (0: any free port)");
  serve->add_option("--host", options.host, "Address to listen on");
  serve->add_option("--state", options.state_dir,
                    "Folder that persists every object and restores it on the next start");
  serve->add_option("--seed", seeds, "YAML manifests to load at start");
  serve->add_option("--kubeconfig-out", kubeconfig_out,
                    "Write a kubeconfig for the admin user here");
  std::string ready_delay = "300ms";
  std::vector<std::string> failing_images;
  serve->add_option("--pod-ready-delay", ready_delay,
                    "How long simulated pods take to become Ready (e.g. 300ms, 2s)");
  serve->add_option("--fail-image", failing_images,
                    "Pods whose image contains TEXT never become ready: TEXT or TEXT=pull for "
                    "ImagePullBackOff, TEXT=crash for CrashLoopBackOff");
  serve->add_flag("--plain-http", options.plain_http,
                  "Serve plain HTTP (kubectl then sends no credentials; everyone is admin)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << (serve->parsed() ? serve->help("pd-fake-cluster") : app.help());
    return 0;
  } catch (const CLI::ParseError& e) {
    std::cerr << "error: " << e.what() << "\nSee 'pd-fake-cluster serve -h' for help.\n";
    return 2;
  }

  std::optional<pd::Duration> delay = pd::parse_duration(ready_delay);
  if (!delay) {
    std::cerr << "error: --pod-ready-delay: \"" << ready_delay
              << "\" is not a duration such as 300ms or 2s\n";
    return 2;
  }
  options.pod_ready_delay = delay->value;

  // Block the stop signals before any thread starts, then wait for them below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  pd::SystemClock clock;
  auto started = pd::fake_k8s::FakeCluster::start(options, clock);
  if (!started.is_ok()) {
    std::cerr << "error: " << started.status().message() << "\n";
    return 1;
  }
  std::unique_ptr<pd::fake_k8s::FakeCluster> cluster = std::move(started).value();
  for (const std::string& spec : failing_images) {
    size_t eq = spec.rfind('=');
    std::string kind = eq == std::string::npos ? "pull" : spec.substr(eq + 1);
    if (kind != "pull" && kind != "crash") {
      std::cerr << "error: --fail-image " << spec << ": expected TEXT, TEXT=pull or TEXT=crash\n";
      return 2;
    }
    cluster->pods().add_image_fault(
        {spec.substr(0, eq), kind == "crash" ? pd::fake_k8s::ImageFault::Kind::kCrashLoopBackOff
                                             : pd::fake_k8s::ImageFault::Kind::kImagePullBackOff});
  }
  for (const std::string& seed : seeds) {
    pd::Result<std::string> text = pd::read_text_file(seed);
    pd::Status seeded = text.is_ok() ? cluster->seed_yaml(text.value(), seed) : text.status();
    if (!seeded.is_ok()) {
      std::cerr << "error: --seed " << seeded.message() << "\n";
      return 1;
    }
  }
  if (!kubeconfig_out.empty()) {
    pd::Status written = cluster->write_kubeconfig(kubeconfig_out);
    if (!written.is_ok()) {
      std::cerr << "error: " << written.message() << "\n";
      return 1;
    }
  }
  std::cout << "pd-fake-cluster serving " << cluster->url();
  if (!kubeconfig_out.empty()) std::cout << " (kubeconfig: " << kubeconfig_out << ")";
  std::cout << std::endl;

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  cluster->stop();
  std::cout << "pd-fake-cluster stopped" << std::endl;
  return 0;
}
