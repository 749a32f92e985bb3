#!/usr/bin/env bash
# Install the web chat page's npm packages (web/package-lock.json, exact versions). Only
# `make web-bundle` (which copies the rasa-webchat bundle into web/vendor/, what the page
# serves) and `make test` (which checks web/vendor/ is that build) need them; `make run`
# does not. Skipped when the lockfile has not changed since the last install.
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
echo "==> Installing the web chat widget's npm packages (npm ci --prefix web)"
# npm draws no progress without a terminal: a line every 10 s with the packages unpacked so far.
start=$SECONDS
next=$((start + 10))
npm ci --prefix web --ignore-scripts --no-audit --no-fund --loglevel=error &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if [ "$SECONDS" -ge "$next" ] && kill -0 "$pid" 2>/dev/null; then
        next=$((SECONDS + 10))
        count=$(find web/node_modules -name package.json -maxdepth 3 2>/dev/null | wc -l)
        echo "    ... npm ci: $((SECONDS - start)) s, $count packages so far"
    fi
done
wait "$pid"
echo "    npm packages installed ($((SECONDS - start)) s)"
echo "$want" > "$stamp"
