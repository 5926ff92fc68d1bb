# sipp_lib.sh - sourced by the test_sipp_*.sh tests: builds the test peers
# (tests/peers/*.c against $BUILD/libsippush.a), finds free loopback ports,
# starts processes under a time bound and kills them on any exit.
set -u
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$root/$BUILD ;; esac
work=$(mktemp -d)
pids=()

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; for f in "$work"/*.out "$work"/*.err; do [ -s "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }; done; exit 1; }

command -v sipp >/dev/null || fail "sipp is not installed (Debian: sip-tester)"

build_peers() {
  for p in uas uac; do
    cc -std=c11 -D_GNU_SOURCE -O2 -I"$root"/base -I"$root"/sip -I"$root"/transport -I"$root"/tests/peers \
      -o "$work/$p" "$root/tests/peers/$p.c" "$BUILD/libsippush.a" -lpthread -lm || fail "cannot build $p"
  done
}

# A loopback port free for both UDP and TCP.
free_port() {
  python3 - <<'PY'
import socket
while True:
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    port = u.getsockname()[1]
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        t.bind(("127.0.0.1", port))
    except OSError:
        continue
    print(port)
    break
PY
}

# start NAME SECONDS CMD...: runs CMD in the background for at most SECONDS.
start() {
  local name=$1 secs=$2; shift 2
  timeout "$secs" "$@" >"$work/$name.out" 2>"$work/$name.err" &
  pids+=($!)
}

# Our UAS on PORT (UDP and TCP), ready when it says so. It bounds its own
# life (--seconds), so $! is the UAS itself and a TERM reaches it directly.
start_uas() {
  local port=$1; shift
  "$work/uas" --udp 127.0.0.1:"$port" --tcp 127.0.0.1:"$port" --seconds 90 "$@" >"$work/uas.out" 2>"$work/uas.err" &
  uas_pid=$!
  pids+=($uas_pid)
  for _ in $(seq 100); do grep -q listening "$work/uas.out" 2>/dev/null && return 0; sleep 0.05; done
  fail "the UAS did not start"
}

# Stops the UAS and sets uas_counts to its counts line. Call it in the test's
# own shell, not in $(...): only the shell that started the UAS can wait for
# it to write its counts and end.
stop_uas() {
  kill -TERM "$uas_pid" 2>/dev/null
  wait "$uas_pid" 2>/dev/null
  local rc=$?
  grep -q '"MESSAGE"' "$work/uas.out" || fail "the UAS ended without its counts (status $rc)"
  uas_counts=$(tail -n 1 "$work/uas.out")
}

# json_get LINE KEY: a number from a flat JSON line.
json_get() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

# start_sipp_uas NAME SCENARIO PORT ARGS...: sipp answering on PORT until
# stop_sipp_uas; no call count, so a request retransmitted after its call
# ended is answered as a new call rather than meeting a closed port.
start_sipp_uas() {
  local name=$1 scenario=$2 port=$3; shift 3
  sipp_cport=$(free_port)
  start "$name" 60 sipp -nostdin -sf "$root/tests/sipp/$scenario" -i 127.0.0.1 -p "$port" -cp "$sipp_cport" "$@"
  sipp_pid=${pids[-1]}
  wait_bound "$port" && wait_bound "$sipp_cport" || fail "sipp ($scenario) did not open its ports"
}

# wait_bound PORT: until a UDP socket is bound or a TCP one listens on PORT (at most 10 s).
wait_bound() {
  for _ in $(seq 200); do
    [ -n "$(ss -Hlntu "sport = :$1" 2>/dev/null)" ] && return 0
    sleep 0.05
  done
  return 1
}

# 'q' on the control port: sipp lets its calls end and exits, 0 when none failed.
stop_sipp_uas() {
  python3 -c 'import socket, sys; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"q", ("127.0.0.1", int(sys.argv[1])))' "$sipp_cport"
  wait "$sipp_pid"
}

# sipp_successful NAME: the successful calls of sipp's last statistics screen.
sipp_successful() {
  grep -a 'Successful call' "$work/$1.out" | tail -n 1 | awk -F'|' '{gsub(/ /, "", $3); print $3}'
}

# run_sipp NAME ARGS...: sipp in the foreground, bounded, non-interactive.
run_sipp() {
  local name=$1; shift
  (cd "$work" && timeout 60 sipp -nostdin -timeout 40s -timeout_error -trace_err \
     -error_file "$work/$name.err" "$@" >"$work/$name.out" 2>&1)
}
