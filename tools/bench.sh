#!/bin/sh
# The published figures, measured from the tree: `make bench`. Every row of
# the README's table comes from one line printed here, in its order.
#   tools/bench.sh [SIPPUSH]
# Each line is JSON; ratios against a baseline measured in the same run
# (scan_ratio, memmem_ratio, memcpy_ratio, baseline_ratio, tcp_ratio, the
# Kamailio ratios) hold on a busy machine, absolute rates do not: publish
# the figures of a quiet one.
# Steady state: the transaction rows run longer than timer J (32 s) and
# report the rate after it, with peak memory beside it; the sipp rows
# likewise (tests/perf/compare-kamailio.sh). All of it takes about 15
# minutes. Environment: BENCH_SECONDS (parse, default 2), SIPPUSH_CORPUS,
# BENCH_MIB (MSRP transfers, default 256), BENCH_PEERS=0 (skip the rows
# driven by sipp and Kamailio), BENCH_QUICK=1 (a check that every line comes
# out, in a minute or two: T1 50 ms so that timer J is 3.2 s, small transfers,
# short sipp runs; not figures to publish).
set -eu
exe=${1:-build/sippush}
build=$(dirname "$exe")
shared=${SIPPUSH_CORPUS:-../shared/corpus}
secs=${BENCH_SECONDS:-2}
mib=${BENCH_MIB:-256}
txn= pushes=100 invite_mib=100
if [ "${BENCH_QUICK:-0}" = 1 ]; then
  txn="--t1 50" pushes=10 invite_mib=4 mib=${BENCH_MIB:-8}
  export DURATION=${DURATION:-6} WARMUP=${WARMUP:-3} CHILDREN=${CHILDREN:-1}
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# SIP and SDP parse (and the instruction count of a SIP message), MSRP framing
"$exe" bench parse --corpus "$shared" --seconds "$secs"
if command -v valgrind >/dev/null; then
  # instructions per message: callgrind over 20 and 220 passes, the difference over 200 passes'
  # messages (start-up, loading and the baselines, which run 16 passes at most, cancel out)
  ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$exe" bench parse --corpus "$shared" --kind sip \
           --iterations "$1" 2>&1 >/dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'; }
  msgs=$("$exe" bench parse --corpus "$shared" --kind sip --iterations 1 | sed -n 's/.*"messages":\([0-9]*\).*/\1/p')
  few=$(ir 20) many=$(ir 220)
  echo "{\"bench\":\"parse-sip-instructions\",\"messages\":$msgs,\"instructions_per_message\":$(( (many - few) / (200 * msgs) ))}"
fi
for set in tests/bench/*/; do
  [ -d "$set" ] || continue
  for kind in sip sdp msrp; do
    [ -d "$set$kind" ] && "$exe" bench parse --corpus "$set" --kind "$kind" --seconds "$secs"
  done
done
# SHA-1
"$exe" bench sha1
# SIP transactions, two processes: steady state by default (timer J + 10 s over UDP)
"$exe" bench txn --transport udp $txn
"$exe" bench txn --transport tcp $txn
if [ "${BENCH_PEERS:-1}" != 0 ]; then
  # MESSAGE answered to sipp beside Kamailio; recv answering pushes from sipp
  tests/perf/compare-kamailio.sh "$build"
  python3 tests/perf/recv_message_rate.py --build "$build" $([ "${BENCH_QUICK:-0}" = 1 ] && echo --calls 20000)
fi
# MSRP sessions: 64 KiB chunks, 2 KiB chunks, with SHA-1 verification, from memory
"$exe" bench msrp --chunk-size 65536 --bytes $((mib << 20))
"$exe" bench msrp --chunk-size 2048 --bytes $((mib << 20))
"$exe" bench msrp --chunk-size 65536 --bytes $((mib << 20)) --sha1
# the same from a file on disk into files on disk
head -c $((mib << 20)) /dev/urandom >"$tmp/content.bin"
mkdir "$tmp/out"
"$exe" bench msrp --chunk-size 65536 --file "$tmp/content.bin" --out "$tmp/out" --sha1
rm -f "$tmp/content.bin"
# session-mode push: INVITE to success REPORT of 1 KiB; `send FILE` to `recv --out DIR`
python3 tests/perf/invite_figures.py --build "$build" --no-kamailio --count "$pushes" --mib "$invite_mib"
