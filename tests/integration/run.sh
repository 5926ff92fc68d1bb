#!/usr/bin/env bash
# Runs every integration test (tests/integration/test_*.sh and test_*.py)
# against a build folder. Each gets BUILD in its environment.
set -u
export BUILD=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
passed=0; failed=0
shopt -s nullglob
for t in "$here"/test_*.sh "$here"/test_*.py; do
  name=$(basename "$t")
  if [ "${t##*.}" = py ]; then out=$(python3 "$t" 2>&1); else out=$(bash "$t" 2>&1); fi
  rc=$?
  if [ $rc -eq 0 ]; then passed=$((passed + 1)); echo "PASS $name"
  else failed=$((failed + 1)); echo "FAIL $name"; echo "$out" | tail -n 40; fi
done
echo "integration: $passed passed, $failed failed"
[ $failed -eq 0 ]
