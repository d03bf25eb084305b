#!/usr/bin/env bash
# Browser check of /docs (Swagger UI): starts the query API on a throw-away embedded PostgreSQL with the test
# seed data (io.chaintrack.api.DocsUiServer), then drives the page in headless Chromium (Debian package, never a
# downloaded browser) through playwright-core (scripts/check-docs-ui.mjs): every operation of /openapi.json is
# rendered, nothing is fetched outside the API, no console error, and "Try it out" -> Execute answers 200 + JSON.
# Exits non-zero on any failure.
#   scripts/check-docs-ui.sh [SCREENSHOT=query-api/target/docs-ui.png]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
SHOT="${1:-$ROOT/query-api/target/docs-ui.png}"
WORK="$(mktemp -d)"

if ! command -v chromium >/dev/null; then
  echo "installing chromium (Debian package)…"
  apt-get update >/dev/null && apt-get install -y chromium >/dev/null
fi
[ -d node_modules/playwright-core ] || npm install --ignore-scripts --no-audit --no-fund >/dev/null

echo "building (offline)…"
SECONDS=0
mvn -B -q -o -pl query-api -am test-compile
mvn -B -q -o -pl query-api dependency:build-classpath -DincludeScope=test -Dmdep.outputFile=target/docs-ui-classpath.txt >/dev/null
# the worktree's own modules first (never stale jars of them from ~/.m2)
DEPS="$(tr ':' '\n' < query-api/target/docs-ui-classpath.txt | grep -v '/io/chaintrack/' | paste -sd: -)"
CP="$ROOT/query-api/target/test-classes:$ROOT/query-api/target/classes:$ROOT/connectors/target/classes:$ROOT/proto/target/classes:$DEPS"

API_PID=""
cleanup() {
  exec 3>&- 2>/dev/null || true   # closes the server's stdin: it stops the API and PostgreSQL and exits
  [ -n "$API_PID" ] && { wait "$API_PID" 2>/dev/null || true; }
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "built in ${SECONDS}s"
SECONDS=0
mkfifo "$WORK/in"
java -Xmx384m -XX:TieredStopAtLevel=1 -Dot.epg.working-dir="$ROOT/query-api/target/embedded-pg" \
  -Dlogback.configurationFile="$ROOT/query-api/src/test/resources/logback-test.xml" \
  -cp "$CP" io.chaintrack.api.DocsUiServer < "$WORK/in" > "$WORK/api.log" 2>&1 &
API_PID=$!
exec 3>"$WORK/in"
for _ in $(seq 1 240); do
  grep -q '^READY' "$WORK/api.log" && break
  kill -0 "$API_PID" 2>/dev/null || { cat "$WORK/api.log" >&2; exit 1; }
  sleep 0.5
done
BASE="$(grep '^READY' "$WORK/api.log" | cut -d' ' -f2)"
[ -n "$BASE" ] || { echo "the API did not start" >&2; cat "$WORK/api.log" >&2; exit 1; }
echo "API on $BASE (embedded PostgreSQL, seed data, auth off) after ${SECONDS}s"
SECONDS=0
node scripts/check-docs-ui.mjs "$BASE" "$SHOT"
echo "browser check in ${SECONDS}s"
