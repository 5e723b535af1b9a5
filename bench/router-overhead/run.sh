#!/usr/bin/env bash
# Router overhead, one command: a static upstream (nginx returning a canned completion, and a canned SSE stream),
# then the same wrk load through (a) nothing, (b) nginx proxy_pass, (c) @portkey-ai/gateway, (d) the sparkd router
# started as users start it (`./sparkd run --config bench.toml router`: host PostgreSQL, migrations, the launcher's
# JVM flags), on loopback at concurrency 1 and 16. Prints p50/p99 and requests/s per case, and the router's added p50
# as a ratio of nginx's. Needs: nginx, wrk (apt-get install nginx-light wrk), node + npm, a JDK; the launcher builds
# what is missing. Stops everything it started, PostgreSQL included.
#   bench/router-overhead/run.sh [seconds-per-case]   (default 10)
#   SPARKD_JAVA_OPTS="…" sets the flags of the second router row, router-alt (default: the other daemons' C1-only
#   compilation, "-XX:+TieredCompilation -XX:TieredStopAtLevel=1"); SPARKD_JAVA_OPTS= (empty) skips that row.
set -euo pipefail
cd "$(dirname "$0")"
here=$(pwd)
repo=$(cd ../.. && pwd)
secs=${1:-10}
state=$here/.state
mkdir -p "$state"
for tool in nginx wrk node npm java; do
  command -v $tool >/dev/null 2>&1 || { echo "missing $tool — apt-get install nginx-light wrk nodejs npm (and a JDK)" >&2; exit 2; }
done

. "$repo/bench/launch.sh"
pids=()
cleanup() {
  stop_launched || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$state/nginx.pid" ] && kill "$(cat "$state/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- upstream and nginx proxy ------------------------------------------------------------------------------------
completion='{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench-model","choices":[{"index":0,"message":{"role":"assistant","content":"4"},"finish_reason":"stop"}],"usage":{"prompt_tokens":20,"completion_tokens":1,"total_tokens":21}}'
chunk() { printf 'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench-model","choices":[{"index":0,"delta":%s,"finish_reason":%s}]}\\n\\n' "$1" "$2"; }
sse="$(chunk '{"role":"assistant","content":""}' null)$(chunk '{"content":"4"}' null)$(chunk '{}' '"stop"')"
sse+='data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench-model","choices":[],"usage":{"prompt_tokens":20,"completion_tokens":1,"total_tokens":21}}\n\ndata: [DONE]\n\n'
cat > "$state/nginx.conf" <<CONF
worker_processes 1;
pid $state/nginx.pid;
error_log $state/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $state/nginx-body;
  proxy_temp_path $state/nginx-proxy;
  fastcgi_temp_path $state/nginx-fastcgi;
  uwsgi_temp_path $state/nginx-uwsgi;
  scgi_temp_path $state/nginx-scgi;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:39100; location / { default_type application/json; return 200 '$completion'; } }
  server { listen 127.0.0.1:39101; location / { default_type text/event-stream; return 200 '$sse'; } }
  upstream static { server 127.0.0.1:39100; keepalive 64; }
  upstream static_sse { server 127.0.0.1:39101; keepalive 64; }
  server { listen 127.0.0.1:39110; location / { proxy_pass http://static; proxy_http_version 1.1; proxy_set_header Connection ""; } }
  server { listen 127.0.0.1:39111; location / { proxy_pass http://static_sse; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; } }
}
CONF
nginx -c "$state/nginx.conf" -p "$state"

# --- portkey -------------------------------------------------------------------------------------------------------
[ -d node_modules/@portkey-ai/gateway ] || npm ci --no-audit --no-fund >/dev/null
node node_modules/@portkey-ai/gateway/build/start-server.js --port=39120 --headless > "$state/portkey.log" 2>&1 &
pids+=($!)

# --- sparkd router, started as users start it ----------------------------------------------------------------------
# `./sparkd run --config bench.toml router`: the host's PostgreSQL, the migrations, then the router with the launcher's
# JVM flags (the production row: jvm/daemon.options, then jvm/router.options). A second row, "router-alt", runs it
# again with SPARKD_JAVA_OPTS added (default: back to the other daemons' C1-only compilation); SPARKD_JAVA_OPTS= skips it.
alt_opts=${SPARKD_JAVA_OPTS--XX:+TieredCompilation -XX:TieredStopAtLevel=1}
unset SPARKD_JAVA_OPTS

wait_for() {
  for _ in $(seq 1 120); do
    curl -s -o /dev/null "$1" && return 0
    sleep 0.5
  done
  echo "not up: $1" >&2; exit 1
}
wait_for http://127.0.0.1:39100/
wait_for http://127.0.0.1:39120/

portkey_headers="x-portkey-provider=openai|x-portkey-custom-host=http://127.0.0.1:39100/v1"
portkey_sse_headers="x-portkey-provider=openai|x-portkey-custom-host=http://127.0.0.1:39101/v1"

# one case: name url concurrency stream headers model
results=()
run_case() {
  local name=$1 url=$2 conc=$3 stream=$4 headers=$5 model=$6 threads=1
  [ "$conc" -gt 1 ] && threads=2
  BENCH_STREAM=$stream BENCH_HEADERS=$headers BENCH_MODEL=$model \
    wrk -t"$threads" -c"$conc" -d"$secs"s --timeout 5s -s post.lua "$url/v1/chat/completions" > "$state/wrk.out" 2>&1 || true
  local line
  line=$(grep '^RESULT' "$state/wrk.out" || echo "RESULT p50_us=0 p99_us=0 rps=0 errors=-1 requests=0")
  results+=("$name c=$conc stream=$stream $line")
  printf '%-10s c=%-3s stream=%s %s\n' "$name" "$conc" "$stream" "${line#RESULT }"
}

warm_router() { # JIT (the production row compiles with C2 alone, from the interpreter), connection pools; not recorded
  BENCH_MODEL=bench wrk -t2 -c16 -d10s -s post.lua "http://127.0.0.1:39130/v1/chat/completions" >/dev/null 2>&1 || true
  BENCH_MODEL=bench-stream BENCH_STREAM=1 wrk -t1 -c4 -d3s -s post.lua "http://127.0.0.1:39130/v1/chat/completions" >/dev/null 2>&1 || true
}
# name [java opts]: start the router through the launcher, warm it up, run its cases, stop it (and its PostgreSQL)
run_router() {
  local name=$1
  if [ $# -gt 1 ]; then export SPARKD_JAVA_OPTS=$2; else unset SPARKD_JAVA_OPTS; fi
  launch "$here/bench.toml" "$state/logs-$name" router || exit 1
  unset SPARKD_JAVA_OPTS
  warm_router
  for conc in 1 16; do run_case "$name" http://127.0.0.1:39130 "$conc" 0 "" bench; done
  run_case "$name" http://127.0.0.1:39130 1 1 "" bench-stream
  stop_launched || { echo "bench: the launcher left processes behind" >&2; exit 1; }
}
BENCH_HEADERS=$portkey_headers wrk -t1 -c4 -d3s -s post.lua "http://127.0.0.1:39120/v1/chat/completions" >/dev/null 2>&1 || true

echo "== $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $secs s per case"
echo "   router:     ./sparkd run --config bench.toml router (the launcher's JVM flags)"
[ -z "$alt_opts" ] || echo "   router-alt: the same with SPARKD_JAVA_OPTS=\"$alt_opts\""
for conc in 1 16; do
  run_case direct  http://127.0.0.1:39100 "$conc" 0 "" bench-model
  run_case nginx   http://127.0.0.1:39110 "$conc" 0 "" bench-model
  run_case portkey http://127.0.0.1:39120 "$conc" 0 "$portkey_headers" bench-model
done
run_case direct  http://127.0.0.1:39101 1 1 "" bench-model
run_case nginx   http://127.0.0.1:39111 1 1 "" bench-model
run_case portkey http://127.0.0.1:39120 1 1 "$portkey_sse_headers" bench-model
run_router router
[ -z "$alt_opts" ] || run_router router-alt "$alt_opts"

val() { echo "$1" | sed -n "s/.*$2=\([0-9.-]*\).*/\1/p"; }
get() { for r in "${results[@]}"; do case "$r" in "$1 c=$2 stream=$3 "*) val "$r" "$4"; return;; esac; done; }
d1=$(get direct 1 0 p50_us); n1=$(get nginx 1 0 p50_us); k1=$(get portkey 1 0 p50_us); n16=$(get nginx 16 0 rps)
ds=$(get direct 1 1 p50_us)
echo
echo "added p50 at c=1 (vs direct): nginx $((n1 - d1)) us, portkey $((k1 - d1)) us"
for name in router router-alt; do
  r1=$(get $name 1 0 p50_us); [ -n "$r1" ] || continue
  r16=$(get $name 16 0 rps); rs=$(get $name 1 1 p50_us)
  echo "$name: added p50 at c=1 $((r1 - d1)) us (ratio to nginx $(awk -v r=$((r1 - d1)) -v n=$((n1 - d1)) 'BEGIN { printf "%.1f", (n > 0 ? r / n : 0) }'));" \
       "c=16 $r16 req/s = $(awk -v r="$r16" -v n="$n16" 'BEGIN { printf "%.0f", 100 * r / n }')% of nginx ($n16 req/s);" \
       "streaming adds $((rs - ds)) us to the canned stream's time to last byte (≈ TTFB)"
done
echo "targets: added p50 <= 100 us; c=16 throughput >= 40% of nginx; streaming adds <= 1000 us"
