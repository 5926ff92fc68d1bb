#!/usr/bin/env bash
# An MSRP transfer between two sessions (chunks, 200s, success REPORT),
# written frame by frame to a pcap and decoded by tshark: every frame is
# MSRP and none is malformed.
set -eu
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
  tsh() { tshark -r "$work/msrp.pcap" -d "tcp.port==$port,msrp" "$@" 2>/dev/null; }
  msrp=$(tsh -Y msrp | wc -l)
  bad=$(tsh -Y '_ws.malformed || _ws.expert.severity >= "error"' | wc -l)
  sends=$(tsh -Y 'msrp.method == "SEND"' | wc -l)
  oks=$(tsh -Y 'msrp.status.code == 200' | wc -l)
  reports=$(tsh -Y 'msrp.method == "REPORT" && msrp.status == "000 200 OK"' | wc -l)
  want_sends=$(( (20000 + chunk - 1) / chunk ))
  echo "chunk $chunk: $frames frames, $msrp MSRP, $bad malformed, $sends SEND, $oks 200, $reports REPORT"
  [ "$msrp" -eq "$frames" ] && [ "$bad" -eq 0 ] && [ "$sends" -eq "$want_sends" ] && \
    [ "$oks" -eq "$want_sends" ] && [ "$reports" -eq 1 ] || exit 1
done
