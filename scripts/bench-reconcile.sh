#!/usr/bin/env bash
# Reconciler benchmark against a local Hardhat node: N fresh accounts each holding ETH and an ERC-20 (2 N balances plus
# the senders'), one `Reconciler` run per rate limit. Prints balances/s and accounts/s and appends them, with a
# description of the machine, to docs/benchmarks.md.
#   scripts/bench-reconcile.sh [N_ACCOUNTS=1000] [RATE_LIMITS="0 50 10"]
set -euo pipefail
N="${1:-1000}"
RATES="${2:-0 50 10}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

command -v node >/dev/null || { echo "node (Node.js 20) is required" >&2; exit 1; }
[ -f node_modules/hardhat/internal/cli/bootstrap.js ] || npm install --no-audit --no-fund >/dev/null

# one invocation: the reactor then resolves the sibling modules to their target/classes (nothing is installed)
mvn -B -q -o -pl connectors -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
CP="$ROOT/connectors/target/test-classes:$ROOT/connectors/target/classes:$(cat connectors/target/bench-classpath.txt)"

OUT="$(mktemp)"
# shellcheck disable=SC2086
( cd connectors && java -Xmx1g -cp "$CP" \
    -Dlogback.configurationFile="$ROOT/connectors/src/test/resources/logback-test.xml" \
    io.chaintrack.connectors.reconcile.bench.ReconcileBench "$N" $RATES ) | tee "$OUT"

CPU="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
MEM="$(awk '/MemTotal/ {printf "%.1f GiB", $2/1024/1024}' /proc/meminfo)"
LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"
{
  printf '\n## Reconciliation against a local Hardhat node (%s, commit %s)\n\n' "$(date -u +%Y-%m-%d)" "$(git rev-parse --short HEAD)"
  printf 'Machine: %s cores (nproc), %s RAM, %s; load average at the end %s; Java %s; Hardhat %s.\n' "$(nproc)" "$MEM" "$CPU" \
    "$LOAD" "$(java -version 2>&1 | head -1 | cut -d'"' -f2)" "$(node -p 'require("./node_modules/hardhat/package.json").version')"
  printf 'Workload: %s fresh accounts, each sent ETH and an ERC-20 in blocks of 200 transactions; the tables written from the node'"'"'s blocks; one run per rate limit checks every balance of the range (eth_getBalance / balanceOf in batches of 100), its blocks against the node and its transfer rows. Time is the whole run (PostgreSQL reads, RPC, report).\n\n' "$N"
  printf '| rate limit (HTTP calls/s) | accounts | balances | seconds | balances/s | accounts/s | HTTP calls | mismatches |\n'
  printf '|---|---|---|---|---|---|---|---|\n'
  awk -F'\t' '/^[0-9]+\t/ {printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", ($1 == 0 ? "none" : $1), $2, $3, $4, $5, $6, $7, $8}' "$OUT"
} >> docs/benchmarks.md
rm -f "$OUT"
echo "appended to docs/benchmarks.md"
