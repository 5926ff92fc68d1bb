#!/bin/sh
# The published figures, measured from the tree: `make bench`.
#   tools/bench.sh [SIPPUSH]
# Each line is the JSON of one `sippush bench` run; ratios against a
# baseline measured in the same run (scan_ratio, tcp_ratio) hold on a busy machine.
set -eu
exe=${1:-build/sippush}
shared=${SIPPUSH_CORPUS:-../shared/corpus}
secs=${BENCH_SECONDS:-2}
[ -d "$shared" ] && "$exe" bench parse --corpus "$shared" --seconds "$secs"
for set in tests/bench/*/; do
  [ -d "$set" ] || continue
  for kind in sip sdp msrp; do
    [ -d "$set$kind" ] && "$exe" bench parse --corpus "$set" --kind "$kind" --seconds "$secs"
  done
done
"$exe" bench sha1
"$exe" bench txn --seconds "$secs" --transport udp
"$exe" bench txn --seconds "$secs" --transport tcp
# Beside Kamailio through sipp: a minute or more, so only when asked.
if [ "${COMPARE_KAMAILIO:-0}" = 1 ]; then tests/perf/compare-kamailio.sh "$(dirname "$exe")"; fi
