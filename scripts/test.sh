#!/usr/bin/env bash
# The one test command (README, .ci/run): proto lint, every Maven test (unit, harness, MiniCluster,
# Hardhat, end-to-end), and the operations checks. Sets up what it needs on a fresh Debian-like machine.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== npm install from package-lock.json (buf, hardhat, solc-js)"
# `npm ci` refuses this lock file: the registry here lacks buf's binaries for other platforms, which
# npm 11 then leaves out of the lock and counts as missing. `npm install --no-save` installs the locked
# versions without touching the lock.
npm install --no-save --no-audit --no-fund --loglevel=error

echo "== buf lint"
(cd proto && ../node_modules/.bin/buf lint)

echo "== Debian chromium for the web app's browser test (WebAppTest fails without it, never skips)"
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium
fi

echo "== maven verify (query-api's build also runs npm ci + esbuild in query-api/web for the web app)"
mvn -B -ntp verify "$@"

echo "== operations checks (kustomize, yamllint, promtool)"
scripts/check-ops.sh
echo "== all tests passed"
