#!/usr/bin/env bash
# Idle memory of the demo suite, as users run it: starts `./sparkd demo` (the launcher's JVM flags, the same ones
# the units and the NixOS module use), waits until it is ready, lets it idle for IDLE seconds (default 45: the
# health-agent probes, the model-manager reconciles), then reads each process's RSS and PSS from /proc and stops it.
# Prints one row per daemon, the PostgreSQL server(s) summed, and the suite total (PSS summed: shared pages counted
# once). Loopback only; the demo's fixed ports must be free.
set -euo pipefail
cd "$(dirname "$0")/../.."
IDLE=${IDLE:-45}
log=$(mktemp)
set -m
./sparkd demo >"$log" 2>&1 </dev/null &
launcher=$!
cleanup() { kill -INT -- -"$launcher" 2>/dev/null || true; for _ in $(seq 1 60); do kill -0 "$launcher" 2>/dev/null || break; sleep 1; done; rm -f "$log"; }
trap cleanup EXIT
deadline=$((SECONDS + 900))
until grep -q "demo ready" "$log"; do
  kill -0 "$launcher" 2>/dev/null && [ $SECONDS -lt $deadline ] || { cat "$log"; echo "memory: the demo did not become ready" >&2; exit 1; }
  sleep 1
done
# a few requests, as a user trying the demo would send
for p in 8470 8471 8472 8473; do curl -fsS -o /dev/null "http://127.0.0.1:$p/api/v1/info" || true; done
curl -fsS -o /dev/null -H 'Content-Type: application/json' -d '{"model":"chat","messages":[{"role":"user","content":"hi"}]}' \
  http://127.0.0.1:8470/v1/chat/completions || true
sleep "$IDLE"
kb() { awk -v k="$2:" '$1 == k { print $2 }' "$1"; }
printf '%-16s %8s %8s\n' process "RSS MB" "PSS MB"
total=0
for d in health-agent model-manager router mcp-gateway; do
  pid=$(pgrep -f -- "$d/target/quarkus-app/quarkus-run.jar" | head -n 1)
  [ -n "$pid" ] || { echo "memory: $d is not running" >&2; exit 1; }
  rss=$(kb /proc/$pid/status VmRSS); pss=$(kb /proc/$pid/smaps_rollup Pss)
  printf '%-16s %8d %8d\n' "$d" $((rss / 1024)) $((pss / 1024))
  total=$((total + pss))
done
pg_rss=0; pg_pss=0; n=0
for pid in $(pgrep -x postgres || true); do
  r=$(kb /proc/$pid/status VmRSS 2>/dev/null || echo 0); p=$(kb /proc/$pid/smaps_rollup Pss 2>/dev/null || echo 0)
  pg_rss=$((pg_rss + ${r:-0})); pg_pss=$((pg_pss + ${p:-0})); n=$((n + 1))
done
servers=$(pgrep -x postgres -a 2>/dev/null | grep -c -- ' -D ' || true)
printf '%-16s %8d %8d   (%d processes, %d server(s))\n' postgres $((pg_rss / 1024)) $((pg_pss / 1024)) "$n" "$servers"
total=$((total + pg_pss))
printf '%-16s %8s %8d\n' "suite (PSS)" "" $((total / 1024))
