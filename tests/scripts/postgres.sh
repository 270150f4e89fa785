#!/usr/bin/env bash
# Starts or stops the throwaway PostgreSQL server the test suite runs
# against (ctest fixture "postgres"). Runs the cluster as the postgres OS
# user, on 127.0.0.1:${GOVSYNC_TEST_PG_PORT:-55432}, with a password-protected
# role `govsync` and database `govsync_test`.
set -euo pipefail
cmd=${1:?usage: postgres.sh start|stop}
port=${GOVSYNC_TEST_PG_PORT:-55432}
root=${GOVSYNC_TEST_TMP:-/tmp/govsync-test}/pg-$port
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$cmd" in
  start)
    if as_pg "$bindir/pg_ctl" -D "$root/data" status >/dev/null 2>&1; then
      echo "postgres already running on $port"; exit 0
    fi
    rm -rf "$root"; mkdir -p "$root"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$root"
    as_pg "$bindir/initdb" -D "$root/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$root/initdb.log" 2>&1 \
      || { cat "$root/initdb.log"; exit 1; }
    # Local connections trust the superuser; TCP needs the password (tests check a wrong one fails).
    cat >"$root/data/pg_hba.conf" <<HBA
local all all trust
host all all 127.0.0.1/32 scram-sha-256
HBA
    as_pg "$bindir/pg_ctl" -D "$root/data" -l "$root/server.log" -w -t 60 \
      -o "-p $port -k $root -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
    as_pg "$bindir/psql" -h "$root" -p "$port" -U postgres -qAt -v ON_ERROR_STOP=1 <<SQL
CREATE ROLE govsync LOGIN PASSWORD 'govsync-test' CREATEDB;
CREATE DATABASE govsync_test OWNER govsync;
SQL
    echo "postgres started on 127.0.0.1:$port ($root)"
    ;;
  stop)
    as_pg "$bindir/pg_ctl" -D "$root/data" -m fast -w stop >/dev/null 2>&1 || true
    echo "postgres stopped"
    ;;
  *) echo "usage: postgres.sh start|stop" >&2; exit 2 ;;
esac
