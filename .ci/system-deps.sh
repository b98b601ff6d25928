#!/usr/bin/env bash
# Install the Debian packages the browser tests need: chromium, a CJK font for it (fonts-wqy-microhei) and
# poppler-utils (pdftotext/pdftoppm: the printed report's pages are read back).
# Idempotent: does nothing when both are present. Never downloads a browser build of its own.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy" || need+=(fonts-wqy-microhei)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "缺少 ${need[*]}，且本机没有 apt-get：浏览器测试将被跳过。/ missing ${need[*]} and no apt-get: browser tests will be skipped." >&2
  exit 0
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
