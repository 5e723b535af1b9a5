# Sourced by the benchmarks: start daemons the way users do — `./sparkd run --config FILE DAEMON…`, which starts the
# host's PostgreSQL (`sparkd db`), runs the migrations and starts the daemons with the launcher's JVM flags
# (SPARKD_JAVA_OPTS overrides them) — and stop everything it started.
#   launch CONFIG LOGDIR DAEMON…   returns once every daemon is ready (the launcher prints "sparkd: running")
#   launched_pid DAEMON            pid of that daemon's JVM (for CPU and RSS readings)
#   stop_launched                  TERM to the launcher (it stops the daemons, then PostgreSQL) and a check that
#                                  no process of this config is left
# Absolute paths only: the launcher passes the config's absolute path on to each daemon, and that is how
# launched_pid and the leftover check find them.

LAUNCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LAUNCH_PID=""
LAUNCH_CONFIG=""
LAUNCH_LOGS=""

launch() { # config logdir daemon…
  LAUNCH_CONFIG=$1 LAUNCH_LOGS=$2; shift 2
  mkdir -p "$LAUNCH_LOGS"
  # Its own session: a Ctrl-C meant for the benchmark reaches the launcher only through stop_launched, so the
  # daemons always stop before PostgreSQL.
  SPARKD_LOG_DIR=$LAUNCH_LOGS setsid "$LAUNCH_ROOT/sparkd" run --config "$LAUNCH_CONFIG" "$@" \
    > "$LAUNCH_LOGS/launcher.log" 2>&1 < /dev/null &
  LAUNCH_PID=$!
  local deadline=$((SECONDS + 300))
  until grep -q '^sparkd: running' "$LAUNCH_LOGS/launcher.log" 2>/dev/null; do
    if ! kill -0 "$LAUNCH_PID" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      echo "bench: ./sparkd run --config $LAUNCH_CONFIG $* did not come up; its output:" >&2
      cat "$LAUNCH_LOGS/launcher.log" >&2
      stop_launched
      return 1
    fi
    sleep 0.5
  done
}

launched_pid() { # daemon
  pgrep -f -- "$1/target/quarkus-app/quarkus-run.jar --config $LAUNCH_CONFIG" | head -n 1
}

stop_launched() {
  [ -n "$LAUNCH_PID" ] || return 0
  local pid=$LAUNCH_PID
  LAUNCH_PID=""
  if kill -TERM "$pid" 2>/dev/null; then
    # the launcher gives each group 30 s before it kills; past that something is wrong: end its whole session
    for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "bench: the launcher ($pid) did not stop in 100 s; killing its session" >&2
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
  # Nothing of this run may outlive it: the daemons and `sparkd db` carry the config on their command line, the
  # postmaster and its children the data directory that `sparkd db` logged.
  local data left
  data=$(sed -n 's/.*data in \(.*\))$/\1/p' "$LAUNCH_LOGS/postgres.log" 2>/dev/null | head -n 1)
  left=$( { pgrep -f -- "--config $LAUNCH_CONFIG" || true; [ -z "$data" ] || pgrep -f -- "-D $data" || true; } | sort -u)
  if [ -n "$left" ]; then
    echo "bench: still running after the launcher stopped (killing them):" >&2
    ps -o pid=,args= -p "$(echo $left | tr ' ' ,)" >&2 || true
    kill -KILL $left 2>/dev/null || true
    return 1
  fi
}
