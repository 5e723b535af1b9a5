#!/usr/bin/env bash
# Idle memory of the demo suite, as users run it: starts `./sparkd demo` (the launcher's JVM flags, the same ones
# the units and the NixOS module use), waits until it is ready, lets it idle for IDLE seconds (default 45: the
# health-agent probes, the model-manager reconciles), then reads each process's RSS and PSS from /proc and stops it.
# Prints one row per daemon, the `sparkd db` JVM, its PostgreSQL server's processes summed, and the suite total (PSS
# summed: shared pages counted once). Loopback only; the demo's fixed ports (and 8478-8479) must be free.
# Two baselines in the same run, not counted in the suite, started with the daemons' flags (jvm/daemon.options,
# SPARKD_JAVA_OPTS after them, MALLOC_ARENA_MAX as the launcher sets it) on the demo's PostgreSQL:
#   "stack alone"    bench/memory/floor: a Quarkus application with only the extensions every daemon carries and one
#                    Panache entity (a scheduled write, an HQL read); a daemon above it weighs its own code and data
#   "no Hibernate"   bench/memory/floor-sql: the same without Hibernate, the same table through the reactive client
set -euo pipefail
cd "$(dirname "$0")/../.."
IDLE=${IDLE:-45}
declare -A BASELINE_PORT=([bench/memory/floor]=8479 [bench/memory/floor-sql]=8478)
log=$(mktemp)
baseline_logs=$(mktemp -d)
if [ -z "${SPARKD_NO_BUILD:-}" ] || [ ! -f bench/memory/floor/target/quarkus-app/quarkus-run.jar ] \
    || [ ! -f bench/memory/floor-sql/target/quarkus-app/quarkus-run.jar ]; then
  echo "memory: building the baselines (bench/memory/pom.xml) …"
  ./mvnw -B -q -f bench/memory/pom.xml package -DskipTests
fi
set -m
./sparkd demo >"$log" 2>&1 </dev/null &
launcher=$!
declare -A BASELINE_PID=()
cleanup() {
  for pid in "${BASELINE_PID[@]}"; do kill "$pid" 2>/dev/null || true; done
  kill -INT -- -"$launcher" 2>/dev/null || true; for _ in $(seq 1 60); do kill -0 "$launcher" 2>/dev/null || break; sleep 1; done
  rm -rf "$log" "$baseline_logs"
}
trap cleanup EXIT
deadline=$((SECONDS + 900))
until grep -q "demo ready" "$log"; do
  kill -0 "$launcher" 2>/dev/null && [ $SECONDS -lt $deadline ] || { cat "$log"; echo "memory: the demo did not become ready" >&2; exit 1; }
  sleep 1
done
# a few requests, as a user trying the demo would send
for p in 8470 8471 8472 8473; do
  curl -fsS -o /dev/null -H "Authorization: Bearer $(cat .state/demo/admin-token)" "http://127.0.0.1:$p/api/v1/info" || true
done
curl -fsS -o /dev/null -H 'Content-Type: application/json' -d '{"model":"chat","messages":[{"role":"user","content":"hi"}]}' \
  http://127.0.0.1:8470/v1/chat/completions || true
# The baselines, on the demo's PostgreSQL as its superuser (schemas of their own), with the daemons' flags; the
# login in their environment, which other users cannot read (a command line they can).
for b in "${!BASELINE_PORT[@]}"; do
  MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} QUARKUS_HTTP_PORT=${BASELINE_PORT[$b]} \
    QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:$(cat .state/demo/postgres.port)/sparkd" \
    QUARKUS_DATASOURCE_USERNAME=sparkd QUARKUS_DATASOURCE_PASSWORD="$(cat .state/demo/postgres.password)" \
    java @jvm/daemon.options ${SPARKD_JAVA_OPTS:-} -jar "$b/target/quarkus-app/quarkus-run.jar" >"$baseline_logs/${b##*/}.log" 2>&1 &
  BASELINE_PID[$b]=$!
done
for b in "${!BASELINE_PORT[@]}"; do
  url=http://127.0.0.1:${BASELINE_PORT[$b]}
  for _ in $(seq 1 120); do curl -fsS -o /dev/null "$url/samples" 2>/dev/null && break; sleep 0.5; done
  curl -fsS -o /dev/null "$url/samples" || { cat "$baseline_logs/${b##*/}.log"; echo "memory: the baseline $b did not start" >&2; exit 1; }
  curl -fsS -o /dev/null "$url/q/metrics" && curl -fsS -o /dev/null "$url/q/health"
done
sleep "$IDLE"
kb() { awk -v k="$2:" '$1 == k { print $2 }' "$1" 2>/dev/null || true; }
total=0
row() { # name pid… : RSS and PSS summed over the processes, added to the suite total
  local name=$1 rss=0 pss=0 n=0 pid r p; shift
  for pid in "$@"; do
    r=$(kb /proc/$pid/status VmRSS); p=$(kb /proc/$pid/smaps_rollup Pss)
    rss=$((rss + ${r:-0})); pss=$((pss + ${p:-0})); n=$((n + 1))
  done
  total=$((total + pss))
  printf '%-16s %8d %8d %8s\n' "$name" $((rss / 1024)) $((pss / 1024)) "$( [ $# = 1 ] && ls /proc/$1/task | wc -l || echo "$n procs")"
}
printf '%-16s %8s %8s %8s\n' process "RSS MB" "PSS MB" threads
# Only this checkout's processes (the machine may run other suites): daemons by their jar's full path,
# `sparkd db` by its config, PostgreSQL by the postmaster.pid in the demo's state directory.
for d in health-agent model-manager router mcp-gateway; do
  pid=$(pgrep -f -- "$PWD/$d/target/quarkus-app/quarkus-run.jar" | head -n 1)
  [ -n "$pid" ] || { echo "memory: $d is not running" >&2; exit 1; }
  row "$d" "$pid"
  # With SPARKD_JAVA_OPTS="… -XX:NativeMemoryTracking=summary" and NMT_OUT=DIR: where each daemon's memory goes.
  [ -z "${NMT_OUT:-}" ] || { mkdir -p "$NMT_OUT"; jcmd "$pid" VM.native_memory summary >"$NMT_OUT/$d.txt" 2>&1 || true; }
done
db=$(pgrep -f -- "dev.sparkd.migrate.DbCommand --config $PWD/" | head -n 1)
[ -n "$db" ] || { echo "memory: sparkd db is not running" >&2; exit 1; }
row "sparkd db (JVM)" "$db"
pm=$(head -n 1 .state/demo/postgres/postmaster.pid)
# the server's processes but the baselines' backends (they log in as the superuser, the daemons as their own roles)
pg=("$pm"); for pid in $(pgrep -P "$pm"); do tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q '^postgres: sparkd ' || pg+=("$pid"); done
row postgres "${pg[@]}"
printf '%-16s %8s %8d\n' "suite (PSS)" "" $((total / 1024))
row "stack alone" "${BASELINE_PID[bench/memory/floor]}"
row "no Hibernate" "${BASELINE_PID[bench/memory/floor-sql]}"
