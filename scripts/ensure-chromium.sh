#!/usr/bin/env bash
# Make sure Debian's chromium is at /usr/bin/chromium: the dashboard's browser test drives it through
# playwright-core (no browser download). Idempotent; installing needs root.
set -euo pipefail

say() { echo "ensure-chromium: $*"; }
die() { echo "ensure-chromium: ERROR: $*" >&2; exit 1; }

if [ -x /usr/bin/chromium ]; then
  say "$(/usr/bin/chromium --version 2>/dev/null || echo chromium) is installed"
  exit 0
fi
[ "$(id -u)" = 0 ] || die "chromium is not installed and this is not root: run sudo bash scripts/ensure-chromium.sh"
command -v apt-get >/dev/null 2>&1 || die "apt-get is missing: install Debian's chromium package so that /usr/bin/chromium exists"
say "installing Debian's chromium package"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || die "apt-get update failed"
apt-get install -y -qq chromium >/dev/null || die "apt-get install chromium failed"
[ -x /usr/bin/chromium ] || die "the chromium package did not install /usr/bin/chromium"
say "$(/usr/bin/chromium --version 2>/dev/null || echo chromium) is installed"
