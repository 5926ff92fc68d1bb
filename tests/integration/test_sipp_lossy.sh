#!/usr/bin/env bash
# Both directions again with sipp losing 10 % of the datagrams it sends and
# receives (-lost 10): every call still completes, by retransmission, and
# no request or final outcome reaches a TU twice.
. "$(dirname "$0")/sipp_lib.sh"
build_peers
calls=40

# sipp calls our UAS
port=$(free_port); sport=$(free_port)
start_uas "$port"
run_sipp msg 127.0.0.1:"$port" -sf "$root/tests/sipp/uac_message.xml" -t u1 -m $calls -r 100 -l 40 \
  -i 127.0.0.1 -p "$sport" -lost 10 || fail "sipp MESSAGE with loss"
run_sipp inv 127.0.0.1:"$port" -sf "$root/tests/sipp/uac_invite.xml" -t u1 -m $calls -r 100 -l 40 \
  -i 127.0.0.1 -p "$sport" -lost 10 || fail "sipp INVITE with loss"
counts=$(stop_uas)
echo "uas: $counts"
for k in MESSAGE INVITE BYE; do
  [ "$(json_get "$counts" $k)" = $calls ] || fail "$k delivered $(json_get "$counts" $k) times, want $calls"
done
[ "$(json_get "$counts" duplicates)" = 0 ] || fail "a request reached the TU twice"

# our UAC calls sipp
retrans=0
for kind in message invite; do
  port=$(free_port)
  start "sipp-$kind" 60 sipp -nostdin -sf "$root/tests/sipp/uas_$kind.xml" -t u1 -i 127.0.0.1 -p "$port" \
    -m $calls -timeout 40s -timeout_error -lost 10
  sipp_pid=${pids[-1]}
  sleep 0.3
  out=$("$work/uac" --to 127.0.0.1:"$port" --method $kind --count $calls --window 20 --timeout 30) \
    || fail "$kind with loss: $out"
  echo "uac $kind: $out"
  [ "$(json_get "$out" double_finals)" = 0 ] || fail "a transaction had two final outcomes"
  retrans=$((retrans + $(json_get "$out" retransmissions)))
  wait "$sipp_pid" || fail "sipp saw a failed call ($kind)"
done
[ $retrans -gt 0 ] || fail "no retransmission: was anything lost?"
echo "ok"
