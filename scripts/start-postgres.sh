#!/usr/bin/env bash
# Starts (or stops) a throwaway PostgreSQL cluster for the tests, listening on 127.0.0.1 only.
#   scripts/start-postgres.sh [start]   prints the connection string on stdout (idempotent)
#   scripts/start-postgres.sh stop      stops the cluster and deletes its directory
# Environment: SAFEGUARD_PG_DIR (cluster directory), SAFEGUARD_PG_PORT (first port to try, 55432).
set -euo pipefail
action=${1:-start}
dir=${SAFEGUARD_PG_DIR:-${TMPDIR:-/tmp}/safeguard-pg-$(id -u)}
data=$dir/data
database=safeguard_test

bindir=""
if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then bindir=$(pg_config --bindir); fi
if [ -z "$bindir" ]; then bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true); fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "start-postgres: PostgreSQL server binaries not found (install the 'postgresql' package)" >&2
  exit 1
fi

# PostgreSQL refuses to run as root: run its tools as the 'postgres' user then.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

connection() { echo "Host=127.0.0.1;Port=$(cat "$dir/port");Username=postgres;Database=$database;Pooling=true"; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

case "$action" in
  stop)
    if [ -f "$data/postmaster.pid" ]; then as_owner "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    exit 0 ;;
  start) ;;
  *) echo "usage: $0 [start|stop]" >&2; exit 2 ;;
esac

if [ -f "$dir/port" ] && as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  connection
  exit 0
fi

rm -rf "$dir"
mkdir -p "$dir"
if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
as_owner "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
  || { echo "start-postgres: initdb failed:" >&2; cat "$dir/initdb.log" >&2; exit 1; }

port=${SAFEGUARD_PG_PORT:-55432}
while ! port_free "$port"; do port=$((port + 1)); done
echo "$port" >"$dir/port"
# Durability off: the cluster lives for one test run.
as_owner "$bindir/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
  -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null \
  || { echo "start-postgres: server did not start:" >&2; cat "$dir/server.log" >&2; exit 1; }
as_owner "$bindir/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "CREATE DATABASE $database" >/dev/null
connection
