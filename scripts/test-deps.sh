#!/usr/bin/env bash
# Installs what the test suite needs beyond Python packages (a real browser for the UI tests).
# Idempotent and quiet when everything is already there.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    echo "installing Debian chromium for the browser tests..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "warning: /usr/bin/chromium missing and cannot be installed; browser tests will fail" >&2
  fi
fi
