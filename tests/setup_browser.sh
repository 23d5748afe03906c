#!/usr/bin/env bash
# Make sure Debian's Chromium is there for the browser tests (Playwright drives /usr/bin/chromium).
# Never downloads a browser build of its own.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
elif command -v sudo >/dev/null; then
  sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null
else
  echo "setup_browser: /usr/bin/chromium is missing; install Debian's chromium package" >&2
  exit 1
fi
