#!/usr/bin/env bash
# Idle memory of the demo suite, as users run it: starts `./sparkd demo` (the launcher's JVM flags, the same ones
# the units and the NixOS module use), waits until it is ready, lets it idle for IDLE seconds (default 45: the
# health-agent probes, the model-manager reconciles), then reads each process's RSS and PSS from /proc and stops it.
# Prints one row per daemon, the `sparkd db` JVM, its PostgreSQL server's processes summed, and the suite total (PSS
# summed: shared pages counted once). Loopback only; the demo's fixed ports (and 8479) must be free.
# The baseline, in the same run: "stack alone" is bench/memory/floor, a Quarkus application with only the extensions
# every daemon carries and one Panache entity (a scheduled write, an HQL read), started with the daemons' flags
# (jvm/daemon.options, SPARKD_JAVA_OPTS after them, MALLOC_ARENA_MAX as the launcher sets it) on the demo's
# PostgreSQL; what a daemon weighs above it is the daemon's own code and libraries. Not counted in the suite.
set -euo pipefail
cd "$(dirname "$0")/../.."
IDLE=${IDLE:-45}
FLOOR=bench/memory/floor
log=$(mktemp)
floor_log=$(mktemp)
if [ -z "${SPARKD_NO_BUILD:-}" ] || [ ! -f "$FLOOR/target/quarkus-app/quarkus-run.jar" ]; then
  echo "memory: building the baseline ($FLOOR) …"
  ./mvnw -B -q -f "$FLOOR/pom.xml" package -DskipTests
fi
set -m
./sparkd demo >"$log" 2>&1 </dev/null &
launcher=$!
floor=
cleanup() {
  [ -z "$floor" ] || kill "$floor" 2>/dev/null || true
  kill -INT -- -"$launcher" 2>/dev/null || true; for _ in $(seq 1 60); do kill -0 "$launcher" 2>/dev/null || break; sleep 1; done
  rm -f "$log" "$floor_log"
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
# The baseline, on the demo's PostgreSQL as its superuser (a schema of its own), with the daemons' flags; the
# login in its environment, which other users cannot read (a command line they can).
MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} \
  QUARKUS_DATASOURCE_REACTIVE_URL="postgresql://127.0.0.1:$(cat .state/demo/postgres.port)/sparkd" \
  QUARKUS_DATASOURCE_USERNAME=sparkd QUARKUS_DATASOURCE_PASSWORD="$(cat .state/demo/postgres.password)" \
  java @jvm/daemon.options ${SPARKD_JAVA_OPTS:-} -jar "$FLOOR/target/quarkus-app/quarkus-run.jar" >"$floor_log" 2>&1 &
floor=$!
for _ in $(seq 1 120); do curl -fsS -o /dev/null http://127.0.0.1:8479/samples 2>/dev/null && break; sleep 0.5; done
curl -fsS -o /dev/null http://127.0.0.1:8479/samples || { cat "$floor_log"; echo "memory: the baseline did not start" >&2; exit 1; }
curl -fsS -o /dev/null http://127.0.0.1:8479/q/metrics && curl -fsS -o /dev/null http://127.0.0.1:8479/q/health
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
row postgres "$pm" $(pgrep -P "$pm")
printf '%-16s %8s %8d\n' "suite (PSS)" "" $((total / 1024))
row "stack alone" "$floor"
