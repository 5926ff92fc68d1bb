#!/usr/bin/env bash
# An MSRP transfer between two sessions (chunks, 200s, success REPORT),
# written frame by frame to a pcap and decoded by tshark: every frame is
# MSRP and none is malformed.
set -eu -o pipefail
BUILD=${BUILD:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v tshark >/dev/null || { echo "tshark is not installed"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -std=c11 -D_GNU_SOURCE -O1 -I"$root/base" -I"$root/msrp" -I"$root/transport" \
  "$root/tests/integration/msrp_capture.c" "$root/$BUILD/libsippush.a" -lpthread -lm -o "$work/msrp_capture"
for chunk in 2048 700; do
  read -r frames port < <("$work/msrp_capture" "$work/msrp.pcap" 20000 $chunk)
  [ "$frames" -gt 3 ] || { echo "only $frames frames captured"; exit 1; }
  # count FILTER: the frames tshark shows for FILTER; a tshark that fails
  # (bad filter, unreadable capture) fails the test rather than counting 0.
  count() {
    local out
    out=$(tshark -r "$work/msrp.pcap" -d "tcp.port==$port,msrp" -Y "$1" 2>"$work/tshark.err") ||
      { echo "tshark -Y '$1' failed: $(cat "$work/tshark.err")" >&2; exit 1; }
    [ -z "$out" ] && echo 0 || printf '%s\n' "$out" | wc -l
  }
  msrp=$(count msrp)
  bad=$(count '_ws.malformed || _ws.expert.severity >= "error"')
  sends=$(count 'msrp.method == "SEND"')
  oks=$(count 'msrp.status.code == 200')
  reports=$(count 'msrp.method == "REPORT" && msrp.status == "000 200 OK"')
  want_sends=$(( (20000 + chunk - 1) / chunk ))
  echo "chunk $chunk: $frames frames, $msrp MSRP, $bad malformed, $sends SEND, $oks 200, $reports REPORT"
  [ "$msrp" -eq "$frames" ] && [ "$bad" -eq 0 ] && [ "$sends" -eq "$want_sends" ] && \
    [ "$oks" -eq "$want_sends" ] && [ "$reports" -eq 1 ] || exit 1
done
