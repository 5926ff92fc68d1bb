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

# Our UAS on PORT (UDP and TCP), ready when it says so.
start_uas() {
  local port=$1; shift
  start uas 60 "$work/uas" --udp 127.0.0.1:"$port" --tcp 127.0.0.1:"$port" "$@"
  uas_pid=${pids[-1]}
  for _ in $(seq 100); do grep -q listening "$work/uas.out" 2>/dev/null && return 0; sleep 0.05; done
  fail "the UAS did not start"
}

# Stops the UAS and prints its counts line.
stop_uas() {
  kill -TERM "$uas_pid" 2>/dev/null
  wait "$uas_pid" 2>/dev/null
  tail -n 1 "$work/uas.out"
}

# json_get LINE KEY: a number from a flat JSON line.
json_get() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

# run_sipp NAME ARGS...: sipp in the foreground, bounded, non-interactive.
run_sipp() {
  local name=$1; shift
  (cd "$work" && timeout 60 sipp -nostdin -timeout 40s -timeout_error -trace_err \
     -error_file "$work/$name.err" "$@" >"$work/$name.out" 2>&1)
}
