#!/usr/bin/env bash
# Our UAS beside Kamailio, each answering MESSAGE over UDP on loopback, driven
# by sipp at the highest rate it sustains for DURATION seconds (default 45):
# Kamailio stateless (sl_send_reply) with each worker count of CHILDREN,
# Kamailio stateful (t_newtran/t_reply), our UAS (the transaction layer),
# ROUNDS times in turn, then our UAS once more with sipp losing 10 %.
# One JSON line per run, then the medians and our rate as ratios to the
# best stateless Kamailio and to the stateful one.
# Not part of `make test`: run it by hand (or COMPARE_KAMAILIO=1 make bench).
#   tests/perf/compare-kamailio.sh [BUILD]
# Steady state: our UAS keeps every transaction for timer J (64*T1 = 32 s)
# after its answer, Kamailio's tm for its wait timer (5 s); until the longer
# has run once nothing is freed and a rate is a burst. Every rate, the
# processor time per call and sipp's own processor share are measured over
# the window from WARMUP (default 33 s) to DURATION only; the peak memory
# (proportional set size, summed over the server's processes: Kamailio's
# shared memory counted once) is sampled over the whole run. Our UAS runs
# with MAX_TXNS = RATE x 40 s, what sip/README.md tells an operator to size
# it to (rate x 32 s, with room). A run whose sipp_cpu_share is near 1 sits at
# sipp's ceiling: sipp, not the server, set its rate.
# Environment: DURATION (s), WARMUP (s), ROUNDS, RATE (calls/s asked of sipp), LIMIT
# (calls open at once: sipp then runs a window and finds the server's pace
# instead of burying itself in retransmissions), CHILDREN (Kamailio UDP
# worker counts to try), SOCKBUF (UDP socket buffer of sipp and of both
# servers), SHM_MB (Kamailio's shared memory: its tm keeps every transaction
# there for its wait timer, 5 s after the final answer, about 3 KiB each;
# short of it, t_newtran fails and the client sees 500s).
# SOCKBUF matters most: a 200 takes about 1.25 KiB of a socket buffer, so
# sipp's own 64 KiB default (-buff_size, doubled by the kernel) holds about a
# hundred. Whenever sipp sends a window's worth before reading, the rest of
# the answers are dropped, and the 500 ms retransmission cycle that follows
# sets the rate (about 25,000/s against any server) rather than the server:
# the faster the server answers, the more of the burst it loses. SOCKBUF=0
# keeps every default, to see that.
# The rate is read from sipp's per-second statistics while it was sending;
# failed calls are counted to the end. With loss, sipp may retransmit as
# often as RFC 3261 lets a client before timer F (10 times, not its 5).
BUILD=${1:-${BUILD:-build}}
. "$(dirname "$0")/../integration/sipp_lib.sh"
DURATION=${DURATION:-45}
WARMUP=${WARMUP:-33}
ROUNDS=${ROUNDS:-1}
RATE=${RATE:-200000}
MAX_TXNS=${MAX_TXNS:-$((RATE * 40))}
LIMIT=${LIMIT:-1000}
CHILDREN=${CHILDREN:-1 2}
SOCKBUF=${SOCKBUF:-4194304}
SHM_MB=${SHM_MB:-4096}
sipp_buf=() kamailio_buf=() uas_buf=()
if [ "$SOCKBUF" != 0 ]; then
  sipp_buf=(-buff_size "$SOCKBUF") kamailio_buf=(-b "$SOCKBUF") uas_buf=(--sockbuf "$SOCKBUF")
fi
command -v kamailio >/dev/null || fail "kamailio is not installed"
[ "$WARMUP" -lt "$DURATION" ] || fail "WARMUP ($WARMUP s) must be shorter than DURATION ($DURATION s)"
build_peers

# cpu_seconds PID...: the processor time (user and system) the processes have used.
cpu_seconds() {
  local p ticks=0
  for p in "$@"; do ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done
  python3 -c 'import os, sys; print(int(sys.argv[1]) / os.sysconf("SC_CLK_TCK"))' "$ticks"
}

# sample_pss FILE PID...: until killed, the largest sum of the processes'
# proportional set size (KiB) seen, sampled every 0.2 s, kept in FILE.
sample_pss() {
  local out=$1; shift
  exec python3 - "$out" "$@" <<'PY'
import sys, time
out, pids, peak = sys.argv[1], sys.argv[2:], 0
while True:
    total = 0
    for p in pids:
        try:
            for line in open('/proc/%s/smaps_rollup' % p):
                if line.startswith('Pss:'):
                    total += int(line.split()[1])
        except OSError:
            pass
    if total > peak:
        peak = total
        open(out, 'w').write(str(peak))
    time.sleep(0.2)
PY
}

# drive NAME PORT SERVER-PIDS [SIPP ARGS...]: sipp against 127.0.0.1:PORT; prints
# the JSON line: the rate, the processor time the server's processes spent per
# call answered (what the server costs, whichever side sets the pace) and
# sipp's processor share, all over the steady window (WARMUP to DURATION), and
# the servers' peak memory over the run.
drive() {
  local name=$1 port=$2 servers=$3; shift 3
  local sport cport; sport=$(free_port); cport=$(free_port)
  local t0 w0 w1 cpu0 cpu1 scpu0 scpu1 sipp_pid
  sample_pss "$work/$name.pss" $servers </dev/null >/dev/null 2>&1 &
  local mpid=$!
  pids+=($mpid)
  t0=$(date +%s.%N)
  (cd "$work" && exec timeout $((DURATION + 60)) sipp -nostdin 127.0.0.1:"$port" -sf "$root/tests/sipp/uac_message.xml" \
     -t u1 -i 127.0.0.1 -p "$sport" -cp "$cport" -r "$RATE" -rp 1000 -l "$LIMIT" -trace_stat -stf "$work/$name.csv" -fd 1 "${sipp_buf[@]}" "$@" \
     >"$work/$name-sipp.out" 2>&1) &
  local spid=$!
  pids+=($spid)
  sleep "$WARMUP"
  sipp_pid=$(pgrep -P "$spid" -x sipp | head -n 1)
  w0=$(date +%s.%N); cpu0=$(cpu_seconds $servers); scpu0=$(cpu_seconds $sipp_pid)
  sleep $((DURATION - WARMUP))
  w1=$(date +%s.%N); cpu1=$(cpu_seconds $servers); scpu1=$(cpu_seconds $sipp_pid)
  # 'q' on sipp's control port: stop making calls, let the open ones end
  python3 -c 'import socket, sys; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"q", ("127.0.0.1", int(sys.argv[1])))' "$cport"
  wait "$spid"
  kill "$mpid" 2>/dev/null; wait "$mpid" 2>/dev/null
  python3 - "$name" "$work/$name.csv" "$w0" "$w1" "$cpu0" "$cpu1" "$scpu0" "$scpu1" "$(cat "$work/$name.pss" 2>/dev/null || echo 0)" <<'PY'
import csv, json, sys
name, path = sys.argv[1], sys.argv[2]
w0, w1, cpu0, cpu1, scpu0, scpu1 = (float(x) for x in sys.argv[3:9])
peak_kib = int(sys.argv[9])
rows = list(csv.reader(open(path), delimiter=';'))
h, data = rows[0], rows[1:]
col = lambda r, k: r[h.index(k)]
when = lambda r: float(col(r, 'CurrentTime').split('\t')[-1])
num = lambda r, k: int(float(col(r, k)))
# the steady window: sipp's per-second reports from WARMUP to DURATION
window = [r for r in data if w0 - 0.5 <= when(r) <= w1 + 0.5]
a, b = (window[0], window[-1]) if len(window) >= 2 else (data[0], data[-1])
span = when(b) - when(a)
calls = num(b, 'SuccessfulCall(C)') - num(a, 'SuccessfulCall(C)')
rate = calls / span if span > 0 else 0
last = data[-1]
print(json.dumps({"target": name, "rate": round(rate, 1), "steady_window_s": round(span, 2),
                  "successful": num(last, 'SuccessfulCall(C)'), "failed": num(last, 'FailedCall(C)'),
                  "retransmissions": num(last, 'Retransmissions(C)'),
                  "server_cpu_us_per_call": round((cpu1 - cpu0) * 1e6 / (rate * (w1 - w0)), 2) if rate else None,
                  "sipp_cpu_share": round((scpu1 - scpu0) / (w1 - w0), 3) if w1 > w0 else None,
                  "server_peak_mb": round(peak_kib / 1024, 1)}))
PY
}

# kamailio_run NAME CONFIG CHILDREN: Kamailio on a free port with CONFIG, driven by sipp.
kamailio_run() {
  local name=$1 cfg=$2 children=$3 port; port=$(free_port)
  rm -f "$work/$name.pid"
  sed -e "s/LISTEN/127.0.0.1:$port/" -e "s/CHILDREN/$children/" "$root/tests/kamailio/$cfg" >"$work/$name.cfg"
  timeout $((DURATION + 90)) kamailio -f "$work/$name.cfg" -P "$work/$name.pid" -Y "$work" -DD -E -m "$SHM_MB" -M 16 \
    "${kamailio_buf[@]}" >"$work/$name-kamailio.out" 2>&1 &
  local kpid=$!
  pids+=($kpid)
  for _ in $(seq 100); do [ -s "$work/$name.pid" ] && break; sleep 0.05; done
  [ -s "$work/$name.pid" ] || fail "kamailio ($cfg) did not start"
  drive "$name" "$port" "$(pgrep -f -- "-f $work/$name.cfg" | tr '\n' ' ')" | tee -a "$work/$name.json"
  kill -TERM "$kpid" 2>/dev/null; wait "$kpid" 2>/dev/null
}

uas_run() {
  local name=$1; shift
  local port; port=$(free_port)
  start_uas "$port" --seconds $((DURATION + 90)) --max-txns "$MAX_TXNS" "${uas_buf[@]}"
  drive "$name" "$port" "$uas_pid" "$@" | tee -a "$work/$name.json"
  stop_uas >"$work/$name-uas.json"
  [ "$(json_get "$(cat "$work/$name-uas.json")" duplicates)" = 0 ] || fail "$name: a request reached the TU twice"
}

for _ in $(seq "$ROUNDS"); do
  for c in $CHILDREN; do kamailio_run "kamailio-stateless-$c" stateless.cfg "$c"; done
  kamailio_run kamailio-stateful stateful.cfg "${CHILDREN##* }"
  uas_run sippush
done
uas_run sippush-lost10 -lost 10 -max_non_invite_retrans 10

python3 - "$work" $CHILDREN <<'PY'
import json, statistics, sys
w, children = sys.argv[1], sys.argv[2:]
runs = lambda n: [json.loads(l) for l in open(f"{w}/{n}.json")]
median = lambda n, k="rate": statistics.median(r[k] for r in runs(n))
failed = lambda n: sum(r["failed"] for r in runs(n))
stateless = {c: median(f"kamailio-stateless-{c}") for c in children}
best = max(stateless, key=stateless.get)
ours, stateful = median("sippush"), median("kamailio-stateful")
ratio = lambda a, b: round(a / b, 3) if b else None
names = [f"kamailio-stateless-{c}" for c in children] + ["kamailio-stateful", "sippush"]
cpu = {n: median(n, "server_cpu_us_per_call") for n in names}
print(json.dumps({"target": "medians", "rounds": len(runs("sippush")),
                  **{f"kamailio_stateless_{c}": r for c, r in stateless.items()},
                  "kamailio_stateful": stateful, "sippush": ours,
                  "server_cpu_us_per_call": cpu,
                  "server_peak_mb": {n: median(n, "server_peak_mb") for n in names},
                  "sipp_cpu_share": {n: median(n, "sipp_cpu_share") for n in names}}))
print(json.dumps({"target": "ratios", "kamailio_stateless_children": int(best),
                  "sippush_vs_kamailio_stateless": ratio(ours, stateless[best]),
                  "sippush_vs_kamailio_stateful": ratio(ours, stateful),
                  "cpu_per_call_kamailio_stateless_vs_sippush": ratio(cpu[f"kamailio-stateless-{best}"], cpu["sippush"]),
                  "cpu_per_call_kamailio_stateful_vs_sippush": ratio(cpu["kamailio-stateful"], cpu["sippush"]),
                  "sippush_failed": failed("sippush"), "sippush_lost10_failed": failed("sippush-lost10")}))
sys.exit(1 if failed("sippush") or failed("sippush-lost10") else 0)
PY
