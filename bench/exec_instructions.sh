#!/usr/bin/env bash
# Instructions per execution of exec_bench's 3-node workflow (with a JetStream message's
# ctx.trigger), counted by callgrind: the difference between 25,000 and 5,000 executions, so
# that start-up cancels out. This VM's timings drift by up to 2x between runs; these counts
# repeat within about 0.5%, so they can compare two builds of one change. Needs valgrind.
set -euo pipefail
build=${1:?build dir}
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
count() {
  valgrind --tool=callgrind --callgrind-out-file="$tmp/$1.out" "$build/bench/exec_bench" \
    --count-only "$1" 2>&1 | awk '/Collected :/ {print $4}'
}
small=$(count 5)
large=$(count 25)
echo "exec_bench, 3-node trivial workflow with a queue ctx.trigger, one isolate:" \
  "$(( (large - small) / 20000 )) instructions per execution (callgrind, 25k minus 5k executions)"
