#!/usr/bin/env bash
# Debian packages IPTCare needs: WeasyPrint's Pango/HarfBuzz and fonts (PDF receipts and
# reports), and with --browser Debian's chromium for the browser tests (never a downloaded
# browser). Installs what is missing when we may (root); otherwise says what is missing.
set -euo pipefail
# poppler-utils: pdftoppm, to look at the PDF reports as pictures
want=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils)
if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then want+=(chromium); fi
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif [ "${CI:-}" = "true" ]; then
  echo "CI: missing Debian packages (${missing[*]}) and not root to install them." >&2
  exit 1
else
  echo "Note: missing Debian packages: ${missing[*]} (run as root to install them)."
  echo "      PDFs and browser tests need them; those tests will skip with a reason."
fi
