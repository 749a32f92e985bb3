#!/usr/bin/env bash
# Install the web chat page's npm packages (web/package-lock.json, exact versions: the
# rasa-webchat bundle is served from web/node_modules, never from a CDN). Skipped when the
# lockfile has not changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
    echo "error: npm was not found; the web chat page needs Node.js and npm" \
        "(Debian/Ubuntu: sudo apt-get install nodejs npm)" >&2
    exit 1
fi
stamp=web/node_modules/.retrowalk-installed
want=$(sha256sum web/package-lock.json | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exit 0
fi
echo "==> Installing the web chat widget (npm ci --prefix web)"
npm ci --prefix web --ignore-scripts --no-audit --no-fund --loglevel=error
echo "$want" > "$stamp"
