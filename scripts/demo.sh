#!/usr/bin/env bash
# `make demo`: the main job end to end on the example workflows, through real kubectl as a plugin:
# validate every workflow, print its DAG, test it with pd-harness, run one with pd-engine, and
# deploy, version and roll back one on a fake cluster.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-build}
case "$build" in /*) ;; *) build="$repo/$build" ;; esac
export PATH="$build/plugins/kubectl-pd:$PATH"

if command -v kubectl >/dev/null 2>&1; then
  pd=(kubectl pd)
else
  echo "(kubectl not found: running kubectl-pd directly)"
  pd=(kubectl-pd)
fi

cd "$repo"
echo "\$ ${pd[*]} version"
"${pd[@]}" version
echo
echo "\$ ${pd[*]} validate example-workflows/"
"${pd[@]}" validate example-workflows/
for dir in example-workflows/*/; do
  dir=${dir%/}
  echo
  echo "\$ ${pd[*]} visualize $dir"
  "${pd[@]}" visualize "$dir"
done
echo
echo "A broken workflow, to show the diagnostics:"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/broken/nodes"
echo 'export default async function run(ctx, input) { return input; }' > "$tmp/broken/nodes/a.ts"
cat > "$tmp/broken/workflow.yaml" <<'YAML'
name: Broken_Flow
version: "1.0"
triggers:
  - type: cron
    schedule: "0 25 * * *"
nodes:
  a:
    path: nodes/a.ts
  b:
    path: nodes/b.ts
edges:
  - from: a
    to: b
  - from: b
    to: a
egdes: []
YAML
echo "\$ ${pd[*]} validate broken/"
(cd "$tmp" && "${pd[@]}" validate broken/) && status=0 || status=$?
echo "(exit code $status)"
[ "$status" -eq 1 ]

echo
echo "\$ pd-harness test example-workflows/   # node fixtures, mocked HTTP, fresh V8 context each"
"$build/harness/pd-harness" test example-workflows/

echo
echo "Running a workflow locally: uptime-check probes a local server; a config override folder"
echo "points it there (the way a mounted ConfigMap does in a cluster):"
www="$tmp/www"
mkdir -p "$www" "$tmp/config"
echo ok > "$www/health"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$www" >/dev/null 2>&1 &
web_pid=$!
for _ in $(seq 50); do (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
printf 'endpoints:\n  - http://127.0.0.1:%s/health\n  - http://127.0.0.1:%s/missing\n' "$port" "$port" > "$tmp/config/endpoints.yaml"
echo "\$ pd-engine run example-workflows/uptime-check --config-dir config/ --allow-net 127.0.0.1"
"$build/engine/cli/pd-engine" run example-workflows/uptime-check --config-dir "$tmp/config" \
  --secrets-dir "$tmp/no-secrets" --allow-net 127.0.0.1 2>&1 | python3 -c '
import json, sys
text = sys.stdin.read()
logs = [l for l in text.splitlines() if l.startswith("{\"")]
result = json.loads(text[text.index("{\n"):])
for line in logs: print("  log:", line)
print("  success:", result["success"], "| report:", json.dumps(result["outputs"]["report"]),
      "| took", result["timing"]["durationMs"], "ms")'
kill "$web_pid" 2>/dev/null || true

echo
echo "A fake cluster, and the example workflows shipped to it with kubectl pd:"
fake="$build/fakes/k8s/pd-fake-cluster"
"$fake" serve --kubeconfig-out "$tmp/kubeconfig" --pod-ready-delay 200ms > "$tmp/fake.out" 2>&1 &
fake_pid=$!
trap 'kill $fake_pid 2>/dev/null; wait $fake_pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 1 100); do grep -q serving "$tmp/fake.out" && break; sleep 0.05; done
cat "$tmp/fake.out"
export KUBECONFIG="$tmp/kubeconfig"
run() { echo "\$ $*"; "$@"; }
cp -r example-workflows/github-digest "$tmp/digest"
run "${pd[@]}" deploy "$tmp/digest" -n demo --message "first release"
sed -i 's/^version: "1.0"/version: "1.1"/' "$tmp/digest/workflow.yaml"
echo "// a change" >> "$tmp/digest/nodes/summarize.ts"
run "${pd[@]}" deploy "$tmp/digest" -n demo --message "tweak the summary"
run "${pd[@]}" versions github-digest -n demo
run "${pd[@]}" rollback github-digest -n demo
run "${pd[@]}" status github-digest -n demo
if command -v kubectl >/dev/null 2>&1; then
  run kubectl get deployments,configmaps,cronjobs -n demo
fi
