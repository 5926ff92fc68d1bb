#!/usr/bin/env bash
# Runs every integration test (tests/integration/test_*.sh and test_*.py)
# against a build folder, all at once: each picks its own free loopback
# ports, temporary folders and process ids, so none waits for another, and
# most of their time is spent waiting on the network and protocol timers.
# Each gets BUILD in its environment.
#
#   run.sh [BUILD [VERDICT_DIR]]
# With VERDICT_DIR (as make test calls it) each test's verdict and log land
# there and the caller adds them up; without, they land in
# BUILD/test-logs/integration and a summary line ends the run.
set -u
export BUILD=${1:-build}
dir=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
runner=$here/../run-suites.sh
shopt -s nullglob
tests=("$here"/test_*.sh "$here"/test_*.py)
out=${dir:-$BUILD/test-logs/integration}
pids=()
for t in "${tests[@]}"; do
  "$runner" run integration "$out/$(basename "$t")" "$t" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
[ -n "$dir" ] && exit 0
verdicts=()
for t in "${tests[@]}"; do verdicts+=("$out/$(basename "$t")"); done
"$runner" summary "${verdicts[@]}"
