#!/usr/bin/env bash
# `make install` lays out the program, libraries, headers, pkg-config file and
# manual page, and the embedding examples of README.md compile against the
# installed tree: the parser's (through the umbrella header sippush/sip.h)
# prints the method and Call-ID of its message, the receiver's (sippush/host.h)
# listens, stores a MESSAGE pushed to it and exits 0 on SIGTERM.
set -eu
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$top"
make -s install BUILD="$BUILD" PREFIX="$tmp/prefix" >/dev/null
inc=$tmp/prefix/include/sippush
for f in bin/sippush lib/libsippush.a lib/libsippush.so include/sippush/sip_msg.h \
         include/sippush/sp_str.h include/sippush/sp_export.h include/sippush/sip.h include/sippush/sdp.h \
         include/sippush/msrp.h include/sippush/push.h include/sippush/host.h lib/pkgconfig/sippush.pc share/man/man1/sippush.1; do
  [ -e "$tmp/prefix/$f" ] || { echo "not installed: $f"; exit 1; }
done
if ls "$inc/"*_impl.h >/dev/null 2>&1; then
  echo "private headers were installed"; exit 1
fi
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
# Each umbrella header stands alone under the installed flags, and names every installed header of
# its module (sip_txn_tp.h and msrp_tp.h, the bindings to the event loop, are left to be included by
# name).
for m in sip sdp msrp push host; do
  echo "#include <sippush/$m.h>" > "$tmp/umbrella_$m.c"
  cc -std=c11 -Wall -Wextra -Werror -fsyntax-only "$tmp/umbrella_$m.c" $(pkg-config --cflags sippush) \
    || { echo "sippush/$m.h does not compile on its own"; exit 1; }
  for h in "$inc/${m}_"*.h; do
    h=$(basename "$h")
    case $h in sip_txn_tp.h|msrp_tp.h) continue ;; esac
    grep -qx "#include \"$h\"" "$inc/$m.h" || { echo "sippush/$m.h does not include $h"; exit 1; }
  done
done
# The first C block after the "Embedding the parser" heading.
awk '/^## Embedding the parser/{on=1} on&&/^```c/{code=1; next} code&&/^```/{exit} code{print}' README.md > "$tmp/example.c"
[ -s "$tmp/example.c" ] || { echo "README.md has no embedding example"; exit 1; }
cc -std=c11 -Wall -Wextra -Werror -o "$tmp/example" "$tmp/example.c" $(pkg-config --cflags --libs sippush)
out=$(LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/example")
[ "$out" = "MESSAGE a84b4c76e66710@pc33.example.com" ] || { echo "example printed: $out"; exit 1; }
# The device main loop after the "Embedding the receiver" heading.
awk '/^## Embedding the receiver/{on=1} on&&/^```c/{code=1; next} code&&/^```/{exit} code{print}' README.md > "$tmp/device.c"
[ -s "$tmp/device.c" ] || { echo "README.md has no receiver example"; exit 1; }
cc -std=c11 -Wall -Wextra -Werror -o "$tmp/device" "$tmp/device.c" $(pkg-config --cflags --libs sippush)
mkdir "$tmp/inbox"
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$tmp/inbox" && exec env LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/device" "$port" > "$tmp/device.out" 2>&1) &
dev=$!
python3 - "$port" "$tmp/device.out" <<'PY' || { kill "$dev" 2>/dev/null; cat "$tmp/device.out"; exit 1; }
import socket, sys, time
port, out = int(sys.argv[1]), sys.argv[2]
deadline = time.time() + 10
while "listening" not in open(out).read():
    if time.time() > deadline:
        sys.exit("the device example did not start")
    time.sleep(0.05)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.settimeout(10)
me = "127.0.0.1:%d" % s.getsockname()[1]
body = "hello device"
msg = ("MESSAGE sip:recv@127.0.0.1:%d SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bKembed1\r\n"
       "Max-Forwards: 70\r\nFrom: <sip:psa@example.com>;tag=e1\r\nTo: <sip:recv@127.0.0.1:%d>\r\n"
       "Call-ID: embed1@example.com\r\nCSeq: 1 MESSAGE\r\nP-Asserted-Identity: <sip:psa@example.com>\r\n"
       "Accept-Contact: *;+g.oma.pusheventapp=\"wml.ua\"\r\nContent-Type: text/plain\r\n"
       "Content-Length: %d\r\n\r\n%s") % (port, me, port, len(body), body)
s.sendto(msg.encode(), ("127.0.0.1", port))
answer = s.recv(4096).decode()
if not answer.startswith("SIP/2.0 200"):
    sys.exit("the device example answered: " + answer.splitlines()[0])
deadline = time.time() + 10
while "push of 12 bytes" not in open(out).read():
    if time.time() > deadline:
        sys.exit("the device example did not report the push")
    time.sleep(0.05)
PY
stored=$(cat "$tmp/inbox/"wml.ua-*)
[ "$stored" = "hello device" ] || { echo "the device example stored: $stored"; kill "$dev"; exit 1; }
kill -TERM "$dev"
wait "$dev" || { echo "the device example did not exit 0 on SIGTERM"; cat "$tmp/device.out"; exit 1; }
echo "installed tree and README examples OK"
