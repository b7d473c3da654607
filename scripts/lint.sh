#!/usr/bin/env bash
# `make lint`: clang-format (check only) and clang-tidy on C++ files changed from the upstream
# branch (or the previous commit), using the build's compile_commands.json.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-build}
cd "$repo"
base=$(git merge-base HEAD origin/main 2>/dev/null || git rev-parse HEAD~1 2>/dev/null || true)
if [ -n "$base" ]; then
  mapfile -t files < <(git diff --name-only --diff-filter=ACMR "$base" -- '*.cc' '*.h')
else
  mapfile -t files < <(git ls-files '*.cc' '*.h')
fi
[ ${#files[@]} -gt 0 ] || { echo "lint: no changed C++ files"; exit 0; }
clang-format --dry-run --Werror "${files[@]}"
sources=()
for f in "${files[@]}"; do [[ $f == *.cc ]] && sources+=("$f"); done
[ ${#sources[@]} -eq 0 ] || clang-tidy -p "$build" --quiet \
  --checks='-*,bugprone-*,performance-*,-bugprone-easily-swappable-parameters' "${sources[@]}"
echo "lint: ${#files[@]} file(s) clean"
