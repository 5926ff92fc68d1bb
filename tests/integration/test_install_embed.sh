#!/usr/bin/env bash
# `make install` lays out the program, libraries, headers, pkg-config file and
# manual page, and the embedding example of README.md compiles against the
# installed tree (through the umbrella header sippush/sip.h) and prints the
# method and Call-ID of its message.
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
         include/sippush/msrp.h include/sippush/push.h lib/pkgconfig/sippush.pc share/man/man1/sippush.1; do
  [ -e "$tmp/prefix/$f" ] || { echo "not installed: $f"; exit 1; }
done
if ls "$inc/"*_impl.h >/dev/null 2>&1; then
  echo "private headers were installed"; exit 1
fi
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
# Each umbrella header stands alone under the installed flags, and names every installed header of
# its module (sip_txn_tp.h and msrp_tp.h, the bindings to the event loop, are left to be included by
# name).
for m in sip sdp msrp push; do
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
echo "installed tree and README example OK"
