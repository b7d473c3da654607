#!/usr/bin/env bash
# `kubectl pd deploy` of an example workflow vs `kubectl apply -f` of the same rendered objects,
# against the same pd-fake-cluster process in the same run: wall time and API requests (counted
# from -v=6 request logs), each into a fresh namespace, median of 5. Then `kubectl pd --help`.
set -euo pipefail
build=${1:?build dir}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pd="$build/plugins/kubectl-pd/kubectl-pd"
tmp=$(mktemp -d)
"$build/fakes/k8s/pd-fake-cluster" serve --kubeconfig-out "$tmp/kubeconfig" --pod-ready-delay 50ms >"$tmp/log" 2>&1 &
fake=$!
trap 'kill $fake 2>/dev/null; wait $fake 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do [ -s "$tmp/kubeconfig" ] && break; sleep 0.05; done
export KUBECONFIG="$tmp/kubeconfig"
kubectl --cache-dir "$tmp/cache" version >/dev/null 2>&1 || true  # warm kubectl's discovery cache
wf="$repo/example-workflows/github-digest"
python3 - "$pd" "$wf" "$tmp" <<'PY'
import re, subprocess, sys, time, statistics
pd, wf, tmp = sys.argv[1:4]
def timed(cmd):
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = (time.perf_counter() - t) * 1000
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stdout}{r.stderr}")
    return elapsed, len(re.findall(r" in \d+ milliseconds", r.stderr))
pd_runs, kc_runs = [], []
for i in range(5):
    pd_runs.append(timed([pd, "deploy", wf, "-n", f"pd-{i}", "--no-wait", "-v", "6"]))
    rendered = subprocess.run([pd, "deploy", wf, "-n", f"kc-{i}", "--dry-run", "-o", "yaml"],
                              capture_output=True, text=True, check=True).stdout
    path = f"{tmp}/objects-{i}.yaml"
    open(path, "w").write(rendered)
    kc_runs.append(timed(["kubectl", "--cache-dir", f"{tmp}/cache", "apply", "-f", path, "-v=6"]))
pd_ms = statistics.median(r[0] for r in pd_runs); pd_req = statistics.median(r[1] for r in pd_runs)
kc_ms = statistics.median(r[0] for r in kc_runs); kc_req = statistics.median(r[1] for r in kc_runs)
print(f"  kubectl pd deploy (no wait): {pd_ms:.0f} ms, {pd_req:.0f} API requests (targets: <= 10 requests, >= 5x faster)")
print(f"  anchor kubectl apply -f (same objects): {kc_ms:.0f} ms, {kc_req:.0f} API requests | speed ratio {kc_ms / pd_ms:.1f}x")
wait_ms, wait_req = timed([pd, "deploy", wf, "-n", "pd-wait", "-v", "6"])
print(f"  kubectl pd deploy with rollout wait (pods ready after 50 ms): {wait_ms:.0f} ms, {wait_req} API requests")
helps = [timed([pd, "--help"])[0] for _ in range(20)]
print(f"  kubectl pd --help start-up: {statistics.median(helps):.1f} ms (median of 20)")
PY
