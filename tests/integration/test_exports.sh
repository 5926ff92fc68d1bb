#!/usr/bin/env bash
# The shared library exports exactly the public API: every function or object
# whose declaration in an installed header (not *_impl.h) carries SP_API
# (base/sp_export.h), and nothing else. A helper shared between a module's
# files that leaks into libsippush.so fails here, and so does a declaration in
# an installed header that the library defines but does not export.
set -eu
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
so=$BUILD/libsippush.so
ar=$BUILD/libsippush.a
[ -f "$so" ] && [ -f "$ar" ] || { echo "build $so and $ar first (make)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

headers=$(ls base/*.h sip/*.h sdp/*.h msrp/*.h transport/*.h push/*.h host/*.h | grep -v '_impl\.h$')
# The name a declaration line declares: the first identifier followed by ( [ or ;.
declared() {
  sed -E -n 's/^[^(;[]*[^a-zA-Z0-9_(;[]([a-z_][a-z0-9_]*) *[([;].*/\1/p'
}
# shellcheck disable=SC2086
grep -h '^SP_API ' $headers | declared | sort -u > "$tmp/public"
nm -D --defined-only "$so" | awk '{print $3}' | sort -u > "$tmp/exported"
nm -g --defined-only "$ar" 2>/dev/null | awk 'NF == 3 {print $3}' | sort -u > "$tmp/defined"
# Top-level declarations in installed headers without SP_API (static inline
# helpers, typedefs, macros and comments left out).
# shellcheck disable=SC2086
grep -hE '^[a-z]' $headers | grep -vE '^(SP_API|static|typedef|enum|struct [a-z_0-9]+ \{|union)\b' \
  | declared | sort -u > "$tmp/unmarked"

[ -s "$tmp/public" ] || { echo "no SP_API declaration found in the installed headers"; exit 1; }
fail=0
extra=$(comm -23 "$tmp/exported" "$tmp/public")
if [ -n "$extra" ]; then
  echo "exported by $so but not marked SP_API in an installed header:"; echo "$extra" | sed 's/^/  /'; fail=1
fi
missing=$(comm -13 "$tmp/exported" "$tmp/public")
if [ -n "$missing" ]; then
  echo "marked SP_API but not exported by $so (not defined, or defined without its header):"
  echo "$missing" | sed 's/^/  /'; fail=1
fi
hidden=$(comm -12 "$tmp/unmarked" "$tmp/defined")
if [ -n "$hidden" ]; then
  echo "declared in an installed header without SP_API (mark it, or move it to an *_impl.h):"
  echo "$hidden" | sed 's/^/  /'; fail=1
fi
[ "$fail" = 0 ] || exit 1
echo "$(wc -l < "$tmp/exported") symbols exported, all of them SP_API in the installed headers"
