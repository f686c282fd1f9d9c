#!/usr/bin/env bash
# CPU of the HAPI FHIR JPA server (its JVM and its PostgreSQL) over the baseline's measuring window of a bench run.
#   fhir-server/src/bench/hapi-jpa/cpu.sh BENCH_LOG [DATA_DIR] [SECONDS]
# Start it beside `fhir-ledger bench ... --baseline http://127.0.0.1:PORT/fhir > BENCH_LOG 2>&1`: it waits until
# BENCH_LOG shows the baseline's first measured progress line ("[baseline] ..."), then reads /proc for SECONDS
# (default 28, inside a 30 s --duration) and prints the CPU seconds of the server's JVM (found by its main class)
# and of the PostgreSQL under DATA_DIR/postgres (postmaster, its children, and the children it reaped). Divide by
# the baseline's committed operations per second times SECONDS for CPU per operation. `bench` cannot do this
# itself: it reads /proc only for the nodes it started.
set -euo pipefail
if [[ ${1:-} == -h || ${1:-} == --help || $# -lt 1 ]]; then sed -n '2,9s/^# \{0,1\}//p' "$0"; exit 0; fi
log=$1
data=${2:-$(cd "$(dirname "$0")" && pwd)/target/data}
secs=${3:-28}
jvm=$(pgrep -f org.fhirledger.bench.hapijpa.HapiJpaServer | head -1)
postmaster=$(head -1 "$data/postgres/postmaster.pid")
ticks() { awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat"; }
pg_ticks() {
  local sum child
  sum=$(ticks "$postmaster")
  for child in $(ps -eo pid=,ppid= | awk -v p="$postmaster" '$2 == p {print $1}'); do
    sum=$((sum + $(awk '{print $14 + $15}' "/proc/$child/stat" 2>/dev/null || echo 0)))
  done
  echo "$sum"
}
until tr '\r' '\n' < "$log" | grep -q '^\[baseline\] '; do sleep 1; done
j0=$(ticks "$jvm"); p0=$(pg_ticks)
sleep "$secs"
j1=$(ticks "$jvm"); p1=$(pg_ticks)
hz=$(getconf CLK_TCK)
awk -v j=$((j1 - j0)) -v p=$((p1 - p0)) -v hz="$hz" -v s="$secs" -v jp="$jvm" -v pp="$postmaster" \
  'BEGIN { printf "HAPI JPA over %d s: JVM (pid %s) %.2f s CPU, PostgreSQL (postmaster %s) %.2f s CPU, together %.2f s\n", s, jp, j / hz, pp, p / hz, (j + p) / hz }'
