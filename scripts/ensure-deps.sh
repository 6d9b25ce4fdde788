#!/usr/bin/env bash
# Installs the Debian packages Safeguard's tests and tools need, when they are missing
# (all of them, or with --runtime those the program itself uses).
# Idempotent: does nothing when everything is present.
set -euo pipefail
packages=(
  libturbojpeg0         # libjpeg-turbo with SIMD: the fast JPEG path of `safeguard hash`
  libjpeg-turbo-progs   # djpeg, the decode baseline of `safeguard bench hash`
  postgresql            # throwaway server for the bank store tests (scripts/start-postgres.sh)
  ffmpeg                # video decoding: vPDQ, 'safeguard watch', the video tests; the GIF test writes its animation with it
  chromium              # headless browser for the review UI tests (tests/Safeguard.Server.Tests/BrowserTests.cs)
  chromium-driver       # chromedriver, driven by Selenium from the browser tests
  microsocks            # SOCKS5 proxy process the crawl tests start (tests/Safeguard.Crawl.Tests)
)
# With --runtime, only what the safeguard program itself uses.
if [ "${1:-}" = "--runtime" ]; then
  packages=(libturbojpeg0 ffmpeg)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
