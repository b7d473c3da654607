#!/usr/bin/env bash
# `make demo`: the main job end to end on the example workflows, through real kubectl as a plugin:
# validate every workflow, print its plan summary and its DAG.
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
