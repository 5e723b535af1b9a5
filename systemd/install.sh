#!/usr/bin/env bash
# Installs sparkd on a Debian/Ubuntu (DGX OS) host with systemd, from a built source tree
# (./mvnw -B package -DskipTests first). Re-run it to upgrade: the config and secrets are kept,
# the daemons are restarted only if the config still passes the checker.
#
# usage: sudo systemd/install.sh [--no-start] [--destdir DIR]
#   --no-start     install and enable, but do not (re)start anything
#   --destdir DIR  install under DIR instead of / (packaging, tests); implies --no-start, skips useradd
#   --units-only   with --destdir: only the units, drop-ins and /etc/sparkd (no built jars needed; CI checks)
#
# Layout:
#   /opt/sparkd/<daemon>/          each daemon's quarkus-app/ directory (quarkus-run.jar + lib/ + app/ + quarkus/)
#   /opt/sparkd/cli/lib/           the command-line tools' jars: sparkd-check FILE, and `sparkd migrate` / `sparkd db`
#                                  (Flyway, JDBC, the embedded PostgreSQL), which sparkd-postgres.service and the
#                                  daemons' ExecStartPre= run
#   /opt/sparkd/jvm/               daemon.options, db.options: the JVM flags the units start java with (JDK
#                                  argument files, the launcher's own definition, from jvm/)
#   /opt/sparkd/bin/               sparkd-wait-ready (readiness), sparkd-notify (OnFailure hook)
#   /etc/sparkd/sparkd.toml        the config (a sample is installed only when none exists)
#   /etc/sparkd/credentials/       secrets (root, 0600), handed to the units with LoadCredential=
#   /etc/sparkd/ssh/               id_ed25519 (root, 0600) and known_hosts
#   /etc/systemd/system/           sparkd-*.service, sparkd-*.timer, sparkd.target, sparkd-notify@.service
#   /var/lib/sparkd/postgres/      the host's one PostgreSQL (sparkd-postgres.service), owned by `sparkd`
#   /var/lib/sparkd/<daemon>/      state (StateDirectory=), owned by the system user `sparkd`
set -euo pipefail
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEST=""
START=1
UNITS_ONLY=0
while [ $# -gt 0 ]; do
  case $1 in
    --no-start) START=0 ;;
    --units-only) UNITS_ONLY=1 ;;
    --destdir) DEST=${2:?--destdir needs a directory}; START=0; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
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
install -d -m 0755 "$opt" "$opt/bin" "$opt/docs" "$units"
if [ $UNITS_ONLY = 0 ]; then
for d in "${DAEMONS[@]}"; do
  [ -f "$SRC/$d/target/quarkus-app/quarkus-run.jar" ] || die "$d is not built: run ./mvnw -B package -DskipTests first"
done
[ -d "$SRC/cli/target/lib" ] || die "the command-line tools are not built (cli/target/lib): run ./mvnw -B package -DskipTests first"
if [ -z "$DEST" ]; then
  command -v java >/dev/null 2>&1 || die "java not found: apt-get install -y openjdk-17-jre-headless"
  [ -x /usr/bin/java ] || die "the units start /usr/bin/java, which is missing (install openjdk-17-jre-headless)"
fi


# Programs: copy next to the old version, then swap, so a running daemon never sees half a tree.
for d in "${DAEMONS[@]}"; do
  rm -rf "$opt/$d.new"
  cp -a "$SRC/$d/target/quarkus-app" "$opt/$d.new"
  rm -rf "$opt/$d.old"
  [ -e "$opt/$d" ] && mv "$opt/$d" "$opt/$d.old"
  mv "$opt/$d.new" "$opt/$d"
  rm -rf "$opt/$d.old"
done
rm -rf "$opt/cli"; install -d -m 0755 "$opt/cli"; cp -a "$SRC/cli/target/lib" "$opt/cli/lib"
install -m 0755 "$SRC/systemd/bin/sparkd-wait-ready" "$SRC/systemd/bin/sparkd-notify" "$opt/bin/"
cat > "$opt/bin/sparkd-check" <<'CHECK'
#!/bin/sh
# usage: sparkd-check FILE — validates a sparkd config; exit 0 valid, 2 invalid.
exec java -cp "/opt/sparkd/cli/lib/*" dev.sparkd.core.config.CheckCommand "${1:-/etc/sparkd/sparkd.toml}"
CHECK
chmod 0755 "$opt/bin/sparkd-check"
for f in deploy-systemd.md configuration.md operations.md dashboards.md; do
  [ -f "$SRC/docs/$f" ] && install -m 0644 "$SRC/docs/$f" "$opt/docs/"
done
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

# Secrets: one drop-in per unit that loads every file of /etc/sparkd/credentials/ as a credential and shows it
# at /run/credentials/NAME, the path the TOML names. Re-run install.sh after adding or removing a secret.
for u in "${DAEMONS[@]/#/sparkd-}" sparkd-health-check sparkd-model-reconcile; do
  dropin=$units/$u.service.d
  install -d -m 0755 "$dropin"
  {
    echo "# Written by install.sh from /etc/sparkd/credentials/ — re-run it after changing the secrets."
    echo "[Service]"
    for f in "$etc"/credentials/*; do
      [ -f "$f" ] || continue
      n=$(basename "$f")
      case $n in *[!A-Za-z0-9._-]*) echo "install.sh: skipping credential with an unusual name: $n" >&2; continue ;; esac
      echo "LoadCredential=$n:/etc/sparkd/credentials/$n"
      echo "BindReadOnlyPaths=%d/$n:/run/credentials/$n"
    done
  } > "$dropin/credentials.conf"
done
[ -e "$etc/ssh/id_ed25519" ] || echo "install.sh: warning: /etc/sparkd/ssh/id_ed25519 is missing; health-agent and model-manager load it with LoadCredential= and will not start without it" >&2

[ -n "$DEST" ] && { echo "install.sh: installed under $DEST"; exit 0; }

getent group sparkd >/dev/null || groupadd --system sparkd
getent passwd sparkd >/dev/null || useradd --system --gid sparkd --home-dir /var/lib/sparkd --no-create-home \
  --shell /usr/sbin/nologin --comment "sparkd daemons" sparkd

systemctl daemon-reload
systemctl enable sparkd.target sparkd-postgres.service sparkd-router.service sparkd-health-agent.service sparkd-model-manager.service \
  sparkd-mcp-gateway.service sparkd-health-check.timer sparkd-model-reconcile.timer
if [ $START = 1 ]; then
  if ! "$opt/bin/sparkd-check" /etc/sparkd/sparkd.toml; then
    die "/etc/sparkd/sparkd.toml is invalid (see above): fix it, then run: systemctl restart sparkd.target"
  fi
  # Upgrade: restart what runs; first install: start everything.
  for d in "${DAEMONS[@]}"; do systemctl try-restart "sparkd-$d.service"; done  # runs their migrations first
  systemctl start sparkd.target
  systemctl --no-pager --lines=0 status 'sparkd-*.service' || true
fi
echo "install.sh: done"
