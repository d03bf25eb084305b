#!/usr/bin/env bash
# Query API benchmark (a script, not a test): loads a synthetic chain into a real PostgreSQL (zonky, kept in
# query-api/target/bench-pg so a rerun with the same size skips the load), derives balance windows, current
# balances and totals from it by SQL, starts the API from the Maven build with caches and auth off, and drives
# REST routes with wrk (64 connections) from another process. Appends req/s and p50/p95/p99 per route, the data
# set and the machine to docs/benchmarks.md.
#   scripts/bench-api.sh [TRANSFERS=10000000] [ADDRESSES=1000000] [DURATION=20s] [ROUTES="transfers history ..."]
# Environment: BENCH_DATA_DIR (PostgreSQL data directory), BENCH_CONNECTIONS (64), BENCH_THREADS (wrk's, 1: wrk
#   shares the API's cores here, and one thread drives 64 connections at 20,000 req/s with a second one only
#   competing with the API for a core), BENCH_ACCESS_LOG (the API's chaintrack.api.access-log: errors, the
#   default, or all / off),
#   BENCH_JIT_WARMUP (30s: how long every route runs, unmeasured, before the first route is measured; on two busy
#   cores the JIT's compiler threads get little CPU and the API kept getting faster for minutes with less),
#   BENCH_ROUTE_WARMUP (20s: each route, unmeasured, right before it is measured), BENCH_MAX_CONCURRENT (the API's
#   chaintrack.api.batch.max-concurrent: the database's cores, here nproc since PostgreSQL runs on this machine),
#   BENCH_AUTH (off, the default, or both: a second API with API keys on — x-api-key checked and counted in the
#   key's shared rate window on every request, one key of the 'unlimited' tier — measured right after the first
#   on each route, as "<route>+auth").
set -euo pipefail
N="${1:-10000000}"
A="${2:-1000000}"
D="${3:-20s}"
ROUTES="${4:-transfers transfers100 history portfolio balances balances_at token range}"
C="${BENCH_CONNECTIONS:-64}"
T="${BENCH_THREADS:-1}"
ACCESS_LOG="${BENCH_ACCESS_LOG:-errors}"
MAX_CONCURRENT="${BENCH_MAX_CONCURRENT:-$(nproc)}"
JIT_WARMUP="${BENCH_JIT_WARMUP:-30s}"
ROUTE_WARMUP="${BENCH_ROUTE_WARMUP:-20s}"
AUTH="${BENCH_AUTH:-off}"
case "$AUTH" in off|both) ;; *) echo "BENCH_AUTH must be off or both" >&2; exit 1 ;; esac
BENCH_KEY="ck_bench_0123456789abcdef"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
DATA="${BENCH_DATA_DIR:-$ROOT/query-api/target/bench-pg}"
WORK="$(mktemp -d)"

command -v wrk >/dev/null || apt-get install -y wrk >/dev/null
command -v curl >/dev/null || { echo "curl is required" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

echo "building (offline)…"
# with -am in the same invocation as test-compile, the reactor resolves the worktree's own modules (core is in no
# local repository: nobody installs)
mvn -B -q -o -pl query-api -am test-compile dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile=target/bench-runtime-classpath.txt >/dev/null
mvn -B -q -o -pl query-api -am test-compile dependency:build-classpath -DincludeScope=test -Dmdep.outputFile=target/bench-test-classpath.txt >/dev/null
# the worktree's own modules first (never stale jars of them from ~/.m2)
deps() { tr ':' '\n' < "$1" | grep -v '/io/chaintrack/' | paste -sd: -; }
API_CP="$ROOT/query-api/target/classes:$ROOT/core/target/classes:$ROOT/proto/target/classes:$(deps query-api/target/bench-runtime-classpath.txt)"
DB_CP="$ROOT/query-api/target/test-classes:$ROOT/connectors/target/test-classes:$ROOT/connectors/target/classes:$API_CP:$(deps query-api/target/bench-test-classpath.txt)"

PG_PORT="$(free_port)"
HTTP_PORT="$(free_port)"
GRPC_PORT="$(free_port)"
DB_PID=""
API_PID=""
AUTH_PID=""
cleanup() {
  [ -n "$API_PID" ] && kill "$API_PID" 2>/dev/null && wait "$API_PID" 2>/dev/null || true
  [ -n "$AUTH_PID" ] && kill "$AUTH_PID" 2>/dev/null && wait "$AUTH_PID" 2>/dev/null || true
  exec 3>&- 2>/dev/null || true   # closes the database's stdin: it shuts PostgreSQL down and exits
  [ -n "$DB_PID" ] && wait "$DB_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

mkfifo "$WORK/db-in"
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
grep -v '^\s*at ' "$WORK/db.log" | grep -E '^  |^LOADED|^ROWS|^PREWARM' | tee "$WORK/load.txt"
JDBC="$(grep '^READY' "$WORK/db.log" | cut -d' ' -f2)"
BLOCKS=$(( (N + 99) / 100 ))

# start_api AUTH_ENABLED HTTP_PORT GRPC_PORT LOG: starts an API in the background (its pid in STARTED_PID), waits for health
start_api() {
  env DATASOURCES_DEFAULT_URL="$JDBC" DATASOURCES_DEFAULT_USERNAME=postgres \
    CHAINTRACK_API_AUTH_ENABLED="$1" CHAINTRACK_API_CACHE_ENABLED=false CHAINTRACK_API_ACCESS_LOG="$ACCESS_LOG" CHAINTRACK_API_BATCH_MAX_CONCURRENT="$MAX_CONCURRENT" \
    MICRONAUT_SERVER_PORT="$2" GRPC_SERVER_PORT="$3" \
    java -Xms1g -Xmx1g -cp "$API_CP" io.chaintrack.api.QueryApiApplication > "$4" 2>&1 &
  STARTED_PID=$!
  for _ in $(seq 1 120); do
    curl -sf "http://localhost:$2/v1/health" >/dev/null && break
    kill -0 "$STARTED_PID" 2>/dev/null || { cat "$4" >&2; exit 1; }
    sleep 1
  done
  curl -sf "http://localhost:$2/v1/health" >/dev/null
}
start_api false "$HTTP_PORT" "$GRPC_PORT" "$WORK/api.log"
API_PID=$STARTED_PID
echo "API on http://localhost:$HTTP_PORT (caches off, auth off)"
if [ "$AUTH" = both ]; then
  # one key of the seeded 'unlimited' tier (V20): every request is checked and counted, none refused
  psql "postgresql://postgres@localhost:$PG_PORT/postgres" -qAtX -c "INSERT INTO api_keys (key_id, key_hash, name, tier)
    VALUES ('bench', sha256(convert_to('$BENCH_KEY', 'UTF8')), 'bench-api.sh', 'unlimited') ON CONFLICT (key_id) DO NOTHING" >/dev/null
  AUTH_HTTP_PORT="$(free_port)"
  start_api true "$AUTH_HTTP_PORT" "$(free_port)" "$WORK/api-auth.log"
  AUTH_PID=$STARTED_PID
  code="$(curl -s -o /dev/null -w '%{http_code}' "http://localhost:$AUTH_HTTP_PORT/v1/chains/1/addresses/0x$(printf '%040x' 1)/balances")"
  [ "$code" = 401 ] || { echo "auth-on API answered $code without a key, not 401" >&2; exit 1; }
  echo "API on http://localhost:$AUTH_HTTP_PORT (caches off, auth on, key of tier 'unlimited')"
fi

route_of() {
  case "$1" in
    *+auth) echo "$(route_of "${1%+auth}"), auth on (x-api-key)" ;;
    transfers) echo 'GET /v1/chains/1/addresses/{random}/transfers?limit=20' ;;
    transfers100) echo 'GET /v1/chains/1/addresses/{random}/transfers (default 100)' ;;
    history) echo 'GET /v1/chains/1/addresses/{random}/tokens/{random}/history (1 h windows)' ;;
    portfolio) echo 'GET /v1/chains/1/addresses/{random}/history (all tokens, 1 h windows)' ;;
    balances) echo 'GET /v1/chains/1/addresses/{random}/balances' ;;
    balances_at) echo 'GET /v1/chains/1/addresses/{random}/balances/at?block_number={random}' ;;
    token) echo 'GET /v1/chains/1/tokens/{random of 5}/transfers?limit=20' ;;
    range) echo 'GET /v1/chains/1/transfers?from_block={random}&to_block=+9&limit=20' ;;
  esac
}

# CPU time (clock ticks) of the API and of PostgreSQL's backends: CPU per request does not depend on what else
# runs on a shared machine, req/s and latency do
TICKS="$(getconf CLK_TCK)"
POSTMASTER="$(pgrep -f -- "-D $DATA" | head -1)"
[ -n "$POSTMASTER" ] || { echo "no PostgreSQL postmaster for $DATA: PostgreSQL CPU cannot be measured" >&2; exit 1; }
cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_cpu() { local t=0 p; for p in $(pgrep -P "$POSTMASTER"); do t=$((t + $(cpu_of "$p"))); done; echo "$t"; }
# The relations each route reads, loaded into PostgreSQL's own buffer pool (shared_buffers, BENCH_SHARED_BUFFERS,
# default 12GB) right before the route runs: the database (about 23 GB at 10M transfers) does not fit in RAM whole,
# and this machine's kernel reclaims idle page cache proactively (DAMON), so an OS-cache prewarm did not last
# and the runs measured the disk. Shared buffers are the store's own memory, not a response cache.
relations_of() {
  case "${1%+auth}" in
    transfers|transfers100) echo transfers_from_cover_idx transfers_to_cover_idx blocks ;;
    history) echo balance_windows balance_windows_pkey ;;
    portfolio) echo balance_windows balance_windows_address_size_idx current_balances current_balances_pkey ;;
    balances) echo current_balances current_balances_pkey ;;
    balances_at) echo current_balances current_balances_pkey balance_windows_pkey blocks blocks_canonical_time_idx transfers_from_cover_idx transfers_to_cover_idx ;;
    token) echo transfers_token_idx transfers ;;
    range) echo transfers_block_idx transfers blocks ;;
  esac
}
prewarm() {
  local list
  list="$(relations_of "$1" | sed "s/[a-z_]*/'&'/g; s/ /,/g")"
  psql "postgresql://postgres@localhost:$PG_PORT/postgres" -qAtX -c \
    "SELECT round(sum(pg_prewarm(r::regclass, 'buffer')) * 8192 / 1e9, 1) FROM unnest(ARRAY[$list]) r"
}
# reads answered per SQL statement (natural batching): sum and count of the API's chaintrack_api_batch_reads
batch_totals() {
  local text
  text="$(curl -sf "http://localhost:$1/metrics")" || { echo "GET /metrics failed" >&2; exit 1; }
  echo "$text" | awk '/^chaintrack_api_batch_reads_sum/ {s += $2} /^chaintrack_api_batch_reads_count/ {c += $2} END {printf "%d %d", s, c}'
}
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
: > "$WORK/results.txt"
# JIT warm-up of the code every route shares (HTTP, filters, JDBC, JSON) before anything is measured, so the
# first route's figures are not those of an interpreted JVM
# targets: "name port pid key" per measured API; the auth-on one right after the auth-off one, route by route
targets_of() {
  echo "$1 $HTTP_PORT $API_PID -"
  [ "$AUTH" = both ] && echo "$1+auth $AUTH_HTTP_PORT $AUTH_PID $BENCH_KEY"
  true
}
for r in $ROUTES; do
  while read -r _ port _ key; do
    wrk -t"$T" -c"$C" -d"$JIT_WARMUP" -s scripts/bench-api.lua "http://localhost:$port" -- "$r" "$A" "$BLOCKS" "$key" >/dev/null
  done <<< "$(targets_of "$r")"
done
for r in $ROUTES; do
  echo "$r: $(prewarm "$r") GB of $(relations_of "$r") in shared buffers"
  while read -r name port pid key; do
    wrk -t"$T" -c"$C" -d"$ROUTE_WARMUP" -s scripts/bench-api.lua "http://localhost:$port" -- "$r" "$A" "$BLOCKS" "$key" >/dev/null  # warm-up
    totals="$(batch_totals "$port")"   # an assignment, so a failed scrape stops the run (set -e)
    read -r bs0 bc0 <<< "$totals"
    api0="$(cpu_of "$pid")"; pg0="$(pg_cpu)"; load0="$(cut -d' ' -f1 /proc/loadavg)"
    out="$(wrk -t"$T" -c"$C" -d"$D" -s scripts/bench-api.lua "http://localhost:$port" -- "$r" "$A" "$BLOCKS" "$key")"
    api1="$(cpu_of "$pid")"; pg1="$(pg_cpu)"; load1="$(cut -d' ' -f1 /proc/loadavg)"
    totals="$(batch_totals "$port")"
    read -r bs1 bc1 <<< "$totals"
    batch="-"; [ "$bc1" -gt "$bc0" ] && batch="$(printf '%.1f' "$(echo "scale=3; ($bs1 - $bs0) / ($bc1 - $bc0)" | bc)")"
    line="$(echo "$out" | grep '^RESULT')"
    n="$(echo "$line" | awk '{print $8}')"
    apims="$(printf '%.3f' "$(echo "scale=6; ($api1 - $api0) * 1000 / $TICKS / $n" | bc)")"
    pgms="$(printf '%.3f' "$(echo "scale=6; ($pg1 - $pg0) * 1000 / $TICKS / $n" | bc)")"
    echo "$name $line $apims $pgms $load0 $load1 $batch" | tee -a "$WORK/results.txt"
  done <<< "$(targets_of "$r")"
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
# an unreachable /metrics must fail the run, not read as "no cache answered"
for port in $HTTP_PORT ${AUTH_HTTP_PORT:-}; do
  METRICS="$(curl -sf "http://localhost:$port/metrics")" || { echo "GET /metrics failed after the run" >&2; exit 1; }
  echo "$METRICS" | grep -E '^chaintrack_api_cache_requests_total' | grep -v bypass | grep -q . \
    && { echo "a response cache answered during the run: results are not from the store" >&2; exit 1; }
done

CPU="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
MEM="$(awk '/MemTotal/ {printf "%.1f GiB", $2/1024/1024}' /proc/meminfo)"
[ -f docs/benchmarks.md ] || printf '# Benchmarks\n' > docs/benchmarks.md
{
  printf '\n## Query API over PostgreSQL (%s, commit %s)\n\n' "$(date -u +%Y-%m-%d)" "$(git rev-parse --short HEAD)"
  printf 'Machine: %s cores (nproc), %s RAM, %s; Java %s; PostgreSQL %s (zonky embedded). Load average (1/5/15 min) before the run %s, after %s; the API, PostgreSQL and wrk share the %s cores, so the load includes the benchmark'"'"'s own runnable threads.\n\n' \
    "$(nproc)" "$MEM" "$CPU" "$(java -version 2>&1 | head -1 | cut -d'"' -f2)" "$(grep -m1 '^VERSION' "$WORK/db.log" | cut -d' ' -f2)" "$LOAD_BEFORE" "$LOAD_AFTER" "$(nproc)"
  printf 'Data: %s transfers (100 per block, %s blocks, 5 tokens) over %s addresses, loaded by `INSERT … SELECT generate_series` with indexes rebuilt after the load; balance_windows (1 h), current_balances and totals derived from the transfers by SQL; `VACUUM ANALYZE`; before each route runs, the relations it reads are loaded into PostgreSQL'"'"'s buffer pool with pg_prewarm (shared_buffers '"${BENCH_SHARED_BUFFERS:-12GB}"'; the database does not fit in RAM whole and the kernel here reclaims idle page cache proactively). Load (seconds per step):\n\n```\n%s\n```\n\n' \
    "$N" "$BLOCKS" "$A" "$(cat "$WORK/load.txt")"
  printf 'Run: API `java -Xmx1g` with response caches off (`CHAINTRACK_API_CACHE_ENABLED=false`) and auth off (BENCH_AUTH='"$AUTH"': with `both`, "+auth" rows are a second API with auth on, one key of the unlimited tier sent as x-api-key, measured right after the auth-off row), access log `'"$ACCESS_LOG"'` (JSON lines through the async appender, to a file), Hikari pool 16, statement batching with `chaintrack.api.batch.max-concurrent` '"$MAX_CONCURRENT"' (BENCH_MAX_CONCURRENT, by default the database'"'"'s cores) and the default max-batch; wrk threads: %s, %s connections, %s per route after a '"$ROUTE_WARMUP"' warm-up of that route (and '"$JIT_WARMUP"' of every route before the first), a random address / block per request (scripts/bench-api.lua). Goal on 2 cores: p99 ≤ 10 ms and ≥ 5,000 req/s.\n\n' "$T" "$C" "$D"
  printf 'CPU/req is CPU time per request of the API process and of the PostgreSQL backends (from /proc), which depends much less than req/s and latency on the other work on the machine (not entirely: on an oversubscribed machine caches are shared and every process runs slower per request); "2-core bound" is 2000 ms / (API + PostgreSQL CPU ms per request), the request rate two otherwise idle cores could sustain for API and database alone (wrk not counted). Load is the 1-minute load average at the start and end of the route'"'"'s run.\n\n'
  printf 'Reads/stmt is the mean number of requests one SQL statement answered during the route'"'"'s run (chaintrack_api_batch_reads; "-" for routes read one statement per request).\n\n'
  printf '| route | req/s | p50 ms | p95 ms | p99 ms | non-2xx | socket errors | requests | API CPU ms/req | PG CPU ms/req | 2-core bound req/s | reads/stmt | load |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n'
  while read -r name _ rps p50 p95 p99 non2xx errors requests apims pgms load0 load1 batch; do
    bound="$(echo "scale=0; 2000 / ($apims + $pgms)" | bc 2>/dev/null || echo '-')"
    printf '| `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s → %s |\n' "$(route_of "$name")" "$rps" "$p50" "$p95" "$p99" \
      "$non2xx" "$errors" "$requests" "$apims" "$pgms" "$bound" "$batch" "$load0" "$load1"
  done < "$WORK/results.txt"
} >> docs/benchmarks.md
echo "appended to docs/benchmarks.md"
