#!/usr/bin/env bash
# Make sure Debian's Chromium is there for the browser tests (Playwright drives /usr/bin/chromium).
# Never downloads a browser build of its own. Also fetches axe-core (npm) into tests/.node/.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  :
elif [ "$(id -u)" = 0 ]; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
elif command -v sudo >/dev/null; then
  sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null
else
  echo "setup_browser: /usr/bin/chromium is missing; install Debian's chromium package" >&2
  exit 1
fi

# axe-core for the accessibility checks, from the npm registry, into tests/.node/ (once).
here="$(cd "$(dirname "$0")" && pwd)"
if [ ! -f "$here/.node/node_modules/axe-core/axe.min.js" ] && command -v npm >/dev/null; then
  mkdir -p "$here/.node"
  npm install --silent --no-save --no-audit --no-fund --prefix "$here/.node" axe-core@4 >/dev/null \
    || echo "setup_browser: could not install axe-core; the accessibility checks will be skipped" >&2
fi
