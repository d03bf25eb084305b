#!/usr/bin/env bash
# Head latency: block mined on a paced Hardhat chain (a block every 300 ms, reorgs every 40 blocks) → its transfers
# and balances visible in PostgreSQL, through IngestJob → Kafka → BalanceJob as the one-command stack runs them.
# Prints p50/p95/max and writes every sample to stack/target/head-latency-LABEL.txt. Results: docs/benchmarks.md.
#   scripts/bench-head-latency.sh [LABEL] [BLOCKS] [BLOCK_MS]
set -euo pipefail
cd "$(dirname "$0")/.."
label="${1:-run}"; blocks="${2:-200}"; block_ms="${3:-300}"
mvn -B -q -o -pl stack -am test -Dtest=HeadLatencyBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.head=true -Dbench.label="$label" -Dbench.blocks="$blocks" -Dbench.block-ms="$block_ms" >/dev/null || {
  echo "benchmark failed; see stack/target/surefire-reports" >&2; exit 1; }
head -1 "stack/target/head-latency-$label.txt"
