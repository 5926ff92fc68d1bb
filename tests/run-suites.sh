#!/usr/bin/env bash
# Runs check suites and adds up their verdicts.
#   run-suites.sh asan|valgrind SUITE...
# asan: each suite as built (sanitizers abort on the first report).
# valgrind: each suite under memcheck, no fork, any error or leak fails it.
set -u
mode=$1; shift
passed=0; failed=0; bad=()
for suite in "$@"; do
  name=$(basename "$suite")
  log=$(mktemp)
  if [ "$mode" = valgrind ]; then
    CK_FORK=no CK_DEFAULT_TIMEOUT=120 CK_TIMEOUT_MULTIPLIER=10 valgrind -q --error-exitcode=99 --leak-check=full \
      --errors-for-leak-kinds=definite,indirect "$suite" >"$log" 2>&1
  else
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      "$suite" >"$log" 2>&1
  fi
  rc=$?
  line=$(grep -E '^[0-9]+%: Checks: ' "$log" | tail -n 1)
  checks=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"${line:-Checks: 0}")
  fails=$(sed -E 's/.*Failures: ([0-9]+), Errors: ([0-9]+).*/\1+\2/' <<<"${line:-Failures: 0, Errors: 0}")
  fails=$((fails))
  if [ $rc -ne 0 ] || [ -z "$line" ] || [ "$fails" -ne 0 ]; then
    cat "$log"
    bad+=("$name")
    failed=$((failed + (fails > 0 ? fails : 1)))
    passed=$((passed + checks - fails))
  else
    passed=$((passed + checks))
    echo "$mode $name: $line"
  fi
  rm -f "$log"
done
echo "$mode unit tests: $passed passed, $failed failed"
[ ${#bad[@]} -eq 0 ] || { echo "failing suites: ${bad[*]}"; exit 1; }
