#!/usr/bin/env bash
# Benchmark (not a test): preloads N synthetic transfers into an in-process Kafka topic and measures
# end-to-end transfers/s through the balance and analytics jobs into embedded PostgreSQL, with
# checkpointing on, at parallelism 1 and 2. Appends the figures and the machine to docs/benchmarks.md.
# Usage: scripts/bench-pipeline.sh [transfers=1000000] [jobs=both|analytics|balances] [chains=2] [checkpoint-seconds=10]
set -euo pipefail
cd "$(dirname "$0")/.."
TRANSFERS="${1:-1000000}"
JOBS="${2:-both}"
CHAINS="${3:-2}"
CHECKPOINT="${4:-10}"
HEAP="${BENCH_HEAP:-6g}"

# one reactor invocation, so sibling modules resolve to their freshly built classes (no mvn install)
mvn -B -q -ntp -pl flink-jobs -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
CP="flink-jobs/target/test-classes:flink-jobs/target/classes:$(cat flink-jobs/target/bench-classpath.txt)"

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()
for P in ${BENCH_PARALLELISM:-1 2}; do
  echo "== parallelism $P, $JOBS, $TRANSFERS transfers, $CHAINS chains, checkpoint every ${CHECKPOINT}s" >&2
  row=$(java -Xmx"$HEAP" -XX:+UseParallelGC -Dot.epg.working-dir=flink-jobs/target/embedded-pg \
    -Dlogback.configurationFile=flink-jobs/src/test/resources/logback-test.xml \
    -cp "$CP" io.chaintrack.jobs.analytics.bench.PipelineBenchmark "$TRANSFERS" "$P" "$JOBS" "$CHAINS" "$CHECKPOINT" | grep "^| [0-9]" | tail -1)
  echo "$row" >&2
  rows+=("$row")
done

CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
MEM=$(free -g | awk '/^Mem:/ {print $2 " GiB total, " $7 " GiB available"}')
{
  echo
  echo "## Pipeline throughput ($JOBS) — $(date -u +%Y-%m-%d)"
  echo
  echo "\`scripts/bench-pipeline.sh $TRANSFERS $JOBS $CHAINS $CHECKPOINT\`: $TRANSFERS synthetic transfers (100 per block, $CHAINS chains,"
  echo "1% reorgs up to 3 deep, 100,000 Zipf addresses) preloaded into an in-process Kafka broker; the jobs read it bounded"
  echo "(read_committed, exactly-once checkpoints every ${CHECKPOINT}s) in one local MiniCluster and write embedded PostgreSQL 17."
  echo "Time is job start to the last row committed. Rows = PostgreSQL inserts + updates (n_tup_ins + n_tup_upd) per transfer."
  echo "Peak heap/RSS are of the benchmark JVM (Flink, Kafka broker, sinks; PostgreSQL runs in its own processes)."
  echo "CPU s = CPU seconds used during the run by the benchmark JVM and by PostgreSQL (all its processes); on a shared"
  echo "machine they do not depend on other load, and transfers per CPU-second x 2 is what 2 dedicated cores could reach."
  echo "Load average before the runs: $LOAD."
  echo "Machine: $(nproc) cores ($CPU), $MEM, JVM -Xmx$HEAP, $(java -version 2>&1 | head -1)."
  echo
  echo "| parallelism | jobs | transfers | events | seconds | transfers/s | rows/transfer | peak heap MiB | peak RSS MiB | JVM CPU s | PG CPU s | transfers/CPU-s |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  for r in "${rows[@]}"; do echo "$r"; done
} >> docs/benchmarks.md
echo "appended to docs/benchmarks.md" >&2
