#!/usr/bin/env bash
# Wallets benchmark (a script, not a test; issue #18): one user's 5,000 wallets and one wallet with more than
# 100,000 transfers, over the API with auth on. Reuses scripts/bench-api.sh's database (BenchDatabase: a synthetic
# chain loaded into a real PostgreSQL by SQL, kept in query-api/target/bench-wallets-pg so a rerun of the same size
# skips the load); with few addresses every address has 2 * TRANSFERS / ADDRESSES transfers.
#   (a) the user's wallets: CSV upload of WALLETS rows (POST /v1/wallets/import, text/csv), the same upload again
#       (every row an update), one client walking the whole list page by page (limit 100 and 1000), then wrk
#       (CONNECTIONS connections, DURATION) on random pages of 100: req/s, p50/p95/p99.
#   (b) a wallet of the busiest address, its transfers paged to the end by one client (GET
#       /v1/wallets/{id}/transfers, limit 100 and 1000): pages/s, p50/p95/p99 per page, total time.
# Appends a section to docs/benchmarks.md (machine, load, commit, command); the summary table is edited by hand.
#   scripts/bench-wallets.sh [WALLETS=5000] [TRANSFERS=1200000] [ADDRESSES=20] [DURATION=20s]
# Environment: BENCH_CONNECTIONS (64), BENCH_DATA_DIR, BENCH_SHARED_BUFFERS (1GB here: the data set is small).
set -euo pipefail
W="${1:-5000}"
N="${2:-1200000}"
A="${3:-20}"
D="${4:-20s}"
C="${BENCH_CONNECTIONS:-64}"
export BENCH_SHARED_BUFFERS="${BENCH_SHARED_BUFFERS:-1GB}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
DATA="${BENCH_DATA_DIR:-$ROOT/query-api/target/bench-wallets-pg}"
WORK="$(mktemp -d)"
SECRET="ck_benchwallets_0123456789abcdef"

command -v wrk >/dev/null || apt-get install -y wrk >/dev/null
command -v curl >/dev/null || { echo "curl is required" >&2; exit 1; }
command -v psql >/dev/null || { echo "psql is required" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

echo "building (offline)…"
mvn -B -q -o -pl query-api -am test-compile dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile=target/bench-runtime-classpath.txt >/dev/null
mvn -B -q -o -pl query-api -am test-compile dependency:build-classpath -DincludeScope=test -Dmdep.outputFile=target/bench-test-classpath.txt >/dev/null
deps() { tr ':' '\n' < "$1" | grep -v '/io/chaintrack/' | paste -sd: -; }
API_CP="$ROOT/query-api/target/classes:$ROOT/core/target/classes:$ROOT/proto/target/classes:$(deps query-api/target/bench-runtime-classpath.txt)"
DB_CP="$ROOT/query-api/target/test-classes:$ROOT/connectors/target/test-classes:$ROOT/connectors/target/classes:$API_CP:$(deps query-api/target/bench-test-classpath.txt)"

PG_PORT="$(free_port)"
HTTP_PORT="$(free_port)"
GRPC_PORT="$(free_port)"
DB_PID=""
API_PID=""
cleanup() {
  [ -n "$API_PID" ] && kill "$API_PID" 2>/dev/null && wait "$API_PID" 2>/dev/null || true
  exec 3>&- 2>/dev/null || true   # closes the database's stdin: it shuts PostgreSQL down and exits
  [ -n "$DB_PID" ] && wait "$DB_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

mkfifo "$WORK/db-in"
: > "$WORK/db.log"   # the server opens it only once the fifo has a writer: the wait below must find it
java -Xmx512m -Dot.epg.working-dir="$ROOT/query-api/target/embedded-pg" \
  -Dlogback.configurationFile="$ROOT/query-api/src/test/resources/logback-test.xml" \
  -cp "$DB_CP" io.chaintrack.api.bench.BenchDatabase "$DATA" "$PG_PORT" "$N" "$A" < "$WORK/db-in" > "$WORK/db.log" 2>&1 &
DB_PID=$!
exec 3>"$WORK/db-in"
echo "loading $N transfers over $A addresses into $DATA (PostgreSQL on port $PG_PORT)…"
until grep -q '^READY' "$WORK/db.log"; do
  if ! kill -0 "$DB_PID" 2>/dev/null; then cat "$WORK/db.log" >&2; exit 1; fi
  sleep 2
done
grep -E '^LOADED|^ROWS' "$WORK/db.log" | tee "$WORK/load.txt"
JDBC="$(grep '^READY' "$WORK/db.log" | cut -d' ' -f2)"
PSQL=(psql "postgresql://postgres@localhost:$PG_PORT/postgres" -qAtX -v ON_ERROR_STOP=1)

# one user (as a signed-in OIDC user would be recorded) with a key acting for it, tier unlimited (V20); the
# user's wallets from an earlier run are deleted so the upload creates every row
"${PSQL[@]}" -c "INSERT INTO api_users (issuer, subject) VALUES ('https://bench.invalid/', 'bench-wallets') ON CONFLICT DO NOTHING;
  DELETE FROM wallets WHERE user_id = (SELECT user_id FROM api_users WHERE subject = 'bench-wallets');
  INSERT INTO api_keys (key_id, key_hash, name, tier, user_id)
    SELECT 'benchwallets', sha256(convert_to('$SECRET', 'UTF8')), 'bench-wallets.sh', 'unlimited', user_id
    FROM api_users WHERE subject = 'bench-wallets' ON CONFLICT (key_id) DO NOTHING;
  UPDATE chains SET head_number = (SELECT max(block_number) FROM blocks WHERE chain_id = 1), head_seen_at = now() WHERE chain_id = 1" >/dev/null

env DATASOURCES_DEFAULT_URL="$JDBC" DATASOURCES_DEFAULT_USERNAME=postgres \
  CHAINTRACK_API_AUTH_ENABLED=true CHAINTRACK_API_CACHE_ENABLED=false CHAINTRACK_API_BATCH_MAX_CONCURRENT="$(nproc)" \
  MICRONAUT_SERVER_PORT="$HTTP_PORT" GRPC_SERVER_PORT="$GRPC_PORT" \
  java -Xms1g -Xmx1g -cp "$API_CP" io.chaintrack.api.QueryApiApplication > "$WORK/api.log" 2>&1 &
API_PID=$!
for _ in $(seq 1 120); do
  curl -sf "http://localhost:$HTTP_PORT/v1/health" >/dev/null && break
  kill -0 "$API_PID" 2>/dev/null || { cat "$WORK/api.log" >&2; exit 1; }
  sleep 1
done
BASE="http://localhost:$HTTP_PORT"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"

# (a) upload: one CSV of W rows, timed by curl (request sent → answer read), then the same file again
python3 - "$W" > "$WORK/wallets.csv" <<'EOF'
import sys
print("chain_id,address,label,tags")
for i in range(1, int(sys.argv[1]) + 1):
    print(f"1,0x{0x100000 + i:040x},wallet {i},bench;w{i % 10}")
EOF
upload() {
  curl -sS -o "$WORK/upload.json" -w '%{time_total}' -X POST -H "x-api-key: $SECRET" -H 'Content-Type: text/csv' \
    --data-binary @"$WORK/wallets.csv" "$BASE/v1/wallets/import"
}
UP1="$(printf '%.2f' "$(upload)")"; R1="$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("created",0), d.get("updated",0), len(d.get("errors",[])))' "$WORK/upload.json")"
UP2="$(printf '%.2f' "$(upload)")"; R2="$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("created",0), d.get("updated",0), len(d.get("errors",[])))' "$WORK/upload.json")"
read -r created _ errors <<< "$R1"
[ "$created" = "$W" ] && [ "$errors" = 0 ] || { echo "upload created $R1 (created updated errors), expected $W 0 0" >&2; exit 1; }
echo "upload of $W rows: ${UP1}s (created $R1); again: ${UP2}s (created updated errors: $R2)"

# one client walking pages to the end: pages, p50/p95/p99 per page, total seconds, rows (keep-alive connection)
walk() {
  python3 - "$HTTP_PORT" "$SECRET" "$1" "$2" "$WORK/cursors-$3.txt" <<'EOF'
import http.client, json, sys, time, urllib.parse
port, key, path, field, cursors = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
conn = http.client.HTTPConnection("localhost", port)
times, rows, cursor, seen = [], 0, "", []
start = time.perf_counter()
while True:
    url = path + ("&cursor=" + urllib.parse.quote(cursor) if cursor else "")
    t0 = time.perf_counter()
    conn.request("GET", url, headers={"x-api-key": key})
    r = conn.getresponse()
    body = r.read()
    times.append(time.perf_counter() - t0)
    if r.status != 200:
        sys.exit(f"{url}: HTTP {r.status} {body[:300]!r}")
    d = json.loads(body)
    rows += len(d[field])
    cursor = d.get("nextCursor", "")
    if not cursor:
        break
    seen.append(cursor)
total = time.perf_counter() - start
open(cursors, "w").write("\n".join(seen) + "\n")
times.sort()
q = lambda p: times[min(len(times) - 1, int(p * len(times)))] * 1000
print(f"{len(times)} {q(0.50):.2f} {q(0.95):.2f} {q(0.99):.2f} {total:.2f} {rows} {len(times) / total:.1f}")
EOF
}
LIST100="$(walk "/v1/wallets?limit=100" wallets list100)"
LIST1000="$(walk "/v1/wallets?limit=1000" wallets list1000)"
echo "list walk limit 100 (pages p50 p95 p99 total rows pages/s): $LIST100"
echo "list walk limit 1000: $LIST1000"
[ "$(echo "$LIST100" | cut -d' ' -f6)" = "$W" ] || { echo "the walk did not list every wallet" >&2; exit 1; }

# random pages of 100 under load: the first page or a cursor of the walk above, one per request
cat > "$WORK/pages.lua" <<EOF
local cursors = {}
for line in io.lines("$WORK/cursors-list100.txt") do cursors[#cursors + 1] = line end
function request()
  local i = math.random(0, #cursors)
  local path = "/v1/wallets?limit=100"
  if i > 0 then path = path .. "&cursor=" .. cursors[i] end
  return wrk.format("GET", path, {["x-api-key"] = "$SECRET"})
end
function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.1f %.2f %.2f %.2f %d %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, errors, summary.requests))
end
EOF
wrk -t1 -c"$C" -d10s -s "$WORK/pages.lua" "$BASE" >/dev/null   # warm-up
WRK_LOAD0="$(cut -d' ' -f1 /proc/loadavg)"
PAGES="$(wrk -t1 -c"$C" -d"$D" -s "$WORK/pages.lua" "$BASE" | grep '^RESULT')"
WRK_LOAD1="$(cut -d' ' -f1 /proc/loadavg)"
echo "random list pages under wrk: $PAGES"

# (b) the busiest address as a wallet, its transfers paged to the end
HEAVY="$("${PSQL[@]}" -c "SELECT a, count(*) FROM (SELECT from_address a FROM transfers WHERE chain_id = 1 AND canonical
  UNION ALL SELECT to_address FROM transfers WHERE chain_id = 1 AND canonical AND to_address <> from_address) x
  GROUP BY a ORDER BY 2 DESC LIMIT 1")"
HEAVY_ADDRESS="${HEAVY%%|*}"; HEAVY_COUNT="${HEAVY##*|}"
[ "$HEAVY_COUNT" -gt 100000 ] || { echo "the busiest address has $HEAVY_COUNT transfers, not more than 100,000: raise TRANSFERS or lower ADDRESSES" >&2; exit 1; }
WALLET_ID="$(curl -sS -X POST -H "x-api-key: $SECRET" -H 'Content-Type: application/json' \
  -d "{\"chainId\": \"1\", \"address\": \"$HEAVY_ADDRESS\", \"label\": \"heavy\"}" "$BASE/v1/wallets" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["wallet"]["walletId"])')"
walk "/v1/wallets/$WALLET_ID/transfers?limit=1000" transfers heavy1000 >/dev/null   # warm-up: one pass
HEAVY1000="$(walk "/v1/wallets/$WALLET_ID/transfers?limit=1000" transfers heavy1000)"
HEAVY100="$(walk "/v1/wallets/$WALLET_ID/transfers?limit=100" transfers heavy100)"
echo "wallet $HEAVY_ADDRESS ($HEAVY_COUNT transfers) walk limit 1000: $HEAVY1000"
echo "walk limit 100: $HEAVY100"
[ "$(echo "$HEAVY1000" | cut -d' ' -f6)" = "$HEAVY_COUNT" ] || { echo "the walk did not return every transfer of the wallet" >&2; exit 1; }
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

CPU="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
MEM="$(awk '/MemTotal/ {printf "%.1f GiB", $2/1024/1024}' /proc/meminfo)"
COMMIT="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- query-api core proto connectors scripts/bench-wallets.sh || echo '+uncommitted')"
row() { read -r p p50 p95 p99 total rows rate <<< "$1"; printf '| %s | %s | %s | %s | %s / %s / %s | %s |\n' "$2" "$rows" "$p" "$rate" "$p50" "$p95" "$p99" "$total"; }
{
  printf '\n## Wallets: 5,000 per user and a wallet of 100,000+ transfers (%s, commit %s)\n\n' "$(date -u +%Y-%m-%d)" "$COMMIT"
  printf 'Command: `scripts/bench-wallets.sh %s %s %s %s` (BENCH_CONNECTIONS=%s). Machine: %s cores (nproc), %s RAM, %s; Java %s. Load average (1/5/15 min) before %s, after %s; the API, PostgreSQL, wrk and the walking client share the %s cores.\n\n' \
    "$W" "$N" "$A" "$D" "$C" "$(nproc)" "$MEM" "$CPU" "$(java -version 2>&1 | head -1 | cut -d'"' -f2)" "$LOAD_BEFORE" "$LOAD_AFTER" "$(nproc)"
  printf 'Data: BenchDatabase (as scripts/bench-api.sh), %s. API `java -Xmx1g`, auth on (a key acting for one user, tier unlimited), response caches off.\n\n' "$(tr '\n' ' ' < "$WORK/load.txt")"
  printf '(a) **%s wallets of one user.** CSV upload (`POST /v1/wallets/import`, `text/csv`, %s rows, one transaction): **%s s** into an empty list (created, updated, errors: %s); the same file again %s s (%s). Random pages of 100 (`GET /v1/wallets?limit=100[&cursor=…]`, wrk, 1 thread, %s connections, %s after a 10 s warm-up; load %s → %s): %s\n\n' \
    "$W" "$W" "$UP1" "$R1" "$UP2" "$R2" "$C" "$D" "$WRK_LOAD0" "$WRK_LOAD1" \
    "$(echo "$PAGES" | awk '{printf "**%s req/s**, p50 %s / p95 %s / p99 %s ms, non-2xx %s, socket errors %s, %s requests", $2, $3, $4, $5, $6, $7, $8}')"
  printf '(b) **A wallet of %s transfers** (`%s`, the busiest address), paged to the end by one client, `GET /v1/wallets/{id}/transfers` (after one unmeasured pass at limit 1000).\n\n' "$HEAVY_COUNT" "$HEAVY_ADDRESS"
  printf '| walk (one client, keep-alive) | rows | pages | pages/s | p50 / p95 / p99 ms per page | total s |\n|---|---|---|---|---|---|\n'
  row "$LIST100" "wallet list, limit 100"
  row "$LIST1000" "wallet list, limit 1000"
  row "$HEAVY100" "wallet transfers, limit 100"
  row "$HEAVY1000" "wallet transfers, limit 1000"
  printf '\nTODO(sync, issue #18 item 3): "synced" figure of (b), the targeted backfill of this wallet through the node, goes here once that sync lands (another change); the figures above page what is already indexed.\n'
} >> docs/benchmarks.md
echo "appended to docs/benchmarks.md"
