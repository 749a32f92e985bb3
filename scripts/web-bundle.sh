#!/usr/bin/env bash
# Rebuild the vendored web chat widget (web/vendor/) from web/package-lock.json:
# `npm ci --prefix web` (scripts/bootstrap-web.sh), then copy the rasa-webchat browser bundle
# and its licence into web/vendor/ and rewrite web/vendor/SHA256SUMS, which the web page
# server checks before it serves anything (operations/web.py). npm is needed only here and
# for `make test`; `make run` serves the committed files. Commit web/vendor/ afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap-web.sh
package=web/node_modules/rasa-webchat
version=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$package/package.json")
echo "==> Vendoring rasa-webchat $version into web/vendor/"
mkdir -p web/vendor
cp "$package/lib/index.js" web/vendor/rasa-webchat.js
cp "$package/LICENSE" web/vendor/rasa-webchat.LICENSE
echo "rasa-webchat $version" > web/vendor/VERSION
(cd web/vendor && sha256sum rasa-webchat.js rasa-webchat.LICENSE VERSION > SHA256SUMS)
cat web/vendor/SHA256SUMS
echo "==> Done: review and commit web/vendor/"
