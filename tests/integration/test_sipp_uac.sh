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
    start "sipp-$kind-$t" 60 sipp -nostdin -sf "$root/tests/sipp/uas_$kind.xml" -t $sipp_t -i 127.0.0.1 -p "$port" \
      -m $calls -timeout 40s -timeout_error
    sipp_pid=${pids[-1]}
    sleep 0.3
    out=$("$work/uac" --to 127.0.0.1:"$port" --transport $t --method $kind --count $calls --window 10 --timeout 20) \
      || fail "$kind over $t: $out"
    echo "$kind/$t: $out"
    [ "$(json_get "$out" double_finals)" = 0 ] || fail "a transaction had two final outcomes"
    wait "$sipp_pid" || fail "sipp saw a failed call ($kind over $t)"
  done
done
echo "ok"
