#!/bin/sh
# Installs what the tests or the fuzzers need when it is missing (Debian).
#   install-deps.sh test|fuzz
# As root it uses apt-get, quietly; otherwise it says what to install and fails.
set -eu
missing=""
need() { command -v "$1" >/dev/null 2>&1 || missing="$missing $2"; }
need cc build-essential
need make make
i386=""
case ${1:-test} in
  test)
    pkg-config --exists check 2>/dev/null || missing="$missing check"
    need pkg-config pkg-config
    need sipp sip-tester
    need kamailio kamailio
    need tshark tshark
    need valgrind valgrind
    need python3 python3
    # make test-m32: a compiler that builds for i386, and check built for i386.
    m32ok() { echo 'int main(void) { return 0; }' | ${CC:-cc} -m32 -x c - -o /dev/null 2>/dev/null; }
    m32ok || missing="$missing gcc-multilib"
    [ -e /usr/lib/i386-linux-gnu/pkgconfig/check.pc ] || i386="check:i386 libsubunit-dev:i386"
    missing="$missing${i386:+ $i386}"
    # make test-cross: the Cortex-M4 compiler, newlib and the emulated board
    need arm-none-eabi-gcc gcc-arm-none-eabi
    [ -e /usr/lib/arm-none-eabi/newlib/thumb/v7e-m/nofp/libc_nano.a ] || missing="$missing libnewlib-arm-none-eabi"
    need qemu-system-arm qemu-system-arm
    # Kannel's PAP push initiator (test_ppg) drives the PAP gateway tests
    [ -x /usr/lib/kannel/test/test_ppg ] || missing="$missing kannel-extras" ;;
  fuzz)
    # Debian's afl++ brings afl-fuzz and afl-clang-fast (with clang)
    need afl-fuzz afl++
    need afl-clang-fast afl++ ;;
  *) echo "usage: install-deps.sh test|fuzz" >&2; exit 2 ;;
esac
[ -z "$missing" ] && exit 0
missing=$(printf '%s\n' $missing | sort -u | tr '\n' ' ')
if [ "$(id -u)" -ne 0 ]; then
  echo "missing dependencies; install them with:" >&2
  [ -n "$i386" ] && echo "  sudo dpkg --add-architecture i386 && sudo apt-get update" >&2
  echo "  sudo apt-get install $missing" >&2
  exit 1
fi
echo "installing: $missing"
export DEBIAN_FRONTEND=noninteractive
[ -n "$i386" ] && dpkg --add-architecture i386
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
