#!/usr/bin/env bash
# sipp as the caller of our UAS over UDP and TCP: MESSAGE, then
# INVITE/ACK/BYE; every call succeeds and the TU sees each request once.
. "$(dirname "$0")/sipp_lib.sh"
build_peers
calls=40
for t in u1 t1; do
  port=$(free_port); sport=$(free_port)
  start_uas "$port"
  run_sipp "msg-$t" 127.0.0.1:"$port" -sf "$root/tests/sipp/uac_message.xml" -t "$t" -m $calls -r 100 -l 20 \
    -i 127.0.0.1 -p "$sport" || fail "sipp MESSAGE over $t"
  run_sipp "inv-$t" 127.0.0.1:"$port" -sf "$root/tests/sipp/uac_invite.xml" -t "$t" -m $calls -r 100 -l 20 \
    -i 127.0.0.1 -p "$sport" || fail "sipp INVITE over $t"
  stop_uas; counts=$uas_counts
  echo "$t: $counts"
  for k in MESSAGE INVITE BYE ACK; do
    [ "$(json_get "$counts" $k)" = $calls ] || fail "$t: $k delivered $(json_get "$counts" $k) times, want $calls"
  done
  [ "$(json_get "$counts" duplicates)" = 0 ] || fail "$t: a request reached the TU twice"
done
echo "ok"
