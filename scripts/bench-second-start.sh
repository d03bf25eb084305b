#!/usr/bin/env bash
# Second start of ./scripts/stack.sh: seconds from invoking it to the API answering 200 on /v1/health/readiness,
# when nothing has changed since the previous start. One preparatory start (builds if needed, lets the jobs run
# for a while, stops with SIGTERM and a savepoint) and then RUNS measured starts, each stopped the same way and each
# resuming from the previous one's savepoint, as a user's second start does.
# Usage: scripts/bench-second-start.sh [RUNS=3] [HOLD_SECONDS=20]
# Uses its own state directory and ports (HTTP 28080, gRPC 25051, PostgreSQL 25439) so that it does not disturb
# a stack already running on the defaults; checks that no process of the run outlives it.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-3}
hold=${2:-20}
state=$(mktemp -d "${TMPDIR:-/tmp}/chaintrack-second-start.XXXXXX")
http=28080
logs=$(mktemp -d "${TMPDIR:-/tmp}/chaintrack-second-start-logs.XXXXXX")

# one start: prints the seconds to readiness and the launcher JVM's CPU seconds by then (stack.sh execs java, so
# the pid is the JVM's; the embedded PostgreSQL's own processes are not counted), holds, stops with SIGTERM, waits
start_once() {
  local label=$1 t0 t1 pid cpu
  t0=$(date +%s.%N)
  ./scripts/stack.sh --state-dir "$state/data" --http-port "$http" --grpc-port 25051 --postgres-port 25439 \
    > "$logs/$label.log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$http/v1/health/readiness"; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "$label: the stack exited before the API was ready ($logs/$label.log)" >&2; return 1; fi
    sleep 0.1
  done
  t1=$(date +%s.%N)
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$pid/stat")
  if grep -q 'starting without Maven' "$logs/$label.log"; then build="no build"; else build="built"; fi
  sleep "$hold"
  kill -TERM "$pid"
  wait "$pid" || true
  # the embedded PostgreSQL must not outlive the JVM
  local left
  left=$(pgrep -f -- "$state/data" || true)
  if [[ -n "$left" ]]; then echo "$label: processes left behind: $left" >&2; return 1; fi
  printf '%s %.1f s, JVM CPU %s s (%s)\n' "$label" "$(echo "$t1 - $t0" | bc)" "$cpu" "$build"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average $(cut -d' ' -f1-3 /proc/loadavg)"
start_once prepare
results=()
for i in $(seq 1 "$runs"); do
  line=$(start_once "run-$i")
  echo "$line (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  results+=("$(echo "$line" | awk '{print $2}')")
done
printf '%s\n' "${results[@]}" | sort -n | awk '{a[NR]=$1} END {printf "median %.1f s of %d runs\n", (NR % 2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2), NR}'
rm -rf "$state"
echo "logs: $logs"
