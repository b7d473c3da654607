#!/usr/bin/env bash
# `make bench`: runs the benchmarks and prints each figure with its ratio to the anchor.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-build}
case "$build" in /*) ;; *) build="$repo/$build" ;; esac

out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$build/bench/spec_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_format=json --benchmark_out="$out" --benchmark_out_format=json >/dev/null
python3 - "$out" <<'PY'
import json, sys
runs = {b["run_name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]
        if b.get("aggregate_name") == "median"}
print("validate + compile a generated 2,000-node workflow (median of 5; target < 50 ms)")
for fan_in in (1, 3):
    spec = runs[f"BM_ValidateAndCompile2000Nodes/{fan_in}"]
    anchor = runs[f"BM_Anchor_YamlCppParseOnly/{fan_in}"]["real_time"]
    print(f"  {int(spec['edges'])} edges, {spec['yaml_kib']:.0f} KiB: {spec['real_time']:.1f} ms"
          f" | anchor yaml-cpp parse only: {anchor:.1f} ms | ratio {spec['real_time'] / anchor:.2f}x")
PY

echo
echo "pd-fake-cluster, in process: start (CA, certificates, controllers, bind) to first GET /version"
"$build/bench/fake_cluster_start_bench" --benchmark_format=json 2>/dev/null | python3 -c '
import json, sys
runs = {b["name"].split("/")[0]: b["real_time"] for b in json.load(sys.stdin)["benchmarks"]}
https, plain = runs["BM_StartToFirstVersionHttps"], runs["BM_Anchor_StartToFirstVersionPlainHttp"]
print(f"  HTTPS: {https:.1f} ms (target < 20 ms) | anchor plain HTTP: {plain:.1f} ms | ratio {https / plain:.1f}x")'
echo
echo "pd-fake-cluster, as a process under wrk:"
"$repo/bench/fake_cluster_bench.sh" "$build" | sed 's/^/  /'

echo
echo "JS runtime vs Deno (npm package deno, pinned in bench/deno) on the same nodes:"
deno_dir="$repo/bench/deno"
if [ ! -x "$deno_dir/node_modules/.bin/deno" ]; then
  (cd "$deno_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
nodes=$(mktemp -d)
"$build/bench/js_nodes_writer" "$nodes"
deno_json=$("$deno_dir/node_modules/.bin/deno" run --allow-read "$deno_dir/bench_nodes.ts" "$nodes")
rm -rf "$nodes"
anchor_json=$("$build/bench/v8_context_anchor_bench" --benchmark_format=json 2>/dev/null)
"$build/bench/js_runtime_bench" --benchmark_format=json 2>/dev/null | python3 -c '
import json, sys
deno = json.loads(sys.argv[1])
anchor = {b["name"]: b["real_time"] for b in json.loads(sys.argv[2])["benchmarks"]}
deno_call, deno_cold = deno["trivial_call_us"], deno["cold_load_ms"]
runs = {b["name"]: b["real_time"] for b in json.load(sys.stdin)["benchmarks"]}
empty_ctx, warm_fn = anchor["BM_EmptyContextNew"], anchor["BM_CallFunctionInWarmContext"]
fresh = runs["BM_CallTrivialNodeFreshContext"]
print(f"  trivial node, fresh context with every Web/Deno API per call: {fresh:.0f} us"
      f" | anchor: empty V8 Context::New {empty_ctx:.0f} us | ratio {fresh / empty_ctx:.1f}x (target < 150 us)")
lived = runs["BM_CallTrivialNodeLongLived"]
piped = runs["BM_CallTrivialNodeLongLivedPipelined"] * 1000 / 1000
print(f"  trivial node, long-lived context: {lived:.1f} us one at a time (thread hand-off both ways),"
      f" {piped:.1f} us each with 1,000 in flight | anchor: V8 call in a warm context {warm_fn:.2f} us"
      f" | Deno, warm module: {deno_call:.2f} us | ratio to Deno {piped / deno_call:.0f}x (target < 5 us)")
cold = runs["BM_Load300LineTypeScriptNodeCold"]
cached = runs["BM_Load300LineTypeScriptNodeCached"]
print(f"  300-line TypeScript node, cold load (strip + compile + call): {cold:.1f} ms"
      f" | Deno: {deno_cold:.1f} ms | ratio {cold / deno_cold:.2f}x")
print(f"  same node, cached transform + code cache, fresh context: {cached:.2f} ms (target < 2 ms)")
fetch, fetch_cpp = runs["BM_FetchRoundTripFromNode"], runs["BM_FetchRoundTripAnchorCpp"]
print(f"  fetch round trip to a loopback server from a node: {fetch:.0f} us"
      f" | anchor: same request from C++: {fetch_cpp:.0f} us | ratio {fetch / fetch_cpp:.1f}x")
' "$deno_json" "$anchor_json"

echo
echo "Workflow execution (engine/exec), 3-node trivial workflow, one isolate, 1,000 in flight:"
"$build/bench/exec_bench" --benchmark_format=json 2>/dev/null | python3 -c '
import json, sys
runs = {b["name"].split("/")[0]: b for b in json.load(sys.stdin)["benchmarks"]}
wf, anchor = runs["BM_WorkflowExecutions"], runs["BM_ThreeNodeCallsAnchor"]
per_wf = wf["real_time"] * 1000 / 1000
per_anchor = anchor["real_time"] * 1000 / 1000
wf_rate, anchor_rate = wf["items_per_second"], anchor["items_per_second"]
print(f"  {wf_rate:,.0f} executions/s, {per_wf:.1f} us each (target > 20,000/s)"
      f" | anchor: the same 3 node calls without the executor {anchor_rate:,.0f}/s, {per_anchor:.1f} us"
      f" | executor overhead {per_wf - per_anchor:.1f} us per execution")
'

echo
echo "kubectl pd deploy vs kubectl apply, same objects, same pd-fake-cluster process:"
"$repo/bench/deploy_bench.sh" "$build"

echo
echo "pd-engine serve under wrk:"
"$repo/bench/engine_http_bench.sh" "$build"

echo
echo "Queue trigger through JetStream vs raw consume+ack, same nats-server:"
"$build/bench/nats_bench"

echo
echo "pd-harness vs the old Pipedreamer runner, same fixtures:"
BUILD_DIR="$build" "$repo/bench/harness_bench.sh"
