#!/usr/bin/env bash
# usage: systemd/tests/db-flow-test.sh   (as root, inside `unshare -n`; run by .ci/check-systemd)
# The embedded-database flow of the Debian units, with real processes but without systemd: binaries unpacked by
# install.sh (root-owned), `sparkd db` as the server's user (here: nobody), `sparkd migrate` as root (the units'
# ExecStartPre=+), the role password handed to the daemon's user (a system user created here). That user must log in
# as its role, and must not read the superuser's password or list the shared state directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
user=sparkd-check-daemon
id "$user" >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user" \
  || { echo "FAIL db-flow: cannot create the system user $user"; exit 1; }
ip link set lo up
t=$(mktemp -d /var/tmp/sparkd-db-flow.XXXXXX); chmod 0755 "$t"
db_pid=""
trap '[ -n "$db_pid" ] && kill "$db_pid" 2>/dev/null; sleep 2; rm -rf "$t"' EXIT
systemd/install.sh --destdir "$t/root" >"$t/install.log" 2>&1 || { echo "FAIL db-flow: install.sh"; cat "$t/install.log"; exit 1; }
mkdir "$t/state"; mv "$t/root/var/lib/sparkd/postgres-binaries" "$t/state/"
chown nobody:nogroup "$t/state"; chmod 0711 "$t/state"
install -d -o "$user" -g "$user" -m 0750 "$t/state/router"
printf '[suite]\nname = "db-flow"\nstate_dir = "%s/state"\n' "$t" > "$t/sparkd.toml"
lib=$PWD/cli/target/lib
fail=0
check() { if eval "$2"; then echo "ok   db-flow: $1"; else echo "FAIL db-flow: $1"; fail=1; fi; }
(cd "$t" && exec setpriv --reuid=nobody --regid=nogroup --clear-groups java -Xmx64m -XX:+UseSerialGC -cp "$lib/*" \
  dev.sparkd.migrate.DbCommand --config "$t/sparkd.toml") >"$t/db.log" 2>&1 &
db_pid=$!
for _ in $(seq 90); do grep -q "ready on" "$t/db.log" && break; sleep 1; done
check "sparkd db (as nobody) runs the root-owned binaries without unpacking" "grep -q 'ready on' '$t/db.log' && ! grep -q Unpacked '$t/db.log'"
java -Xmx64m -XX:+UseSerialGC -cp "$lib/*" dev.sparkd.migrate.MigrateCommand --config "$t/sparkd.toml" router >"$t/migrate.log" 2>&1
check "sparkd migrate as root gives router its role and schema" "grep -q 'schema router at version' '$t/migrate.log'"
chown "$user:$user" "$t/state/router/db.password"
as_daemon() { runuser -u "$user" -- bash -c "$1" 2>&1; }
check "the daemon's user logs in as role router" \
  "[ \"\$(as_daemon 'PGPASSWORD=\$(cat $t/state/router/db.password) psql -X -h 127.0.0.1 -p \$(cat $t/state/postgres.port) -U router -d sparkd -tAc \"select current_user\"')\" = router ]"
check "the daemon's user cannot read the superuser's password" "! as_daemon 'cat $t/state/postgres.password' >/dev/null"
check "the daemon's user cannot list the shared state directory" "! as_daemon 'ls $t/state' >/dev/null"
check "the server's user cannot change its binaries" "! runuser -u nobody -- touch '$(ls -d "$t"/state/postgres-binaries/*-*)/bin/postgres' 2>/dev/null"
exit $fail
