#!/usr/bin/env bash
# Head latency: block mined on a paced Hardhat chain (a block every 300 ms, reorgs every 40 blocks) → its APPLIED event
# in Kafka → its transfers and balances visible in PostgreSQL, through IngestJob → Kafka → BalanceJob as the
# one-command stack runs them; once per mode (BENCH_MODES, default "subscription,polling": new heads by the newHeads
# WebSocket subscription, then by 250 ms polling alone), each on a fresh node, broker and database, so one run gives
# the ratio. Prints p50/p95/max per mode and stage and writes every sample to stack/target/head-latency-LABEL.txt.
# Results: docs/benchmarks.md.
#   [BENCH_MODES=subscription,polling] scripts/bench-head-latency.sh [LABEL] [BLOCKS] [BLOCK_MS]
set -euo pipefail
cd "$(dirname "$0")/.."
label="${1:-run}"; blocks="${2:-200}"; block_ms="${3:-300}"; modes="${BENCH_MODES:-subscription,polling}"
mvn -B -q -o -pl stack -am test -Dtest=HeadLatencyBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.head=true -Dbench.label="$label" -Dbench.blocks="$blocks" -Dbench.block-ms="$block_ms" \
  -Dbench.modes="$modes" >/dev/null || {
  echo "benchmark failed; see stack/target/surefire-reports" >&2; exit 1; }
sed '/^#/,$d' "stack/target/head-latency-$label.txt"
