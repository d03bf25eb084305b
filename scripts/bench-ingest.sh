#!/usr/bin/env bash
# EVM ingestion benchmark against a local Hardhat node: N blocks of M ERC-20 transfers, read by the EVM
# source at parallelism 1 and 2. Prints blocks/s, transfers/s and RPC calls per block and appends them,
# with a description of the machine, to docs/benchmarks.md.
#   scripts/bench-ingest.sh [N_BLOCKS=500] [M_TRANSFERS=50]
set -euo pipefail
N="${1:-500}"
M="${2:-50}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

command -v node >/dev/null || { echo "node (Node.js 20) is required" >&2; exit 1; }
[ -f node_modules/hardhat/internal/cli/bootstrap.js ] || npm install --no-audit --no-fund >/dev/null

mvn -B -q -o -pl connectors -am test-compile
mvn -B -q -o -pl connectors dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
CP="$ROOT/connectors/target/test-classes:$ROOT/connectors/target/classes:$(cat connectors/target/bench-classpath.txt)"

OUT="$(mktemp)"
( cd connectors && java -Xmx1g -cp "$CP" \
    -Dlogback.configurationFile="$ROOT/connectors/src/test/resources/logback-test.xml" \
    io.chaintrack.connectors.evm.bench.EvmIngestBench "$N" "$M" 1 2 ) | tee "$OUT"

CPU="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
MEM="$(awk '/MemTotal/ {printf "%.1f GiB", $2/1024/1024}' /proc/meminfo)"
[ -f docs/benchmarks.md ] || printf '# Benchmarks\n' > docs/benchmarks.md
{
  printf '\n## EVM ingestion from a local Hardhat node (%s, commit %s)\n\n' "$(date -u +%Y-%m-%d)" "$(git rev-parse --short HEAD)"
  printf 'Machine: %s cores (nproc), %s RAM, %s; Java %s; Hardhat %s.\n' "$(nproc)" "$MEM" "$CPU" \
    "$(java -version 2>&1 | head -1 | cut -d'"' -f2)" "$(node -p 'require("./node_modules/hardhat/package.json").version')"
  printf 'Workload: %s blocks of %s ERC-20 transfers (each also emits a fee and a burn transfer), bounded run, `finalized` policy (all parallel backfill), 50-block splits, 10-block fetches, batches of up to 200 requests; Hardhat has no eth_getBlockReceipts, so receipts are read per transaction. Time is the whole Flink job (start-up included); the Hardhat node (single-threaded Node.js) runs on the same cores.\n\n' "$N" "$M"
  printf '| parallelism | blocks | transfers | seconds | blocks/s | transfers/s | HTTP calls | calls/block |\n'
  printf '|---|---|---|---|---|---|---|---|\n'
  awk -F'\t' '/^[0-9]+\t/ {printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8}' "$OUT"
} >> docs/benchmarks.md
rm -f "$OUT"
echo "appended to docs/benchmarks.md"
