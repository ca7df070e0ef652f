#!/usr/bin/env bash
# Browser tests drive Debian's chromium (never a downloaded browser). Install it when it is
# missing and we may (root); otherwise the browser tests skip with a reason (never in CI).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
elif [ "${CI:-}" = "true" ]; then
  echo "CI: /usr/bin/chromium is missing and cannot be installed (not root)." >&2
  exit 1
else
  echo "Note: /usr/bin/chromium is missing and this user cannot install it; browser tests will skip."
fi
