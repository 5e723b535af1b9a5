#!/usr/bin/env bash
# Benchmark: tools/call of server-everything's `echo` directly vs through the mcp-gateway (stdio and HTTP upstreams),
# all on loopback, in one run (the direct call is the baseline). Prints a Markdown table, with the gateway JVM's own
# CPU time per call next to the latencies. The gateway starts as users
# start it: `./sparkd run --config bench.toml mcp-gateway` (host PostgreSQL, migrations, the launcher's JVM flags);
# with SPARKD_JAVA_OPTS set, a second table runs it again with those flags. Stops everything it started.
# Needs: JDK 17, Node >= 18; run from anywhere: bench/mcp-gateway/run.sh [calls]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
fixtures=mcp-gateway/src/test/fixtures
calls=${1:-2000}
[ -d "$fixtures/node_modules/@modelcontextprotocol/server-everything" ] || bash "$fixtures/install.sh"
. bench/launch.sh
alt_opts=${SPARKD_JAVA_OPTS:-}
unset SPARKD_JAVA_OPTS
pids=()
cleanup() { stop_launched || true; for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

(cd "$fixtures" && PORT=18474 exec setsid node node_modules/@modelcontextprotocol/server-everything/dist/index.js streamableHttp) \
  > mcp-gateway/target/bench-everything.log 2>&1 &
pids+=($!)

# label [java opts]: the gateway through the launcher, one bench.mjs table, the gateway stopped again
run_gateway() {
  if [ $# -gt 1 ]; then export SPARKD_JAVA_OPTS=$2; fi
  launch "$root/bench/mcp-gateway/bench.toml" "$root/mcp-gateway/target/bench-logs" mcp-gateway || exit 1
  unset SPARKD_JAVA_OPTS
  local ready=0
  for _ in $(seq 1 120); do
    ready=$(curl -s http://127.0.0.1:18473/api/v1/servers 2>/dev/null | grep -o '"state":"ready"' | wc -l || true)
    [ "$ready" = 2 ] && break
    sleep 1
  done
  [ "$ready" = 2 ] || { echo "upstreams not ready; see mcp-gateway/target/bench-logs/"; exit 1; }
  echo
  echo "gateway: $1"
  node --no-warnings bench/mcp-gateway/bench.mjs \
    http://127.0.0.1:18474/mcp http://127.0.0.1:18473/mcp sk-mcp-bench "$calls" "$(launched_pid mcp-gateway)"
  stop_launched || { echo "bench: the launcher left processes behind" >&2; exit 1; }
}

echo "machine: $(uname -m), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%F), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "calls per mode and round: $calls (after 300 warm-up calls), 1 client, sequential; best p50 of 2 interleaved rounds"
run_gateway "./sparkd run --config bench/mcp-gateway/bench.toml mcp-gateway (the launcher's JVM flags)"
[ -z "$alt_opts" ] || run_gateway "the same with SPARKD_JAVA_OPTS=\"$alt_opts\"" "$alt_opts"
