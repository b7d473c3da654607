#include "engine/cli/engine_cli.h"

#include <CLI/CLI.hpp>

#include "engine/cli/dlq_command.h"
#include "engine/cli/run_command.h"
#include "engine/cli/serve_command.h"

namespace pd::engine {

int run_engine_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CLI::App app("pd-engine: runs Pipedreamer workflows (TypeScript nodes in V8)", "pd-engine");
  app.require_subcommand(1);
  RunOptions run;
  CLI::App* run_cmd = app.add_subcommand("run", "Execute a workflow once and print the result JSON");
  run_cmd->add_option("DIR", run.workflow_dir, "Workflow folder (default: current folder)");
  run_cmd->add_option("--input", run.input, "Trigger input: JSON text or @file");
  run_cmd->add_option("--secrets", run.secrets, "Secrets file or folder, used instead of the cascade");
  run_cmd->add_option("--config-dir", run.config_dir, "Config override folder (default /app/config)");
  run_cmd->add_option("--secrets-dir", run.mounted_secrets,
                      "Mounted Secret folder merged last (default /app/secrets)");
  run_cmd->add_option("--allow-net", run.allow_net,
                      "Hosts every node may reach besides its capabilities.net (repeat or comma-separate)")
      ->delimiter(',');
  run_cmd->add_option("--scratch-dir", run.scratch_dir, "Folder nodes may write to");
  run_cmd->add_option("--kubeconfig", run.kubeconfig, "Kubeconfig for ctx.k8s outside a pod");
  run_cmd->add_option("--context", run.context, "Kubeconfig context for ctx.k8s");

  ServeOptions serve;
  CLI::App* serve_cmd = app.add_subcommand("serve", "Serve a workflow over HTTP (the in-cluster engine)");
  serve_cmd->add_option("--workflow", serve.workflow_dir, "Workflow folder (default /app/workflow)");
  serve_cmd->add_option("--host", serve.host, "Address to listen on (default 0.0.0.0)");
  serve_cmd->add_option("--port", serve.port, "Port (default 8080; 0: any free one)")
      ->check(CLI::Range(0, 65535));
  serve_cmd->add_option("--secrets", serve.secrets, "Secrets file or folder, used instead of the cascade");
  serve_cmd->add_option("--secrets-dir", serve.mounted_secrets, "Mounted Secret folder (default /app/secrets)");
  serve_cmd->add_option("--config-dir", serve.config_dir, "Config override folder (default /app/config)");
  serve_cmd->add_option("--allow-net", serve.allow_net, "Hosts every node may reach")->delimiter(',');
  serve_cmd->add_option("--scratch-dir", serve.scratch_dir, "Folder nodes may write to (default /tmp)");
  serve_cmd->add_option("--cache-dir", serve.cache_dir, "TypeScript/code cache (default /tmp/pd-cache)");
  serve_cmd->add_option("--isolates", serve.isolates, "V8 isolates (default: one per usable CPU: affinity and cgroup CPU limit)");
  serve_cmd->add_option("--max-body-bytes", serve.max_body_bytes, "Request body limit (default 4 MiB)");
  // At least a second: the timer starts with the signal, so 0 would exit 1 even when idle.
  serve_cmd->add_option("--grace-period", serve.grace_seconds, "Seconds to finish work on SIGTERM (default 30)")
      ->check(CLI::Range(1, 86400));
  serve_cmd->add_option("--shutdown-delay", serve.shutdown_delay_seconds,
                        "Seconds to go on serving HTTP after SIGTERM, /ready failing, while the "
                        "pod leaves its Service's endpoints (default 0; part of the grace period)")
      ->check(CLI::Range(0, 86399));
  serve_cmd->add_option("--nats-url", serve.nats_url,
                        "NATS server(s) for queue and gateway triggers (default: config nats_url)");
  serve_cmd->add_option("--cron", serve.cron,
                        "Run cron triggers in the engine: auto (unless in Kubernetes, where "
                        "CronJobs do it), on or off")
      ->check(CLI::IsMember({"auto", "on", "off"}));
  serve_cmd->add_option("--http-loop", serve.http_loop,
                        "Where HTTP is served: auto (default: isolates with one isolate, single "
                        "with several), isolates (each isolate's own thread) or single (one event "
                        "loop handing executions to the isolates)")
      ->check(CLI::IsMember({"auto", "isolates", "single"}));
  DlqOptions dlq;
  CLI::App* dlq_cmd = app.add_subcommand("dlq", "List or re-publish dead letters of a queue trigger");
  dlq_cmd->add_option("ACTION", dlq.action, "list or replay")->required()->check(CLI::IsMember({"list", "replay"}));
  dlq_cmd->add_option("--subject", dlq.subject, "The dead-letter subject, e.g. orders.dlq")->required();
  dlq_cmd->add_option("--to", dlq.to, "replay: publish here instead of each letter's original subject");
  dlq_cmd->add_option("--limit", dlq.limit, "At most this many letters (default 100)");
  dlq_cmd->add_option("--nats-url", dlq.nats_url, "NATS server (default nats://127.0.0.1:4222)");
  dlq_cmd->add_option("-o,--output", dlq.output, "json for machine-readable output")->check(CLI::IsMember({"json"}));
  std::string post_url;
  std::string post_data = "{}";
  CLI::App* post_cmd = app.add_subcommand("post", "POST JSON to a URL and print the answer (what CronJobs run)");
  post_cmd->add_option("URL", post_url, "Where to post")->required();
  post_cmd->add_option("--data", post_data, "JSON body (default {})");

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    // CLI11's own exit codes (100–127) are not ours: usage errors exit 2.
    err << "error: " << e.what() << "\nSee 'pd-engine --help'.\n";
    return 2;
  }
  if (run_cmd->parsed()) return run_workflow_once(run, out, err);
  if (serve_cmd->parsed()) {
    if (serve.shutdown_delay_seconds >= serve.grace_seconds) {
      err << "error: --shutdown-delay (" << serve.shutdown_delay_seconds
          << " s) must be shorter than --grace-period (" << serve.grace_seconds
          << " s), which includes it\nSee 'pd-engine --help'.\n";
      return 2;
    }
    return serve_workflow(serve, out, err);
  }
  if (post_cmd->parsed()) return post_request(post_url, post_data, out, err);
  if (dlq_cmd->parsed()) return run_dlq_command(dlq, out, err);
  return 2;
}

}  // namespace pd::engine
