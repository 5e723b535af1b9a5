#!/usr/bin/env bash
# usage: nix/tests/db-setup-test.sh EVAL.json   (as root; run by .ci/check-nix inside `unshare -n`)
# Runs the module's sparkd-db-setup.service script (from nix/tests/eval.nix's output) twice, as the postgres user,
# against a real PostgreSQL started here on a Unix socket and 127.0.0.1 (the private network namespace keeps the
# port to this check), then logs in as the router's role with its generated password and checks what it may do:
# create tables in its own schema only, not in another daemon's or in public; a wrong password is refused.
set -euo pipefail
eval_json=$1
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || { echo "FAIL db-setup: no PostgreSQL server (apt-get install -y postgresql)"; exit 1; }
id postgres >/dev/null 2>&1 || { echo "FAIL db-setup: no postgres user"; exit 1; }
ip link set lo up
t=$(mktemp -d); trap 'runuser -u postgres -- "$bin/pg_ctl" -D "$t/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$t"' EXIT
chmod 0755 "$t"; mkdir -p "$t/sock" "$t/state" "$t/data"; chown postgres: "$t/sock" "$t/state" "$t/data"; chmod 0700 "$t/state" "$t/data"
node -e 'process.stdout.write(require(process.argv[1]).services["sparkd-db-setup"].script)' "$eval_json" > "$t/setup.sh"
export PGHOST=$t/sock PGPORT=55432
pg() { runuser -u postgres -- env PGHOST="$PGHOST" PGPORT="$PGPORT" PATH="$bin:$PATH" STATE_DIRECTORY="$t/state" "$@"; }
pg "$bin/initdb" -D "$t/data" --auth-local=peer --auth-host=scram-sha-256 >/dev/null
pg "$bin/pg_ctl" -D "$t/data" -o "-k $t/sock -p 55432 -c listen_addresses=127.0.0.1" -l "$t/data/server.log" -w start >/dev/null
pg psql -X -q -c "CREATE DATABASE sparkd"
fail=0
check() { if [ "$2" = "$3" ]; then echo "ok   db-setup: $1"; else echo "FAIL db-setup: $1: got '$2', expected '$3'"; fail=1; fi; }
out1=$(pg bash "$t/setup.sh" 2>&1) && out2=$(pg bash "$t/setup.sh" 2>&1) \
  && check "runs twice (first start, then every boot), silently" "$out1$out2" "" \
  || { echo "FAIL db-setup: the script failed:"; printf '%s\n%s\n' "${out1:-}" "${out2:-}" | sed 's/^/  /'; exit 1; }
check "one password file per daemon, 0600, postgres" "$(stat -c '%a %U' "$t"/state/*.password | sort -u)" "600 postgres"
pw=$(cat "$t/state/router.password")
as_router() { PGPASSWORD=$1 psql -X -q -h 127.0.0.1 -p 55432 -U router -d sparkd -tA -c "$2" 2>&1 | head -n 1; }
check "router's role creates tables in its own schema" "$(as_router "$pw" 'CREATE TABLE t(x int); SELECT current_schema()')" "router"
check "router's role cannot write the health-agent's schema" "$(as_router "$pw" 'CREATE TABLE health_agent.t(x int)')" "ERROR:  permission denied for schema health_agent"
check "router's role cannot write public" "$(as_router "$pw" 'CREATE TABLE public.t(x int)')" "ERROR:  permission denied for schema public"
check "router's role cannot read the gateway's tables" "$(pg psql -X -q -d sparkd -c 'CREATE TABLE mcp_gateway.audit(x int)' && as_router "$pw" 'SELECT * FROM mcp_gateway.audit')" "ERROR:  permission denied for schema mcp_gateway"
check "a wrong password is refused" "$(as_router wrong 'SELECT 1' | grep -o 'password authentication failed' )" "password authentication failed"
check "each schema owned by its daemon's role" "$(pg psql -X -tA -d sparkd -c "SELECT string_agg(nspname || '=' || pg_get_userbyid(nspowner), ' ' ORDER BY nspname) FROM pg_namespace WHERE nspname IN ('router','health_agent','model_manager','mcp_gateway')")" \
  "health_agent=health_agent mcp_gateway=mcp_gateway model_manager=model_manager router=router"
check "the roles are not superusers and create no roles" "$(pg psql -X -tA -d sparkd -c "SELECT count(*) FROM pg_roles WHERE rolname IN ('router','health_agent','model_manager','mcp_gateway') AND NOT rolsuper AND NOT rolcreaterole AND NOT rolcreatedb")" "4"
exit $fail
