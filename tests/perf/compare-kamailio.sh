#!/usr/bin/env bash
# Our UAS beside Kamailio, each answering MESSAGE over UDP on loopback, driven
# by sipp at the highest rate it sustains for DURATION seconds (default 20):
# Kamailio stateless (sl_send_reply), Kamailio stateful (t_newtran/t_reply),
# our UAS (the transaction layer), then our UAS again with sipp losing 10 %.
# One JSON line per run, then our rate as ratios to both Kamailio runs.
# Not part of `make test`: run it by hand (or COMPARE_KAMAILIO=1 make bench).
#   tests/perf/compare-kamailio.sh [BUILD]
# Environment: DURATION (s), RATE (calls/s asked of sipp), LIMIT (calls
# open at once: sipp then runs a window and finds the server's pace instead
# of burying itself in retransmissions), CHILDREN (Kamailio UDP workers),
# SHM_MB (Kamailio's shared memory: its tm keeps every transaction there
# for its wait timer, 5 s after the final answer, about 3 KiB each; short
# of it, t_newtran fails and the client sees 500s instead of a comparison).
# The rate is read from sipp's per-second statistics while it was sending;
# failed calls are counted to the end. With loss, sipp may retransmit as
# often as RFC 3261 lets a client before timer F (10 times, not its 5).
BUILD=${1:-${BUILD:-build}}
. "$(dirname "$0")/../integration/sipp_lib.sh"
DURATION=${DURATION:-20}
RATE=${RATE:-50000}
LIMIT=${LIMIT:-200}
CHILDREN=${CHILDREN:-2}
SHM_MB=${SHM_MB:-4096}
command -v kamailio >/dev/null || fail "kamailio is not installed"
build_peers

# drive NAME PORT [SIPP ARGS...]: sipp against 127.0.0.1:PORT; prints the JSON line.
drive() {
  local name=$1 port=$2; shift 2
  local sport cport; sport=$(free_port); cport=$(free_port)
  local t0 t1
  t0=$(date +%s.%N)
  (cd "$work" && exec timeout $((DURATION + 60)) sipp -nostdin 127.0.0.1:"$port" -sf "$root/tests/sipp/uac_message.xml" \
     -t u1 -i 127.0.0.1 -p "$sport" -cp "$cport" -r "$RATE" -rp 1000 -l "$LIMIT" -trace_stat -stf "$work/$name.csv" -fd 1 "$@" \
     >"$work/$name-sipp.out" 2>&1) &
  local spid=$!
  pids+=($spid)
  sleep "$DURATION"
  # 'q' on sipp's control port: stop making calls, let the open ones end
  python3 -c 'import socket, sys; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"q", ("127.0.0.1", int(sys.argv[1])))' "$cport"
  wait "$spid"
  t1=$(date +%s.%N)
  python3 - "$name" "$work/$name.csv" "$t0" "$t1" "$DURATION" <<'PY'
import csv, json, sys
name, path, t0, t1, duration = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
rows = list(csv.reader(open(path), delimiter=';'))
h, data = rows[0], rows[1:]
col = lambda r, k: r[h.index(k)]
when = lambda r: float(col(r, 'CurrentTime').split('\t')[-1])
num = lambda r, k: int(float(col(r, k)))
# the window: from the first report to the last one taken while sipp was still sending
sending = [r for r in data if when(r) <= t0 + duration + 0.5] or data
a, b = sending[0], sending[-1]
span = when(b) - when(a)
rate = (num(b, 'SuccessfulCall(C)') - num(a, 'SuccessfulCall(C)')) / span if span > 0 else 0
last = data[-1]
print(json.dumps({"target": name, "rate": round(rate, 1), "successful": num(last, 'SuccessfulCall(C)'),
                  "failed": num(last, 'FailedCall(C)'), "retransmissions": num(last, 'Retransmissions(C)'),
                  "seconds": round(span, 2)}))
PY
}

# kamailio_run NAME CONFIG: Kamailio on a free port with CONFIG, driven by sipp.
kamailio_run() {
  local name=$1 cfg=$2 port; port=$(free_port)
  sed -e "s/LISTEN/127.0.0.1:$port/" -e "s/CHILDREN/$CHILDREN/" "$root/tests/kamailio/$cfg" >"$work/$name.cfg"
  timeout $((DURATION + 90)) kamailio -f "$work/$name.cfg" -P "$work/$name.pid" -Y "$work" -DD -E -m "$SHM_MB" -M 16 \
    >"$work/$name-kamailio.out" 2>&1 &
  local kpid=$!
  pids+=($kpid)
  for _ in $(seq 100); do [ -s "$work/$name.pid" ] && break; sleep 0.05; done
  [ -s "$work/$name.pid" ] || fail "kamailio ($cfg) did not start"
  drive "$name" "$port" | tee "$work/$name.json"
  kill -TERM "$kpid" 2>/dev/null; wait "$kpid" 2>/dev/null
}

uas_run() {
  local name=$1; shift
  local port; port=$(free_port)
  start_uas "$port" --max-txns 4000000
  drive "$name" "$port" "$@" | tee "$work/$name.json"
  stop_uas >"$work/$name-uas.json"
  [ "$(json_get "$(cat "$work/$name-uas.json")" duplicates)" = 0 ] || fail "$name: a request reached the TU twice"
}

kamailio_run kamailio-stateless stateless.cfg
kamailio_run kamailio-stateful stateful.cfg
uas_run sippush
uas_run sippush-lost10 -lost 10 -max_non_invite_retrans 10

python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
r = {n: json.load(open(f"{w}/{n}.json")) for n in ("kamailio-stateless", "kamailio-stateful", "sippush", "sippush-lost10")}
ratio = lambda a, b: round(r[a]["rate"] / r[b]["rate"], 3) if r[b]["rate"] else None
print(json.dumps({"target": "ratios", "sippush_vs_kamailio_stateless": ratio("sippush", "kamailio-stateless"),
                  "sippush_vs_kamailio_stateful": ratio("sippush", "kamailio-stateful"),
                  "sippush_failed": r["sippush"]["failed"], "sippush_lost10_failed": r["sippush-lost10"]["failed"]}))
bad = r["sippush"]["failed"] or r["sippush-lost10"]["failed"]
sys.exit(1 if bad else 0)
PY
