#!/usr/bin/env bash
# The sipp scenarios of tests/sipp/ against `sippush recv` and `sippush psa`:
# every refusal answered as the scenario expects, a subscription's expiry,
# and 500 MESSAGE pushes all answered 200 and all delivered.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
exe="$root/${BUILD:-build}/asan/sippush"
[ -x "$exe" ] || exe="$root/${BUILD:-build}/sippush"
command -v sipp >/dev/null || { echo "sipp is not installed (make test-deps installs it)"; exit 1; }
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
port() { python3 -c 'import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
fail() { echo "FAIL: $*"; exit 1; }
wait_line() { for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }

rp=$(port); pp=$(port)
"$exe" recv --listen "udp:127.0.0.1:$rp" --app mms.ua --accept text/plain --out none > "$tmp/recv.jsonl" 2> "$tmp/recv.err" &
recv_pid=$!; pids+=($recv_pid)
"$exe" psa --listen "udp:127.0.0.1:$pp" > "$tmp/psa.jsonl" 2> "$tmp/psa.err" &
psa_pid=$!; pids+=($psa_pid)
# stop NAME PID: SIGTERM, then its exit status 0 and a stderr free of sanitizer reports.
stop() {
  kill -TERM "$2"; wait "$2"; local rc=$?
  [ "$rc" -eq 0 ] || fail "$1 exited $rc: $(tail -20 "$tmp/$1.err")"
  ! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$tmp/$1.err" || fail "$1: $(grep -m5 -E 'Sanitizer|runtime error' "$tmp/$1.err")"
}
wait_line "$tmp/recv.jsonl" '"listening"' || fail "recv did not start"
wait_line "$tmp/psa.jsonl" '"listening"' || fail "psa did not start"

cd "$tmp"
timeout 60 sipp -sf "$root/tests/sipp/refusals_recv.xml" -m 1 -i 127.0.0.1 -p "$(port)" "127.0.0.1:$rp" \
    -nostdin -timeout 30s > sipp1.out 2>&1 || fail "receiver refusals scenario: $(tail -5 sipp1.out)"
for s in 403 415 404 413 481; do
    grep -q "\"event\":\"rejected\".*\"status\":$s" recv.jsonl || fail "recv did not report the $s"
done
echo "ok   receiver refusals: 403 415 404 413 481"
timeout 60 sipp -sf "$root/tests/sipp/refusals_psa.xml" -m 1 -i 127.0.0.1 -p "$(port)" "127.0.0.1:$pp" \
    -nostdin -timeout 30s > sipp2.out 2>&1 || fail "sender refusals scenario: $(tail -5 sipp2.out)"
grep -q '"event":"subscription_ended".*"reason":"timeout"' psa.jsonl || fail "psa did not end the subscription"
echo "ok   sender refusals: 489 403, expiry with terminated;reason=timeout"
timeout 60 sipp -sf "$root/tests/sipp/message_push.xml" -m 500 -r 200 -l 50 -i 127.0.0.1 -p "$(port)" \
    "127.0.0.1:$rp" -nostdin -timeout 40s > sipp3.out 2>&1 || fail "MESSAGE pushes: $(tail -5 sipp3.out)"
n=$(grep -c '"event":"push"' recv.jsonl)
[ "$n" -eq 500 ] || fail "$n pushes delivered, 500 wanted"
echo "ok   500 MESSAGE pushes answered 200 and delivered once each"
stop recv "$recv_pid"
stop psa "$psa_pid"
echo "ok   recv and psa exit 0 on SIGTERM, no sanitizer report"
