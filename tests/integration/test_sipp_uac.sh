#!/usr/bin/env bash
# Our UAC's client transactions answered by sipp over UDP and TCP: MESSAGE,
# then INVITE (ACK for the 2xx) and BYE; every call ends in 200, once.
. "$(dirname "$0")/sipp_lib.sh"
build_peers
calls=40
for t in udp tcp; do
  sipp_t=u1; [ $t = tcp ] && sipp_t=t1
  for kind in message invite; do
    port=$(free_port)
    start_sipp_uas "sipp-$kind-$t" "uas_$kind.xml" "$port" -t $sipp_t
    out=$("$work/uac" --to 127.0.0.1:"$port" --transport $t --method $kind --count $calls --window 10 --timeout 20) \
      || fail "$kind over $t: $out"
    echo "$kind/$t: $out"
    [ "$(json_get "$out" double_finals)" = 0 ] || fail "a transaction had two final outcomes"
    stop_sipp_uas || fail "sipp saw a failed call ($kind over $t)"
  done
done
echo "ok"
