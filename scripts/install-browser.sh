#!/usr/bin/env bash
# Debian's Chromium (and a CJK font for screenshots and PDFs) for the browser tests.
# Playwright drives /usr/bin/chromium; `playwright install` is never run (no downloads at run time).
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
command -v pdftotext >/dev/null || need+=(poppler-utils)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing ${need[*]}: run as root or 'sudo apt-get install -y ${need[*]}'; browser tests will be skipped" >&2
  exit 0
fi
echo "installing ${need[*]} from Debian's packages" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
