#!/usr/bin/env bash
# `make install` lays out the program, libraries, headers, pkg-config file and
# manual page, and the embedding example of README.md compiles against the
# installed tree and prints the method and Call-ID of its message.
set -eu
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$top"
make -s install BUILD="$BUILD" PREFIX="$tmp/prefix" >/dev/null
for f in bin/sippush lib/libsippush.a lib/libsippush.so include/sippush/sip_msg.h \
         include/sippush/sp_str.h lib/pkgconfig/sippush.pc share/man/man1/sippush.1; do
  [ -e "$tmp/prefix/$f" ] || { echo "not installed: $f"; exit 1; }
done
if ls "$tmp/prefix/include/sippush/"*_impl.h >/dev/null 2>&1; then
  echo "private headers were installed"; exit 1
fi
# The first C block after the "Embedding the parser" heading.
awk '/^## Embedding the parser/{on=1} on&&/^```c/{code=1; next} code&&/^```/{exit} code{print}' README.md > "$tmp/example.c"
[ -s "$tmp/example.c" ] || { echo "README.md has no embedding example"; exit 1; }
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
cc -std=c11 -Wall -Wextra -Werror -o "$tmp/example" "$tmp/example.c" $(pkg-config --cflags --libs sippush)
out=$(LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/example")
[ "$out" = "MESSAGE a84b4c76e66710@pc33.example.com" ] || { echo "example printed: $out"; exit 1; }
echo "installed tree and README example OK"
