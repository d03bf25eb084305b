#!/usr/bin/env bash
# The one command that runs all of chaintrack on this machine on embedded services:
# PostgreSQL, a Kafka broker, the Flink jobs in a MiniCluster, the synthetic chain (or --rpc-url), the API.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp -DskipTests package -pl stack -am
exec java -Xmx4g -XX:+UseG1GC -Dot.epg.working-dir=.chaintrack/embedded-pg-bin \
  -cp "stack/target/classes:$(cat stack/target/classpath.txt)" io.chaintrack.stack.ChaintrackCli stack "$@"
