#!/usr/bin/env bash
# Installs, with apt-get and only when missing, the Debian packages the app needs beyond PyPI:
# the CJK font named in static/css/pdf.css and Pango (with HarfBuzz's subsetter) for
# WeasyPrint (the PDF briefing), poppler-utils (pdftoppm) for looking at the PDF as pictures,
# and Chromium for the browser tests (tests/browser, driven by Playwright from PyPI).
set -euo pipefail
missing=()
fc-list 2>/dev/null | grep -qi "WenQuanYi Micro Hei" || missing+=(fonts-wqy-microhei)
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
ldconfig -p 2>/dev/null | grep -q "libharfbuzz-subset.so.0" || missing+=(libharfbuzz-subset0)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing system packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "Installing system packages with apt-get: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  fc-cache -f >/dev/null 2>&1 || true
fi
