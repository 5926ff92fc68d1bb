#!/usr/bin/env bash
# Runs AFL++ on harnesses built by `make fuzz`, JOBS at once, each for SECONDS
# from its corpus (fuzz/corpus/NAME) with its dictionary (fuzz/NAME.dict)
# when there is one; prints one line per harness from its fuzzer_stats, then
# "N passed, N failed". A harness fails when AFL++ stops with an error or
# finds a crash or a hang (kept in OUT/NAME/default/{crashes,hangs}).
#
#   fuzz/run.sh SECONDS JOBS OUT HARNESS...
set -u
[ $# -ge 4 ] || { echo "usage: fuzz/run.sh SECONDS JOBS OUT HARNESS..." >&2; exit 2; }
secs=$1 jobs=$2 out=$3; shift 3
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"

# stat_of FILE KEY: one value of a fuzzer_stats file.
stat_of() { sed -nE "s/^$2 *: *//p" "$1" | head -n 1; }

fuzz_one() {
  local h=$1 name stats dict=() rc crashes hangs
  name=$(basename "$h")
  rm -rf "${out:?}/$name"
  [ -f "$here/$name.dict" ] && dict=(-x "$here/$name.dict")
  AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
    afl-fuzz -V "$secs" -i "$here/corpus/$name" -o "$out/$name" "${dict[@]}" -- "$h" >"$out/$name.log" 2>&1
  rc=$?
  stats=$out/$name/default/fuzzer_stats
  if [ ! -f "$stats" ]; then
    echo "FAIL $name: afl-fuzz stopped with status $rc and no statistics (log: $out/$name.log)"
    tail -n 15 "$out/$name.log" | sed 's/\x1b\[[0-9;]*m//g'
    return 1
  fi
  crashes=$(stat_of "$stats" saved_crashes); crashes=${crashes:-$(stat_of "$stats" unique_crashes)}
  hangs=$(stat_of "$stats" saved_hangs); hangs=${hangs:-$(stat_of "$stats" unique_hangs)}
  local verdict=PASS
  [ "$rc" -eq 0 ] && [ "${crashes:-1}" -eq 0 ] && [ "${hangs:-1}" -eq 0 ] || verdict=FAIL
  printf '%s %s: %s executions (%s/s), %s crashes, %s hangs, coverage %s (%s of %s edges), corpus %s\n' \
    "$verdict" "$name" "$(stat_of "$stats" execs_done)" "$(stat_of "$stats" execs_per_sec)" "${crashes:-?}" "${hangs:-?}" \
    "$(stat_of "$stats" bitmap_cvg)" "$(stat_of "$stats" edges_found)" "$(stat_of "$stats" total_edges)" \
    "$(stat_of "$stats" corpus_count)"
  [ $verdict = PASS ]
}

pids=() names=() passed=0 failed=0 bad=()
reap() { # waits for the oldest running harness
  if wait "${pids[0]}"; then passed=$((passed + 1)); else failed=$((failed + 1)); bad+=("${names[0]}"); fi
  pids=("${pids[@]:1}") names=("${names[@]:1}")
}
for h in "$@"; do
  [ ${#pids[@]} -lt "$jobs" ] || reap
  fuzz_one "$h" &
  pids+=($!) names+=("$(basename "$h")")
done
while [ ${#pids[@]} -gt 0 ]; do reap; done
for n in "${bad[@]}"; do echo "FAILED fuzz $n: see $out/$n.log and $out/$n/default/"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
