#!/bin/sh
# Installs what the tests need when it is missing (Debian). As root it uses
# apt-get; otherwise it says what to install and fails.
set -eu
missing=""
need() { command -v "$1" >/dev/null 2>&1 || missing="$missing $2"; }
pkg-config --exists check 2>/dev/null || missing="$missing check"
need pkg-config pkg-config
need sipp sip-tester
need kamailio kamailio
need tshark tshark
need valgrind valgrind
need python3 python3
# Kannel's PAP push initiator (test_ppg) drives the PAP gateway tests
[ -x /usr/lib/kannel/test/test_ppg ] || missing="$missing kannel-extras"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing test dependencies; install them with:" >&2
  echo "  sudo apt-get install$missing" >&2
  exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
