#!/usr/bin/env bash
# Benchmark: the health-agent probing N simulated HTTP endpoints every 10 s, next to Prometheus blackbox_exporter
# (Debian package prometheus-blackbox-exporter) doing the same probes in the same run. Reports CPU seconds per 1,000
# probes, share of one core and RSS. Usage: bench/health-probes/run.sh [N …]   (default: 100 1000 5000)
# The agent starts as users start it: `./sparkd run --config agent-N.toml health-agent` (host PostgreSQL, migrations,
# the launcher's JVM flags); with SPARKD_JAVA_OPTS set, a second row "health-agent-alt" runs it with those flags.
# Only the agent's JVM is measured (not PostgreSQL, the targets or the driver). Stops everything it started.
# Needs: a JDK 17+, prometheus-blackbox-exporter (health-agent/src/test/install.sh installs it).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/bench/health-probes"
WORK="$HERE/.work"
SIZES=("${@:-100 1000 5000}"); read -r -a SIZES <<< "${SIZES[*]}"
WARMUP=${WARMUP:-20}
WINDOW=${WINDOW:-60}
INTERVAL=10
TARGET_PORT=29100
AGENT_PORT=29171
EXPORTER_PORT=29115
ALT_OPTS=${SPARKD_JAVA_OPTS:-}
unset SPARKD_JAVA_OPTS
BLACKBOX=$(command -v prometheus-blackbox-exporter || command -v blackbox_exporter || true)
[ -n "$BLACKBOX" ] || { echo "prometheus-blackbox-exporter not found: run health-agent/src/test/install.sh" >&2; exit 2; }
. "$ROOT/bench/launch.sh"
mkdir -p "$WORK"
PIDS=()
cleanup() { stop_launched || true; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM
TICKS=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
wait_http() { for _ in $(seq 1 240); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.5; done; echo "not ready: $1" >&2; return 1; }
probes_total() { curl -fsS "http://127.0.0.1:$AGENT_PORT/q/metrics" | awk '/^sparkd_health_probes_total/ {s += $NF} END {printf "%d", s}'; }

java "$HERE/Targets.java" "$TARGET_PORT" > "$WORK/targets.log" 2>&1 & PIDS+=($!)
wait_http "http://127.0.0.1:$TARGET_PORT/e/0"

printf 'modules:\n  http_2xx:\n    prober: http\n    timeout: 5s\n    http:\n      preferred_ip_protocol: ip4\n' > "$WORK/blackbox.yml"
RESULTS="$WORK/results.txt"; : > "$RESULTS"
printf '%-6s %-16s %10s %12s %14s %9s %8s\n' N tool probes "cpu s" "cpu s/1k probes" "% core" "RSS MB" | tee -a "$RESULTS"

# Failed probes so far (timeouts, refusals): a probe that ran but failed is a probe blackbox would count as failed too.
probes_failed() { curl -fsS "http://127.0.0.1:$AGENT_PORT/q/metrics" | awk '/^sparkd_health_probes_total.*outcome="failure"/ {s += $NF} END {printf "%d", s}'; }

measure_window() { # label pid: CPU, probes and RSS of the running agent over the window
  local label=$1 pid=$2
  sleep "$WARMUP"
  f0=$(probes_failed); p0=$(probes_total); t0=$(date +%s%N); c0=$(cpu_ticks "$pid"); sleep "$WINDOW"; c1=$(cpu_ticks "$pid")
  p1=$(probes_total); t1=$(date +%s%N); f1=$(probes_failed)
  rss=$(rss_kb "$pid")
  # The counts are read by scraping /q/metrics, which takes a while at 5,000 services: the probes due are those of
  # the time between the two counts, not of the CPU window.
  due=$(( N * (t1 - t0) / (INTERVAL * 1000000000) ))
  awk -v n="$N" -v l="$label" -v p=$((p1 - p0)) -v c=$((c1 - c0)) -v t="$TICKS" -v w="$WINDOW" -v r="$rss" 'BEGIN {
    cs = c / t; printf "%-6s %-16s %10d %12.2f %14.3f %9.1f %8.0f\n", n, l, p, cs, (p > 0 ? cs / p * 1000 : 0), cs / w * 100, r / 1024 }' | tee -a "$RESULTS"
  echo "  $label: $((p1 - p0)) probes counted over $(( (t1 - t0) / 1000000 )) ms, $due due; $((f1 - f0)) failed" | tee -a "$RESULTS"
}

measure_agent() { # label [java opts]: one agent run at N endpoints through the launcher
  local label=$1 log="$WORK/agent-$N-$1"
  if [ $# -gt 1 ]; then export SPARKD_JAVA_OPTS=$2; fi
  if ! launch "$CFG" "$log" health-agent; then
    unset SPARKD_JAVA_OPTS
    echo "$N      $label: did not start through the launcher (above)" | tee -a "$RESULTS"
    return 1
  fi
  unset SPARKD_JAVA_OPTS
  measure_window "$label" "$(launched_pid health-agent)"
  stop_launched || { echo "bench: the launcher left processes behind" >&2; exit 1; }
}

# When the launcher cannot start the agent at N (its config tools parse the whole file in a 32-64 MB heap), the agent
# alone: PostgreSQL through `sparkd db` and `sparkd migrate` on a one-service config in the same state directory, then
# the agent's JVM with the launcher's flags plus DIRECT_OPTS, exactly as the launcher would start it. Labelled apart.
measure_agent_direct() { # label
  local label=$1 log="$WORK/agent-$N-$1" small="$WORK/agent-db.toml" db agent
  mkdir -p "$log"
  { printf '[suite]\nname = "bench"\nstate_dir = "state"\n\n[health]\nlisten = "127.0.0.1:%d"\n\n' "$AGENT_PORT"
    printf '[services.e0]\nkind = "http"\nurl = "http://127.0.0.1:%d/e/0"\n' "$TARGET_PORT"; } > "$small"
  setsid "$ROOT/sparkd" db --config "$small" > "$log/postgres.log" 2>&1 < /dev/null & db=$!; PIDS+=($db)
  for _ in $(seq 1 240); do grep -q "PostgreSQL ready" "$log/postgres.log" && break; sleep 0.5; done
  "$ROOT/sparkd" migrate --config "$small" health-agent > "$log/migrate.log" 2>&1 || { cat "$log/migrate.log" >&2; return 1; }
  # shellcheck disable=SC2046
  java $(sed -e '/^#/d' -e '/^[[:space:]]*$/d' "$ROOT/jvm/daemon.options") $DIRECT_OPTS \
    -jar "$ROOT/health-agent/target/quarkus-app/quarkus-run.jar" --config "$CFG" > "$log/health-agent.log" 2>&1 & agent=$!; PIDS+=($agent)
  if wait_http "http://127.0.0.1:$AGENT_PORT/q/health/ready"; then
    measure_window "$label" "$agent"
  else
    echo "$N      $label: did not start (tail of $log/health-agent.log below)" | tee -a "$RESULTS"; tail -n 3 "$log/health-agent.log" >&2
  fi
  kill "$agent" 2>/dev/null; wait "$agent" 2>/dev/null || true
  kill "$db" 2>/dev/null; wait "$db" 2>/dev/null || true
}
DIRECT_OPTS=${DIRECT_OPTS:--Xmx256m}

for N in "${SIZES[@]}"; do
  # --- health-agent ---
  CFG="$WORK/agent-$N.toml"
  { printf '[suite]\nname = "bench"\nstate_dir = "state"\n\n[health]\nlisten = "127.0.0.1:%d"\ninterval = "%ds"\ntimeout = "5s"\n\n' "$AGENT_PORT" "$INTERVAL"
    for i in $(seq 0 $((N - 1))); do printf '[services.e%d]\nkind = "http"\nurl = "http://127.0.0.1:%d/e/%d"\n' "$i" "$TARGET_PORT" "$i"; done
  } > "$CFG"
  measure_agent health-agent || measure_agent_direct health-agent-direct
  [ -z "$ALT_OPTS" ] || measure_agent health-agent-alt "$ALT_OPTS"

  # --- blackbox_exporter, driven like Prometheus would ---
  "$BLACKBOX" --config.file="$WORK/blackbox.yml" --web.listen-address="127.0.0.1:$EXPORTER_PORT" > "$WORK/blackbox-$N.log" 2>&1 & BB=$!; PIDS+=($BB)
  wait_http "http://127.0.0.1:$EXPORTER_PORT/metrics"
  java "$HERE/Driver.java" "$EXPORTER_PORT" "$TARGET_PORT" "$N" "$INTERVAL" > "$WORK/driver-$N.log" 2>&1 & DRV=$!; PIDS+=($DRV)
  sleep "$WARMUP"
  c0=$(cpu_ticks $BB); sleep "$WINDOW"; c1=$(cpu_ticks $BB); rss=$(rss_kb $BB)
  kill $DRV; wait $DRV 2>/dev/null || true
  kill $BB; wait $BB 2>/dev/null || true
  # The driver spreads N probes evenly over each interval: the window saw N * WINDOW / INTERVAL of them.
  awk -v n="$N" -v c=$((c1 - c0)) -v t="$TICKS" -v w="$WINDOW" -v iv="$INTERVAL" -v r="$rss" 'BEGIN {
    p = n * w / iv; cs = c / t; printf "%-6s %-16s %10d %12.2f %14.3f %9.1f %8.0f\n", n, "blackbox_exporter", p, cs, cs / p * 1000, cs / w * 100, r / 1024 }' | tee -a "$RESULTS"
  tail -n 1 "$WORK/driver-$N.log" | sed 's/^/  blackbox driver: /'
done
echo "health-agent: ./sparkd run --config agent-N.toml health-agent (the launcher's JVM flags)"
[ -z "$ALT_OPTS" ] || echo "health-agent-alt: the same with SPARKD_JAVA_OPTS=\"$ALT_OPTS\""
grep -q health-agent-direct "$RESULTS" && echo "health-agent-direct: the launcher could not start it; its JVM started alone with the launcher's flags + \"$DIRECT_OPTS\""
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m), $(java -version 2>&1 | head -n 1); blackbox $("$BLACKBOX" --version 2>&1 | head -n 1)"
