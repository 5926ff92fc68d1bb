#!/usr/bin/env bash
# Runs one test suite and records its verdict, or adds verdicts up.
#
#   run-suites.sh run KIND VERDICT CMD...
#       Runs CMD as one suite of KIND, its output in VERDICT.log, and writes
#       VERDICT: one line, "pass ..." or "fail ...". Prints that line with the
#       kind and name in front; exits 0 either way (the summary decides).
#   run-suites.sh summary VERDICT...
#       Shows the end of every failing suite's log, lists the failures, then
#       one line "N passed, N failed" (suites); exits 1 on any failure or
#       missing verdict.
#
# KIND says how CMD runs and how its verdict is read:
#   asan         a check suite built with the sanitizers (the first report aborts it)
#   valgrind     a check suite under memcheck, no fork; any error or leak fails it.
#                SIPPUSH_TEST_SHRINK (default 64 here) makes the big-data suites
#                divide their sizes (tests/unit/big_size.h).
#   check        a check suite built without sanitizers, run as it is
#   integration  tests/integration/test_*.py or test_*.sh (CMD is the file)
#   command      anything else: exit status 0 passes
set -u

check_line() { grep -aE '^[0-9]+%: Checks: ' "$1" | tail -n 1; }

run_one() {
  local kind=$1 verdict=$2; shift 2
  local name log start rc line checks fails detail
  name=$(basename "$verdict")
  log=$verdict.log
  mkdir -p "$(dirname "$verdict")"
  rm -f "$verdict"
  start=$(date +%s.%N)
  case $kind in
    asan)
      ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$@" >"$log" 2>&1 ;;
    valgrind)
      SIPPUSH_TEST_SHRINK=${SIPPUSH_TEST_SHRINK:-64} CK_FORK=no CK_DEFAULT_TIMEOUT=120 CK_TIMEOUT_MULTIPLIER=10 \
        valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        "$@" >"$log" 2>&1 ;;
    integration)
      case $1 in
        *.py) python3 "$@" >"$log" 2>&1 ;;
        *) bash "$@" >"$log" 2>&1 ;;
      esac ;;
    check) "$@" >"$log" 2>&1 ;;
    command) "$@" >"$log" 2>&1 ;;
    *) echo "run-suites.sh: unknown kind $kind" >&2; exit 2 ;;
  esac
  rc=$?
  detail=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f s", e - s }')
  case $kind in
    asan|valgrind|check)
      line=$(check_line "$log")
      checks=$(sed -nE 's/.*Checks: ([0-9]+).*/\1/p' <<<"$line")
      fails=$(sed -nE 's/.*Failures: ([0-9]+), Errors: ([0-9]+).*/\1+\2/p' <<<"$line")
      if [ -z "$line" ]; then
        detail="no check summary, exit $rc, $detail"; rc=1
      elif [ $((fails)) -ne 0 ] || [ $rc -ne 0 ]; then
        detail="$((fails)) of $checks checks failed, exit $rc, $detail"; rc=1
      else
        detail="$checks checks, $detail"
      fi ;;
    *)
      [ $rc -eq 0 ] || detail="exit $rc, $detail" ;;
  esac
  if [ $rc -eq 0 ]; then echo "pass $detail" >"$verdict"; else echo "fail $detail" >"$verdict"; fi
  # named by the folder of the verdict: asan, valgrind, integration, fuzz-replay...
  printf '%s %s %s: %s\n' "$([ $rc -eq 0 ] && echo PASS || echo FAIL)" "$(basename "$(dirname "$verdict")")" \
    "$name" "$detail"
}

# Lines that say what failed: check's failures and errors, a failing
# integration check, sanitizer and memcheck reports, a Python traceback.
failure_marks='(^|[^A-Za-z])FAIL|:[FE]:|ERROR|runtime error|AddressSanitizer|definitely lost|Invalid (read|write|free)|uninitialised|Traceback'

summary() {
  local passed=0 failed=0 v bad=()
  for v in "$@"; do
    if [ -f "$v" ] && read -r word _ <"$v" && [ "$word" = pass ]; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1)); bad+=("$v")
    fi
  done
  for v in "${bad[@]}"; do
    [ -f "$v.log" ] || continue
    echo "--- $(basename "$(dirname "$v")") $(basename "$v"): what failed in $v.log, then its end"
    grep -a -m 20 -E "$failure_marks" "$v.log"
    echo "..."
    tail -n 15 "$v.log"
  done
  for v in "${bad[@]}"; do
    echo "FAILED $(basename "$(dirname "$v")") $(basename "$v"): $(cut -d" " -f2- "$v" 2>/dev/null || echo "no verdict") (log: $v.log)"
  done
  echo "$passed passed, $failed failed"
  [ $failed -eq 0 ]
}

cmd=${1:-}; shift || true
case $cmd in
  run) [ $# -ge 3 ] || { echo "usage: run-suites.sh run KIND VERDICT CMD..." >&2; exit 2; }; run_one "$@" ;;
  summary) summary "$@" ;;
  *) echo "usage: run-suites.sh run KIND VERDICT CMD... | summary VERDICT..." >&2; exit 2 ;;
esac
