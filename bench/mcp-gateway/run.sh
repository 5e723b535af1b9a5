#!/usr/bin/env bash
# Benchmark: tools/call of server-everything's `echo` directly vs through the mcp-gateway (stdio and HTTP upstreams),
# all on loopback, in one run (the direct call is the baseline). Prints a Markdown table.
# Needs: JDK 17, Node >= 18; run from anywhere: bench/mcp-gateway/run.sh [calls]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
fixtures=mcp-gateway/src/test/fixtures
calls=${1:-2000}
[ -d "$fixtures/node_modules/@modelcontextprotocol/server-everything" ] || bash "$fixtures/install.sh"
if [ ! -f mcp-gateway/target/quarkus-app/quarkus-run.jar ]; then
  ./mvnw -q -B -pl mcp-gateway -am package -DskipTests
fi
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

(cd "$fixtures" && PORT=18474 exec setsid node node_modules/@modelcontextprotocol/server-everything/dist/index.js streamableHttp) \
  > mcp-gateway/target/bench-everything.log 2>&1 &
pids+=($!)
setsid java -Xmx256m -jar mcp-gateway/target/quarkus-app/quarkus-run.jar --config "$root/bench/mcp-gateway/bench.toml" \
  > mcp-gateway/target/bench-gateway.log 2>&1 &
pids+=($!)

for i in $(seq 1 120); do
  ready=$(curl -s http://127.0.0.1:18473/api/v1/servers 2>/dev/null | grep -o '"state":"ready"' | wc -l || true)
  [ "$ready" = 2 ] && break
  sleep 1
done
[ "$ready" = 2 ] || { echo "gateway or upstreams not ready; see mcp-gateway/target/bench-gateway.log"; exit 1; }

echo "machine: $(uname -m), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%F)"
echo "calls per mode and round: $calls (after 300 warm-up calls), 1 client, sequential; best p50 of 2 interleaved rounds"
node --no-warnings bench/mcp-gateway/bench.mjs \
  http://127.0.0.1:18474/mcp http://127.0.0.1:18473/mcp sk-mcp-bench "$calls"
