#!/usr/bin/env bash
# Both directions again with sipp losing 10 % of the datagrams it sends and
# receives (-lost 10): every call still completes, by retransmission, and
# no request or final outcome reaches a TU twice. sipp may retransmit as
# often as RFC 3261 lets a client before timer B or F (its default is 5).
. "$(dirname "$0")/sipp_lib.sh"
build_peers
calls=40

# sipp calls our UAS
port=$(free_port); sport=$(free_port)
start_uas "$port"
run_sipp msg 127.0.0.1:"$port" -sf "$root/tests/sipp/uac_message.xml" -t u1 -m $calls -r 100 -l 40 \
  -i 127.0.0.1 -p "$sport" -lost 10 -max_non_invite_retrans 10 -max_invite_retrans 7 || fail "sipp MESSAGE with loss"
run_sipp inv 127.0.0.1:"$port" -sf "$root/tests/sipp/uac_invite.xml" -t u1 -m $calls -r 100 -l 40 \
  -i 127.0.0.1 -p "$sport" -lost 10 -max_non_invite_retrans 10 -max_invite_retrans 7 || fail "sipp INVITE with loss"
stop_uas; counts=$uas_counts
echo "uas: $counts"
for k in MESSAGE INVITE BYE; do
  [ "$(json_get "$counts" $k)" = $calls ] || fail "$k delivered $(json_get "$counts" $k) times, want $calls"
done
[ "$(json_get "$counts" duplicates)" = 0 ] || fail "a request reached the TU twice"

# our UAC calls sipp
retrans=0
for kind in message invite; do
  port=$(free_port)
  start_sipp_uas "sipp-$kind" "uas_$kind.xml" "$port" -t u1 -lost 10
  # T1 = 100 ms: our retransmissions fall inside the 2 s sipp keeps a call after answering it
  out=$("$work/uac" --to 127.0.0.1:"$port" --method $kind --count $calls --window 20 --timeout 30 --t1 100) \
    || fail "$kind with loss: $out"
  echo "uac $kind: $out"
  [ "$(json_get "$out" double_finals)" = 0 ] || fail "a transaction had two final outcomes"
  retrans=$((retrans + $(json_get "$out" retransmissions)))
  # a retransmission arriving after sipp ended its call starts a call sipp then
  # counts as failed: under loss, ask only that every real call succeeded there
  stop_sipp_uas
  [ "$(sipp_successful "sipp-$kind")" -ge $calls ] || fail "sipp saw fewer than $calls successful calls ($kind)"
done
[ $retrans -gt 0 ] || fail "no retransmission: was anything lost?"
echo "ok"
